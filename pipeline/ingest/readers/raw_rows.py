"""The common form every reader produces: one row per delivered record, all text.

A reader turns a batch of files of one source into a frame with
  FILE            index of the file in the batch
  LINE            physical line (CSV, JSONL; 1 = header) or sheet row (XLSX)
  RAW             the record as delivered (null when the reader can recover it later)
  PROBLEM         a structural RowReason found while reading, else null
  PROBLEM_DETAIL  what exactly was wrong
and one String column per contract header (`订单编号`, `device.oaid`), null
where the file has no such column. Validation then works on many files at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from pipeline.ingest.readers.headers import contract_headers
from pipeline.ingest.sources import Source

FILE = "__file"
LINE = "__line"
RAW = "__raw"
PROBLEM = "__problem"
PROBLEM_DETAIL = "__problem_detail"

STRUCTURE_SCHEMA = pl.Schema(
    {FILE: pl.Int32(), LINE: pl.Int64(), RAW: pl.String(), PROBLEM: pl.String(), PROBLEM_DETAIL: pl.String()}
)


@dataclass
class FileShape:
    """What a reader learned about one file besides its rows."""

    extra_columns: tuple[str, ...] = ()
    rejection: str | None = None  # why the whole file is rejected (header lacks a required column)
    notes: list[str] = field(default_factory=list)  # for the registry message


@dataclass
class ReadBatch:
    frame: pl.DataFrame
    shapes: list[FileShape]


def raw_schema(source: Source) -> pl.Schema:
    return pl.Schema({**STRUCTURE_SCHEMA, **{h: pl.String() for h in contract_headers(source)}})


def conform(frame: pl.DataFrame, source: Source) -> pl.DataFrame:
    """Add absent contract columns as nulls and put every column in contract order."""
    schema = raw_schema(source)
    return frame.select(
        pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in schema.items()
    )


def empty_rows(source: Source) -> pl.DataFrame:
    return pl.DataFrame(schema=raw_schema(source))
