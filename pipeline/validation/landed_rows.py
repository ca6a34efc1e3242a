"""The landed rows a source's row suite validates, as the pandas frame GX reads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from pipeline.ingest.sources import Kind, Source


@dataclass(frozen=True)
class RowsSample:
    frame: pl.DataFrame
    rows_total: int
    sampled: bool


def rows_sample(
    paths: tuple[Path, ...],
    columns: list[str],
    derived: dict[str, pl.Expr],
    *,
    max_rows: int,
    seed: int,
) -> RowsSample:
    """The landed rows of `paths` (all with the lake schema): `columns`, some of them `derived`.

    Above `max_rows` rows, a uniform sample without replacement whose row
    numbers come from numpy's seeded generator: the same files and seed
    always give the same rows, kept in file order.
    """
    if not paths:
        return RowsSample(frame=pl.DataFrame(), rows_total=0, sampled=False)
    stored = set(columns) - set(derived)
    inputs = sorted(stored | {name for expr in derived.values() for name in expr.meta.root_names()})
    frame = pl.scan_parquet(list(paths)).select(inputs).collect()
    total = frame.height
    sampled = total > max_rows
    if sampled:
        rows = np.sort(np.random.default_rng(seed).choice(total, size=max_rows, replace=False))
        frame = frame[rows]
    frame = frame.with_columns(expr.alias(name) for name, expr in derived.items())
    return RowsSample(frame=frame.select(columns), rows_total=total, sampled=sampled)


def to_gx_pandas(frame: pl.DataFrame, source: Source) -> pd.DataFrame:
    """The pandas frame GX validates.

    GX's pandas engine compares numbers and datetimes vectorized only for
    int/float and datetime64[ns] or tz-aware columns; Decimal objects and
    other date units cost a Python call per value. So amounts go as float64 —
    every check on them compares against a small integer bound or another
    amount of the same row, and float64 keeps the sign and order of any
    Decimal(18, 2) below 10^13 — and dates as datetime64[ns].
    """
    casts = []
    for column in source.columns:
        if column.name not in frame.columns:
            continue
        if column.kind is Kind.AMOUNT:
            casts.append(pl.col(column.name).cast(pl.Float64))
        elif column.kind is Kind.DATE:
            casts.append(pl.col(column.name).cast(pl.Datetime("ns")))
    return frame.with_columns(casts).to_pandas()
