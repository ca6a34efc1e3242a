"""Write the landed and quarantined rows of one delivered file, with lineage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from pipeline.home import Home
from pipeline.ingest.lake import landed_path, quarantine_path
from pipeline.ingest.raw_rows import LINE, RAW
from pipeline.ingest.registry import write_parquet_atomically
from pipeline.ingest.rules import DETAIL, REASON
from pipeline.ingest.sources import LINEAGE_COLUMNS, QUARANTINE_SCHEMA, Source, lake_schema


@dataclass(frozen=True)
class Lineage:
    file_path: str
    file_sha256: str
    delivery_date: date
    load_id: str
    load_date: date
    loaded_at: datetime

    def columns(self) -> list[pl.Expr]:
        values = {
            "_file_path": self.file_path,
            "_file_sha256": self.file_sha256,
            "_load_id": self.load_id,
            "_delivery_date": self.delivery_date,
            "_load_date": self.load_date,
            "_loaded_at": self.loaded_at,
        }
        return [pl.lit(v, dtype=LINEAGE_COLUMNS[k]).alias(k) for k, v in values.items()] + [
            pl.col(LINE).cast(pl.Int64).alias("_file_line")
        ]


def write_landed(home: Home, source: Source, lineage: Lineage, rows: pl.DataFrame) -> None:
    """`rows`: LINE plus the source's lake columns."""
    schema = lake_schema(source)
    frame = rows.with_columns(lineage.columns()).select(pl.col(n).cast(t) for n, t in schema.items())
    path = landed_path(home, source.name, lineage.load_date, lineage.load_id, lineage.file_sha256)
    write_parquet_atomically(frame, path)


def write_quarantined(home: Home, source: Source, lineage: Lineage, rows: pl.DataFrame) -> None:
    """`rows`: LINE, RAW, REASON, DETAIL."""
    frame = rows.with_columns(
        pl.lit(source.name).alias("source"),
        pl.col(REASON).alias("reason_code"),
        pl.col(DETAIL).alias("reason_detail"),
        pl.col(RAW).alias("raw_text"),
        *lineage.columns(),
    ).select(pl.col(n).cast(t) for n, t in QUARANTINE_SCHEMA.items())
    path = quarantine_path(home, source.name, lineage.load_date, lineage.load_id, lineage.file_sha256)
    write_parquet_atomically(frame, path)
