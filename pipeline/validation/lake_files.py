"""What one load wrote to the lake, and the files frame that reconciles it.

The files frame has one row per delivered file of the load (all sources):
the file registry's row next to what the lake and the quarantine really hold
for that file, the schema of its landed Parquet files and the lineage of its
landed rows. It is computed from Parquet metadata and the lineage columns of
every landed row, so it is never sampled.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pipeline.home import Home
from pipeline.ingest.lake_layout import FILE_REGISTRY_SCHEMA, registry_file
from pipeline.ingest.sources import LINEAGE_COLUMNS, QUARANTINE_SCHEMA, SOURCES, lake_schema

# Columns of the files frame.
SOURCE = "source"
FILE_PATH = "file_path"
STATUS = "status"
FILE_SHA256 = "file_sha256"
LAKE_SHA256 = "lake_file_sha256"  # distinct _file_sha256 of the file's landed rows
LAKE_LOAD_IDS = "lake_load_ids"  # distinct _load_id of the file's landed rows
BAD_LINEAGE = "rows_with_bad_lineage"  # null lineage, _file_line < 1 or a repeated line
ROWS_READ = "rows_read"
ROWS_LANDED = "rows_landed"
ROWS_QUARANTINED = "rows_quarantined"
ROWS_ACCOUNTED = "rows_landed_plus_quarantined"
ROWS_IN_LAKE = "rows_in_lake"
ROWS_IN_QUARANTINE = "rows_in_quarantine"
QUARANTINE_RATE = "quarantine_rate"
SCHEMA_DRIFT = "schema_drift"

UNREGISTERED = "unregistered"  # status of lake rows that no registry row accounts for

_COUNTS = (ROWS_READ, ROWS_LANDED, ROWS_QUARANTINED)


@dataclass(frozen=True)
class LakeFile:
    source: str
    path: Path
    drift: str | None  # how its schema differs from the contract; None when exact

    @property
    def label(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"


@dataclass(frozen=True)
class LoadInventory:
    load_id: str
    registry: pl.DataFrame  # FILE_REGISTRY_SCHEMA
    raw: tuple[LakeFile, ...]
    quarantine: tuple[LakeFile, ...]

    @property
    def load_date(self) -> date | None:
        """From the registry, else from the landed files' partition folders."""
        dates = self.registry.get_column("load_date").drop_nulls()
        if len(dates):
            return dates.min()
        for found in (*self.raw, *self.quarantine):
            folder = found.path.parent.name
            if folder.startswith("load_date="):
                return date.fromisoformat(folder.removeprefix("load_date="))
        return None

    def touched_sources(self) -> list[str]:
        """Contract sources with a registry row or a lake file in this load, in contract order."""
        named = set(self.registry.get_column(SOURCE).drop_nulls().to_list())
        named |= {found.source for found in (*self.raw, *self.quarantine)}
        return [s.name for s in SOURCES if s.name in named]

    def row_files(self, source: str) -> tuple[Path, ...]:
        return tuple(f.path for f in self.raw if f.source == source and f.drift is None)

    def drifted_files(self, source: str) -> tuple[str, ...]:
        return tuple(f.label for f in self.raw if f.source == source and f.drift is not None)

    def registered_files(self, source: str) -> pl.DataFrame:
        return self.registry.filter(pl.col(SOURCE) == source)


def _of_load(path: Path, load_id: str) -> bool:
    # The glob for load `X` also matches the files of a load named `X__y`.
    return path.stem.rsplit("__", 1)[0] == load_id


def take_inventory(home: Home, load_id: str) -> LoadInventory:
    pattern = f"load_date=*/{glob.escape(load_id)}__*.parquet"
    raw: list[LakeFile] = []
    quarantine: list[LakeFile] = []
    for source in SOURCES:
        for path in sorted(home.source_raw(source.name).glob(pattern)):
            if _of_load(path, load_id):
                raw.append(LakeFile(source.name, path, _drift(path, lake_schema(source))))
        for path in sorted(home.source_quarantine(source.name).glob(pattern)):
            if _of_load(path, load_id):
                quarantine.append(LakeFile(source.name, path, _drift(path, QUARANTINE_SCHEMA)))
    return LoadInventory(load_id, read_registry(home, load_id), tuple(raw), tuple(quarantine))


