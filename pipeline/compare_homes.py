"""Compare what two homes published: marts, restricted tables, state and exports.

`oneid compare LEFT RIGHT` answers "did this change alter any result?": build
the same inbox on the same business dates before and after a change (or on
DuckDB and on Spark) and compare. Tables are compared row for row as values:
their storage may differ where the engines' types do (DuckDB sums a bigint
into a hugeint, Spark keeps a bigint; decimal widths), and floats are
compared to `float_digits` decimals. What a night writes about itself (run
ids, times) is left out: `RUN_TABLES`, `RUN_FIELDS` of the export manifests,
and (comparing homes) the `LOAD_COLUMNS` of the rows each load landed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipeline.errors import ConfigurationError
from pipeline.home import Home

FLOAT_TYPES = {"FLOAT", "DOUBLE"}
INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
# Tables that record the night itself (run ids, times, engine): equal results
# never make them equal.
RUN_TABLES = frozenset({"run_history", "build_manifest"})
RUN_FIELDS = frozenset({"run_id", "generated_at"})
# Columns that record which load landed a row and when (and the ids staging
# derives from them): two homes that landed the same files differ only there.
LOAD_COLUMNS = frozenset({"_load_id", "_loaded_at", "load_id", "loaded_at", "delivered_file_id", "quarantined_row_id"})


@dataclass
class TableDifference:
    table: str
    problem: str
    examples: list[tuple] = field(default_factory=list)


def tables(database: Path) -> dict[str, dict[str, str]]:
    """table -> column -> DuckDB type, of the file's `main` schema."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select table_name, column_name, data_type from duckdb_columns() "
            "where schema_name = 'main' and not internal order by table_name, column_index"
        ).fetchall()
    found: dict[str, dict[str, str]] = {}
    for table, column, kind in rows:
        found.setdefault(table, {})[column] = kind
    return found


def compare_databases(
    left: Path,
    right: Path,
    *,
    skip_tables: set[str] | frozenset[str] = RUN_TABLES,
    float_digits: int = 9,
    renamed: dict[str, str] | None = None,
    skip_columns: frozenset[str] = frozenset(),
) -> list[TableDifference]:
    """Every difference between the tables of two DuckDB files (at most 3 example rows each).

    `renamed` maps a table of the left file to its name in the right one (a
    change that renamed models compares their tables under the new names);
    `skip_columns` are left out of every table.
    """
    on_left = tables(left)
    left_names = {(renamed or {}).get(name, name): name for name in on_left}
    left_tables = {name: on_left[original] for name, original in left_names.items()}
    right_tables = tables(right)
    differences = [
        TableDifference(name, "only in " + ("left" if name in left_tables else "right"))
        for name in sorted(set(left_tables) ^ set(right_tables))
    ]
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        for name in sorted(set(left_tables) & set(right_tables) - set(skip_tables)):
            lcols, rcols = left_tables[name], right_tables[name]
            if set(lcols) != set(rcols):
                differences.append(TableDifference(name, f"columns differ: {list(lcols)} vs {list(rcols)}"))
                continue
            if list(lcols) != list(rcols):
                # Reported, and the values are still compared column by column.
                differences.append(TableDifference(name, f"columns in another order: {list(lcols)} vs {list(rcols)}"))
            values = ", ".join(
                _comparable(column, kind, rcols[column], float_digits)
                for column, kind in lcols.items()
                if column not in skip_columns
            )
            difference = _rows_difference(con, f'l.main."{left_names[name]}"', f'r.main."{name}"', values)
            if difference is not None:
                differences.append(TableDifference(name, *difference))
    return differences


def compare_parquet(left: Path, right: Path) -> TableDifference | None:
    with duckdb.connect() as con:
        difference = _rows_difference(con, f"read_parquet('{left}')", f"read_parquet('{right}')", "*")
    return None if difference is None else TableDifference(str(left.name), *difference)


