"""Give landed and quarantined rows their lineage and write one Parquet file per delivered file."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl

from pipeline.ingest.raw_rows import FILE, LINE, RAW
from pipeline.ingest.registry import write_parquet_atomically
from pipeline.ingest.rules import DETAIL, REASON
from pipeline.ingest.sources import LINEAGE_COLUMNS, QUARANTINE_SCHEMA, Source, lake_schema

# polars releases the GIL while it encodes Parquet: small files are written side by side.
WRITERS = 2


@dataclass(frozen=True)
class DeliveredFile:
    """Lineage of one file of a batch."""

    file_path: str
    file_sha256: str
    delivery_date: date


@dataclass(frozen=True)
class LoadStamp:
    """Lineage shared by every row of a load."""

    load_id: str
    load_date: date
    loaded_at: datetime


def with_lineage(rows: pl.DataFrame, files: Sequence[DeliveredFile], stamp: LoadStamp) -> pl.DataFrame:
    """Add the lineage columns to rows of a batch (FILE is the index into `files`)."""
    per_file = pl.DataFrame(
        {
            FILE: pl.Series(range(len(files)), dtype=pl.Int32),
            "_file_path": [f.file_path for f in files],
            "_file_sha256": [f.file_sha256 for f in files],
            "_delivery_date": pl.Series([f.delivery_date for f in files], dtype=pl.Date),
        }
    )
    constants = {"_load_id": stamp.load_id, "_load_date": stamp.load_date, "_loaded_at": stamp.loaded_at}
    return rows.join(per_file, on=FILE, how="left").with_columns(
        pl.col(LINE).alias("_file_line"),
        *(pl.lit(value, dtype=LINEAGE_COLUMNS[name]).alias(name) for name, value in constants.items()),
    )


def lake_rows(source: Source, rows: pl.DataFrame) -> pl.DataFrame:
    """Rows with lineage -> FILE plus exactly lake_schema(source)."""
    return rows.select(FILE, *(pl.col(n).cast(t) for n, t in lake_schema(source).items()))


def quarantine_rows(source: Source, rows: pl.DataFrame) -> pl.DataFrame:
    """Quarantined rows with lineage -> FILE plus exactly QUARANTINE_SCHEMA."""
    named = rows.with_columns(
        pl.lit(source.name).alias("source"),
        pl.col(REASON).alias("reason_code"),
        pl.col(DETAIL).alias("reason_detail"),
        pl.col(RAW).alias("raw_text"),
    )
    return named.select(FILE, *(pl.col(n).cast(t) for n, t in QUARANTINE_SCHEMA.items()))


def write_by_file(rows: pl.DataFrame, paths: dict[int, Path]) -> None:
    """Write the rows of each file of a batch to its own Parquet file."""
    if len(paths) == 1:
        write_parquet_atomically(rows.drop(FILE), next(iter(paths.values())))
        return
    parts = rows.partition_by(FILE, as_dict=True, include_key=False)
    jobs = [(part, paths[key[0]]) for key, part in parts.items()]  # type: ignore[index]
    if len(jobs) == 1:
        write_parquet_atomically(*jobs[0])
        return
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(lambda job: write_parquet_atomically(*job), jobs))
