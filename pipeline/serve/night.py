"""What one published night holds, read once when its files are opened.

Table and column names found here are the only names the API ever puts
into SQL text (quoted); everything a caller sends is a bound parameter.
The brand scopes, WeChat apps and manual-tag catalog are seeds the night
published, so the API follows the same configuration as the build.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from pipeline.keyed_hash import keyed_hash

# The warehouse is attached under this name, the restricted store as `restricted`.
WAREHOUSE = "oneid"
RESTRICTED = "restricted"
AUDIENCE_PREFIX = "aud_"
MANUAL_TAGS = "person_brand_manual_tags"
# Columns of the tag marts that identify a row rather than describe the person.
NOT_TAGS = {"oneid", "brand", "person_brand_id", "business_date"}


@dataclass(frozen=True)
class CatalogValue:
    tag_value: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class CatalogTag:
    tag_code: str
    name_zh: str
    name_en: str
    values: tuple[CatalogValue, ...]


@dataclass(frozen=True)
class PublishedNight:
    run_id: str | None  # the run that published it (run_history)
    business_date: date | None
    warehouse_tables: frozenset[str]
    restricted_tables: frozenset[str]
    columns: dict[str, tuple[str, ...]]  # table (restricted ones as `restricted.<table>`) -> its columns
    shared_brands: dict[str, bool]  # brand -> is_shared_group_wide (seed brand_data_scopes)
    app_brands: dict[str, str]  # WeChat appid -> brand (seed wechat_apps)
    catalog: dict[str, dict[str, CatalogTag]]  # brand -> tag_code -> tag (seed manual_tag_catalog)
    hash_key_matches: bool  # this process's ONEID_HASH_KEY is the one the night hashed identifiers with

    @property
    def audiences(self) -> list[str]:
        """Audience names without the `aud_` prefix, as the API shows them."""
        return sorted(t.removeprefix(AUDIENCE_PREFIX) for t in self.warehouse_tables if t.startswith(AUDIENCE_PREFIX))

    def has(self, table: str) -> bool:
        return table in self.warehouse_tables

    def tag_columns(self, table: str) -> tuple[str, ...]:
        return tuple(c for c in self.columns.get(table, ()) if c not in NOT_TAGS)

    @property
    def manual_tag_codes(self) -> set[str]:
        return {code for tags in self.catalog.values() for code in tags}


def attach_night(con: duckdb.DuckDBPyConnection, warehouse: Path, restricted: Path) -> None:
    """The night's two DuckDB files, read-only, as `oneid` (the default) and `restricted`."""
    con.execute(f"attach {_quoted(warehouse)} as {WAREHOUSE} (read_only)")
    con.execute(f"attach {_quoted(restricted)} as {RESTRICTED} (read_only)")
    con.execute(f"use {WAREHOUSE}")


def night_columns(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Table (restricted ones as `restricted.<table>`) -> column -> DuckDB type, in column order."""
    columns: dict[str, dict[str, str]] = {}
    for database, table, column, data_type in con.execute(
        """
        select database_name, table_name, column_name, data_type
        from duckdb_columns()
        where database_name in (?, ?) and schema_name = 'main'
        order by database_name, table_name, column_index
        """,
        [WAREHOUSE, RESTRICTED],
    ).fetchall():
        columns.setdefault(table if database == WAREHOUSE else f"{RESTRICTED}.{table}", {})[column] = data_type
    return columns


def read_night(con: duckdb.DuckDBPyConnection) -> PublishedNight:
    columns = night_columns(con)
    tables: dict[str, set[str]] = {WAREHOUSE: set(), RESTRICTED: set()}
    for name in columns:
        database, _, table = name.rpartition(".")
        tables[database or WAREHOUSE].add(table)
    warehouse = frozenset(tables[WAREHOUSE])
    run_id, business_date = _last_run(con, warehouse)
    return PublishedNight(
        run_id=run_id,
        business_date=business_date,
        warehouse_tables=warehouse,
        restricted_tables=frozenset(tables[RESTRICTED]),
        columns={t: tuple(c) for t, c in columns.items()},
        shared_brands=dict(con.execute("select brand, is_shared_group_wide from oneid.brand_data_scopes").fetchall())
        if "brand_data_scopes" in warehouse
        else {},
        app_brands=dict(con.execute("select appid, brand from oneid.wechat_apps").fetchall())
        if "wechat_apps" in warehouse
        else {},
        catalog=_catalog(con) if "manual_tag_catalog" in warehouse else {},
        hash_key_matches=_hash_key_matches(con, frozenset(tables[RESTRICTED])),
    )


def _hash_key_matches(con: duckdb.DuckDBPyConnection, restricted: frozenset[str]) -> bool:
    """Look-ups hash what is typed with this process's key: with another key they would find no one."""
    if "int_identifier_oneids" not in restricted:
        return True
    row = con.execute(f"select identifier_key, identifier_hash from {RESTRICTED}.int_identifier_oneids limit 1").fetchone()
    return row is None or keyed_hash(row[0]) == row[1]


def _quoted(path: Path) -> str:
    # A path from the home (operator configuration), never request input.
    return "'" + str(path).replace("'", "''") + "'"


def _last_run(con: duckdb.DuckDBPyConnection, tables: frozenset[str]) -> tuple[str | None, date | None]:
    """The run that published the night (its own run_history row) and its business date."""
    if "run_history" not in tables:
        return None, None
    row = con.execute(
        "select run_id, business_date from oneid.run_history where status = 'succeeded' order by started_at desc limit 1"
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _catalog(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, CatalogTag]]:
    rows = con.execute(
        """
        select brand, tag_code, tag_name_zh, tag_name_en, tag_value, value_label_zh, value_label_en
        from oneid.manual_tag_catalog
        order by brand, tag_code, tag_value
        """
    ).fetchall()
    catalog: dict[str, dict[str, CatalogTag]] = {}
    for brand, code, name_zh, name_en, value, label_zh, label_en in rows:
        tags = catalog.setdefault(brand, {})
        tag = tags.get(code) or CatalogTag(code, name_zh, name_en, ())
        tags[code] = CatalogTag(code, name_zh, name_en, (*tag.values, CatalogValue(value, label_zh, label_en)))
    return catalog