def compare_homes(
    left: Home, right: Home, *, float_digits: int = 9, renamed: dict[str, str] | None = None
) -> list[TableDifference]:
    """Everything two homes published that differs, each named by where it lives."""
    for home in (left, right):
        missing = [path for path in (home.warehouse, home.restricted) if not path.is_file()]
        if missing:
            raise ConfigurationError(f"{home.root} has published no night: {missing[0]} is missing")
    differences: list[TableDifference] = []
    stores = (("warehouse", left.warehouse, right.warehouse), ("restricted", left.restricted, right.restricted))
    for label, on_left, on_right in stores:
        found = compare_databases(
            on_left, on_right, float_digits=float_digits, renamed=renamed, skip_columns=LOAD_COLUMNS
        )
        for difference in found:
            # The restricted store's rows hold raw identifiers: named, never shown.
            examples = difference.examples if label == "warehouse" else []
            differences.append(TableDifference(f"{label}: {difference.table}", difference.problem, examples))
    differences += _compare_files(left.state, right.state, "state", parquet=True)
    differences += _compare_files(left.exports, right.exports, "exports", parquet=False)
    return differences


def _compare_files(left: Path, right: Path, label: str, *, parquet: bool) -> list[TableDifference]:
    def files(folder: Path) -> set[Path]:
        found = folder.rglob("*") if folder.is_dir() else ()
        return {path.relative_to(folder) for path in found if path.is_file()}

    on_left, on_right = files(left), files(right)
    differences = [
        TableDifference(f"{label}: {name}", "only in " + ("left" if name in on_left else "right"))
        for name in sorted(on_left ^ on_right)
    ]
    for name in sorted(on_left & on_right):
        if parquet and name.suffix == ".parquet":
            difference = compare_parquet(left / name, right / name)
            if difference is not None:
                differences.append(TableDifference(f"{label}: {name}", difference.problem, difference.examples))
        elif name.suffix == ".json":
            if _without_run_fields(json.loads((left / name).read_bytes())) != _without_run_fields(
                json.loads((right / name).read_bytes())
            ):
                differences.append(TableDifference(f"{label}: {name}", "contents differ"))
        elif (left / name).read_bytes() != (right / name).read_bytes():
            differences.append(TableDifference(f"{label}: {name}", "bytes differ"))
    return differences


def _without_run_fields(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_run_fields(item) for key, item in value.items() if key not in RUN_FIELDS}
    if isinstance(value, list):
        return [_without_run_fields(item) for item in value]
    return value


def _rows_difference(
    con: duckdb.DuckDBPyConnection, left: str, right: str, values: str
) -> tuple[str, list[tuple]] | None:
    counts = con.execute(f"select (select count(*) from {left}), (select count(*) from {right})").fetchone()
    assert counts is not None
    if counts[0] != counts[1]:
        return f"row counts differ: {counts[0]} vs {counts[1]}", []
    left_rows, right_rows = f"select {values} from {left}", f"select {values} from {right}"
    examples = con.execute(f"({left_rows}) except all ({right_rows}) limit 3").fetchall()
    examples += con.execute(f"({right_rows}) except all ({left_rows}) limit 3").fetchall()
    return ("rows differ", examples) if examples else None


def _comparable(column: str, left: str, right: str, float_digits: int) -> str:
    """The column as a value both engines' types map to."""
    quoted = '"' + column.replace('"', '""') + '"'
    kinds = {left, right}
    if kinds & FLOAT_TYPES:
        return f"round(cast({quoted} as double), {float_digits}) as {quoted}"
    if kinds <= INTEGER_TYPES:
        return f"cast({quoted} as hugeint) as {quoted}"
    if all(kind in INTEGER_TYPES or kind.startswith("DECIMAL") for kind in kinds):
        return f"cast({quoted} as decimal(38, 10)) as {quoted}"
    return f"cast({quoted} as varchar) as {quoted}"
