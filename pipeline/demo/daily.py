"""Cutting whole-window tables into the per-day files of a source."""

from __future__ import annotations

from typing import Iterator

import numpy as np
import polars as pl

from pipeline.demo.calendar import Window

CHUNK_DAYS = 31  # sources are rendered a month at a time, which bounds memory on big runs
DAY = "_day"  # the business day a rendered row is delivered for


def chunks(frame: pl.DataFrame, window: Window, day_column: str = "emit_day") -> Iterator[tuple[range, pl.DataFrame]]:
    """A month of rows at a time, with the days that month covers."""
    ordered = frame.sort(day_column, maintain_order=True)
    days = ordered[day_column].to_numpy()
    for first in range(0, window.days, CHUNK_DAYS):
        span = range(first, min(first + CHUNK_DAYS, window.days))
        lo, hi = np.searchsorted(days, [span.start, span.stop])
        yield span, ordered.slice(int(lo), int(hi - lo))


def by_day(rendered: pl.DataFrame, days: range) -> Iterator[tuple[int, pl.DataFrame]]:
    """Each day's rows (an empty frame for a day without any), without the day column."""
    parts = rendered.partition_by(DAY, as_dict=True, include_key=False, maintain_order=True)
    empty = rendered.clear().drop(DAY)
    for day in days:
        yield day, parts.get((day,), empty)


def empty_frame(headers: list[str], *extra: str) -> pl.DataFrame:
    return pl.DataFrame(schema={**{h: pl.String for h in headers}, **{e: pl.Int64 for e in (DAY, *extra)}})


def lookup(values: list[str], index: np.ndarray) -> pl.Series:
    return pl.Series(values=values, dtype=pl.String).gather(index)


def date_tag(window: Window, day: int) -> str:
    return window.date_of(day).strftime("%Y%m%d")
