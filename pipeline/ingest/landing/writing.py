"""Give landed and quarantined rows their lineage and write them as Parquet.

A batch (many delivered files of one source) is written as one landed and
one quarantine file: the lineage columns say which delivered file and line
every row comes from. Writing a file has a fixed price (about 2 ms), so a
file per delivered file would double the cost of landing a night of small
files, and leave dbt thousands of files to open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl

from pipeline.ingest.readers.raw_rows import FILE, LINE, RAW
from pipeline.ingest.file_registry import write_parquet_atomically
from pipeline.ingest.rows.rules import DETAIL, REASON
from pipeline.ingest.sources import LINEAGE_COLUMNS, QUARANTINE_SCHEMA, Source, lake_schema

# polars releases the GIL while it encodes Parquet: files are written side by side.
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


def rows_per_file(rows: pl.DataFrame) -> dict[int, int]:
    """Rows of each file (FILE) of a batch."""
    return dict(rows.group_by(FILE).len().iter_rows())


def _lineage(files: Sequence[DeliveredFile], stamp: LoadStamp) -> list[pl.Expr]:
    of_file = {
        "_file_path": [f.file_path for f in files],
        "_file_sha256": [f.file_sha256 for f in files],
        "_delivery_date": [f.delivery_date for f in files],
    }
    of_load = {"_load_id": stamp.load_id, "_load_date": stamp.load_date, "_loaded_at": stamp.loaded_at}
    return [
        *(pl.lit(pl.Series(k, v, dtype=LINEAGE_COLUMNS[k])).gather(pl.col(FILE)).alias(k) for k, v in of_file.items()),
        *(pl.lit(v, dtype=LINEAGE_COLUMNS[k]).alias(k) for k, v in of_load.items()),
        pl.col(LINE).alias("_file_line"),
    ]


def lake_rows(source: Source, rows: pl.DataFrame, files: Sequence[DeliveredFile], stamp: LoadStamp) -> pl.DataFrame:
    """Landed rows of a batch (FILE, LINE + lake columns) -> exactly lake_schema(source)."""
    return rows.with_columns(_lineage(files, stamp)).select(
        pl.col(n).cast(t) for n, t in lake_schema(source).items()
    )


def quarantine_rows(
    source: Source, rows: pl.DataFrame, files: Sequence[DeliveredFile], stamp: LoadStamp
) -> pl.DataFrame:
    """Quarantined rows of a batch (FILE, LINE, RAW, REASON, DETAIL) -> exactly QUARANTINE_SCHEMA."""
    named = rows.with_columns(
        pl.lit(source.name).alias("source"),
        pl.col(REASON).alias("reason_code"),
        pl.col(DETAIL).alias("reason_detail"),
        pl.col(RAW).alias("raw_text"),
        *_lineage(files, stamp),
    )
    return named.select(pl.col(n).cast(t) for n, t in QUARANTINE_SCHEMA.items())


def write_files(jobs: list[tuple[Callable[[], pl.DataFrame], Path]]) -> None:
    """Build and write each (frame, path), two at a time."""
    if len(jobs) <= 1:
        for build, path in jobs:
            write_parquet_atomically(build(), path)
        return
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(lambda job: write_parquet_atomically(job[0](), job[1]), jobs))