def read_registry(home: Home, load_id: str) -> pl.DataFrame:
    """The load's file registry with FILE_REGISTRY_SCHEMA; empty when the load wrote none."""
    path = registry_file(home, load_id)
    if not path.exists():
        return pl.DataFrame(schema=FILE_REGISTRY_SCHEMA)
    registry = pl.read_parquet(path)
    return registry.select(
        (pl.col(name) if name in registry.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in FILE_REGISTRY_SCHEMA.items()
    )


def schema_drift(actual: pl.Schema, expected: pl.Schema) -> str | None:
    """How a landed file's schema differs from its contract; None when identical."""
    if list(actual.items()) == list(expected.items()):
        return None
    missing = [name for name in expected if name not in actual]
    extra = [name for name in actual if name not in expected]
    retyped = [
        f"{name} is {actual[name]} not {expected[name]}"
        for name in expected
        if name in actual and actual[name] != expected[name]
    ]
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("unexpected " + ", ".join(extra))
    parts.extend(retyped)
    return "; ".join(parts) or "columns out of order"


def _drift(path: Path, expected: pl.Schema) -> str | None:
    return schema_drift(pl.Schema(pl.read_parquet_schema(path)), expected)


def _per_delivered_file(paths: list[Path], source: str, area: str, drift: str | None) -> pl.DataFrame:
    """Rows of lake files (one schema) per delivered file (`_file_path`), with lineage facts."""
    columns = pl.read_parquet_schema(paths[0])
    lake = pl.scan_parquet(paths)
    facts: list[pl.Expr] = [pl.len().cast(pl.Int64).alias("rows")]
    if area == "lake" and all(name in columns for name in LINEAGE_COLUMNS):
        line = pl.col("_file_line")
        broken = pl.any_horizontal(pl.col(name).is_null() for name in LINEAGE_COLUMNS) | (line < 1)
        facts += [
            pl.col("_file_sha256").drop_nulls().unique().sort().str.join(",").alias(LAKE_SHA256),
            pl.col("_load_id").drop_nulls().unique().sort().str.join(",").alias(LAKE_LOAD_IDS),
            (broken.sum() + line.drop_nulls().is_duplicated().sum()).cast(pl.Int64).alias(BAD_LINEAGE),
        ]
    if "_file_path" in columns:
        counted = lake.group_by(pl.col("_file_path").cast(pl.String).alias(FILE_PATH)).agg(facts).collect()
    else:  # not attributable to a delivered file: shows up as unregistered
        counted = lake.select(pl.lit(None, dtype=pl.String).alias(FILE_PATH), *facts).collect()
    return counted.with_columns(pl.lit(source).alias(SOURCE), pl.lit(drift, dtype=pl.String).alias(SCHEMA_DRIFT))


_LAKE_FACTS = {
    SOURCE: pl.String,
    FILE_PATH: pl.String,
    "rows": pl.Int64,
    LAKE_SHA256: pl.String,
    LAKE_LOAD_IDS: pl.String,
    BAD_LINEAGE: pl.Int64,
    SCHEMA_DRIFT: pl.String,
}


def _lake_facts(files: tuple[LakeFile, ...], area: str) -> pl.DataFrame:
    """Per delivered file: rows found in `area`, lineage facts, schema drift.

    The well-formed files of a source are scanned together (a load may land
    hundreds of small files); a drifted file alone, under its own schema.
    """
    well_formed: dict[str, list[Path]] = {}
    parts = []
    for found in files:
        if found.drift is None:
            well_formed.setdefault(found.source, []).append(found.path)
        else:
            drift = f"{area} {found.label}: {found.drift}"
            parts.append(_per_delivered_file([found.path], found.source, area, drift))
    parts += [_per_delivered_file(paths, source, area, None) for source, paths in well_formed.items()]
    stacked = pl.concat([pl.DataFrame(schema=_LAKE_FACTS), *parts], how="diagonal_relaxed")
    return (
        stacked.group_by(SOURCE, FILE_PATH)
        .agg(
            pl.col("rows").sum(),
            pl.col(LAKE_SHA256).drop_nulls().str.join(","),
            pl.col(LAKE_LOAD_IDS).drop_nulls().str.join(","),
            pl.col(BAD_LINEAGE).sum(),
            pl.col(SCHEMA_DRIFT).drop_nulls().str.join("; "),
        )
        .with_columns(_non_empty(LAKE_SHA256), _non_empty(LAKE_LOAD_IDS), _non_empty(SCHEMA_DRIFT))
    )


def _non_empty(name: str) -> pl.Expr:
    return pl.when(pl.col(name) != "").then(pl.col(name)).alias(name)


def files_frame(inventory: LoadInventory) -> pl.DataFrame:
    """One row per delivered file of the load; a lake file that no registry
    row accounts for gets a row of its own with status `unregistered`."""
    registered = inventory.registry.select(
        SOURCE, FILE_PATH, STATUS, FILE_SHA256, *(pl.col(c).fill_null(0) for c in _COUNTS)
    )
    landed = _lake_facts(inventory.raw, "lake").rename({"rows": ROWS_IN_LAKE})
    quarantined = _lake_facts(inventory.quarantine, "quarantine").select(
        SOURCE, FILE_PATH, pl.col("rows").alias(ROWS_IN_QUARANTINE), pl.col(SCHEMA_DRIFT).alias("quarantine_drift")
    )
    keys = [SOURCE, FILE_PATH]
    frame = registered.join(landed, on=keys, how="full", coalesce=True).join(
        quarantined, on=keys, how="full", coalesce=True
    )
    return (
        frame.with_columns(
            pl.col(ROWS_IN_LAKE, ROWS_IN_QUARANTINE, BAD_LINEAGE).fill_null(0),
            pl.concat_list(SCHEMA_DRIFT, "quarantine_drift").list.drop_nulls().list.join("; ").alias(SCHEMA_DRIFT),
        )
        .select(
            SOURCE,
            FILE_PATH,
            pl.col(STATUS).fill_null(UNREGISTERED),
            FILE_SHA256,
            LAKE_SHA256,
            LAKE_LOAD_IDS,
            BAD_LINEAGE,
            *_COUNTS,
            (pl.col(ROWS_LANDED) + pl.col(ROWS_QUARANTINED)).alias(ROWS_ACCOUNTED),
            ROWS_IN_LAKE,
            ROWS_IN_QUARANTINE,
            pl.when(pl.col(ROWS_READ) > 0)
            .then((pl.col(ROWS_QUARANTINED) / pl.col(ROWS_READ)).round(4))
            .alias(QUARANTINE_RATE),
            _non_empty(SCHEMA_DRIFT),
        )
        .sort(SOURCE, FILE_PATH, nulls_last=True)
    )
