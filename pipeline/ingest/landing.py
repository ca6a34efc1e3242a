"""Give landed and quarantined rows their lineage and write one Parquet file per delivered file."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl

from pipeline.ingest.raw_rows import FILE, LINE, RAW
from pipeline.ingest.registry import write_parquet_atomically
from pipeline.ingest.rules import DETAIL, REASON
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


def rows_by_file(rows: pl.DataFrame) -> dict[int, pl.DataFrame]:
    """The rows of each file (FILE) of a batch, as zero-copy slices.

    Readers keep the rows of a file together, so slicing by runs of FILE is
    enough; should a file ever come in two runs, the rows are sorted first.
    """
    runs = rows[FILE].rle().struct.unnest()
    if runs["value"].n_unique() != runs.height:
        rows = rows.sort(FILE, maintain_order=True)
        runs = rows[FILE].rle().struct.unnest()
    slices, offset = {}, 0
    for length, file in runs.iter_rows():
        slices[file] = rows.slice(offset, length)
        offset += length
    return slices


def _lineage(file: DeliveredFile, stamp: LoadStamp) -> list[pl.Expr]:
    values = {
        "_file_path": file.file_path,
        "_file_sha256": file.file_sha256,
        "_delivery_date": file.delivery_date,
        "_load_id": stamp.load_id,
        "_load_date": stamp.load_date,
        "_loaded_at": stamp.loaded_at,
    }
    return [pl.lit(v, dtype=LINEAGE_COLUMNS[k]).alias(k) for k, v in values.items()] + [
        pl.col(LINE).alias("_file_line")
    ]


def lake_rows(source: Source, rows: pl.DataFrame, file: DeliveredFile, stamp: LoadStamp) -> pl.DataFrame:
    """Landed rows of one file (LINE + lake columns) -> exactly lake_schema(source)."""
    return rows.with_columns(_lineage(file, stamp)).select(
        pl.col(n).cast(t) for n, t in lake_schema(source).items()
    )


def quarantine_rows(source: Source, rows: pl.DataFrame, file: DeliveredFile, stamp: LoadStamp) -> pl.DataFrame:
    """Quarantined rows of one file (LINE, RAW, REASON, DETAIL) -> exactly QUARANTINE_SCHEMA."""
    named = rows.with_columns(
        pl.lit(source.name).alias("source"),
        pl.col(REASON).alias("reason_code"),
        pl.col(DETAIL).alias("reason_detail"),
        pl.col(RAW).alias("raw_text"),
        *_lineage(file, stamp),
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
