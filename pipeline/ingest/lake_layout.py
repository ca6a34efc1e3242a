"""Where landed data lives in the lake, and the empty schema files that keep
dbt sources readable before a source has ever delivered anything.

Layout (relative to the home):
  lake/raw/<source>/load_date=YYYY-MM-DD/<load_id>__<part>.parquet
  lake/quarantine/<source>/load_date=YYYY-MM-DD/<load_id>__<part>.parquet
(a part holds the rows of one batch of delivered files; `_file_path` and
`_file_sha256` say which file each row comes from)
  lake/files/<load_id>.parquet          (file registry + reconciliation)
  lake/<area>/<source>/schema.parquet   (zero rows: the source's schema)
  lake/quarantine/schema.parquet        (the same for the quarantine as a whole)
"""

from __future__ import annotations

import glob
from datetime import date
from pathlib import Path

import polars as pl

from pipeline.home import Home
from pipeline.ingest.sources import QUARANTINE_SCHEMA, SOURCES, Source, empty_lake_frame

# Not `_schema.parquet`: Spark never reads a file whose name starts with `_`
# or `.`, even by its full path (macros/engine/lake_sources.sql).
SCHEMA_FILE = "schema.parquet"

FILE_REGISTRY_SCHEMA = pl.Schema(
    {
        "file_path": pl.String(),  # relative to the inbox
        "source": pl.String(),
        "delivery_date": pl.Date(),
        "file_sha256": pl.String(),
        "file_bytes": pl.Int64(),
        "encoding": pl.String(),  # detected: utf-8, utf-8-sig, gb18030, xlsx, gzip+utf-8 ...
        "status": pl.String(),  # FileStatus
        "rejection_code": pl.String(),  # FileRejection, when rejected
        "message": pl.String(),
        "rows_read": pl.Int64(),
        "rows_landed": pl.Int64(),
        "rows_quarantined": pl.Int64(),
        "extra_columns": pl.String(),  # comma-separated unknown headers (schema drift)
        "duplicate_of": pl.String(),  # file_path of the earlier file with the same bytes
        "load_id": pl.String(),
        "load_date": pl.Date(),
        "loaded_at": pl.Datetime("us", "UTC"),
    }
)


def partition_dir(root: Path, source: str, load_date: date) -> Path:
    return root / source / f"load_date={load_date.isoformat()}"


def landed_file_name(load_id: str, part: str) -> str:
    return f"{load_id}__{part}.parquet"


def write_schema_files(home: Home, sources: tuple[Source, ...] = SOURCES) -> None:
    """Make every source readable by dbt even before its first delivery.

    A schema file the contract has moved on from (a column added) is written
    again: dbt and Spark read a source's columns from it, and files landed
    before the change read the new column as null.
    """
    for source in sources:
        _write_schema(home.source_raw(source.name) / SCHEMA_FILE, empty_lake_frame(source))
        _write_schema(home.source_quarantine(source.name) / SCHEMA_FILE, pl.DataFrame(schema=QUARANTINE_SCHEMA))
    # One for the whole quarantine too: Spark reads a source's schema from
    # the file at the top of its folder (macros/engine/lake_sources.sql).
    _write_schema(home.quarantine / SCHEMA_FILE, pl.DataFrame(schema=QUARANTINE_SCHEMA))
    _write_schema(home.file_registry / SCHEMA_FILE, pl.DataFrame(schema=FILE_REGISTRY_SCHEMA))


def _write_schema(path: Path, empty: pl.DataFrame) -> None:
    if path.exists() and list(pl.read_parquet_schema(path).items()) == list(empty.schema.items()):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    written = path.with_name(f".{path.name}.writing")
    empty.write_parquet(written)
    written.replace(path)


def registry_file(home: Home, load_id: str) -> Path:
    return home.file_registry / f"{load_id}.parquet"


def landed_path(home: Home, source: str, load_date: date, load_id: str, part: str) -> Path:
    return partition_dir(home.raw, source, load_date) / landed_file_name(load_id, part)


def quarantine_path(home: Home, source: str, load_date: date, load_id: str, part: str) -> Path:
    return partition_dir(home.quarantine, source, load_date) / landed_file_name(load_id, part)


def load_parts(home: Home, source: str, load_date: date, load_id: str) -> list[Path]:
    """The landed and quarantined Parquet files one load wrote for one source."""
    name = landed_file_name(glob.escape(load_id), "*")
    found = [
        *partition_dir(home.raw, source, load_date).glob(name),
        *partition_dir(home.quarantine, source, load_date).glob(name),
    ]
    return sorted(p for p in found if p.stem.rsplit("__", 1)[0] == load_id)


def load_data_files(home: Home, load_id: str) -> list[Path]:
    """Every landed and quarantined Parquet file written by one load."""
    pattern = f"*/load_date=*/{glob.escape(load_id)}__*.parquet"
    found = [*home.raw.glob(pattern), *home.quarantine.glob(pattern)]
    return sorted(p for p in found if p.stem.rsplit("__", 1)[0] == load_id)
