"""Wall-clock seconds (China Standard Time) rendered the ways the channels write times.

Formatting goes through lookup tables (one entry per distinct day, one per
second of a day) instead of strftime per row: a year of events is tens of
millions of timestamps.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import polars as pl

from pipeline.demo.calendar import CST_OFFSET_SECONDS, SECONDS_PER_DAY

EPOCH = date(1970, 1, 1)
DATE_PATTERNS = ("%Y-%m-%d", "%Y/%m/%d", "%y%m%d", "%Y%m%d")
TIME_PATTERNS = {"%H:%M:%S": 1, "%H:%M": 60}  # pattern -> seconds per table entry


@lru_cache(maxsize=None)
def _clock_table(pattern: str) -> pl.Series:
    step = TIME_PATTERNS[pattern]
    seconds = np.arange(0, SECONDS_PER_DAY, step)
    hh = pl.Series(values=seconds // 3600).cast(pl.String).str.zfill(2)
    mm = pl.Series(values=seconds // 60 % 60).cast(pl.String).str.zfill(2)
    ss = pl.Series(values=seconds % 60).cast(pl.String).str.zfill(2)
    parts = [hh, pl.lit(":"), mm] + ([pl.lit(":"), ss] if step == 1 else [])
    return pl.select(pl.concat_str(parts)).to_series()


def _as_array(seconds: np.ndarray | pl.Series) -> np.ndarray:
    return seconds.to_numpy() if isinstance(seconds, pl.Series) else np.asarray(seconds, dtype=np.int64)


def _dates(days: np.ndarray, pattern: str) -> pl.Series:
    distinct, inverse = np.unique(days, return_inverse=True)
    table = pl.Series(values=[(EPOCH + timedelta(days=int(d))).strftime(pattern) for d in distinct], dtype=pl.String)
    return table.gather(inverse.ravel())


def _format(seconds: np.ndarray, date_pattern: str, separator: str, time_pattern: str) -> pl.Series:
    days = np.floor_divide(seconds, SECONDS_PER_DAY)
    clock = _clock_table(time_pattern).gather((seconds - days * SECONDS_PER_DAY) // TIME_PATTERNS[time_pattern])
    return pl.select(pl.concat_str([_dates(days, date_pattern), pl.lit(separator), clock])).to_series()


def text(seconds: np.ndarray | pl.Series, pattern: str = "%Y-%m-%d %H:%M:%S") -> pl.Series:
    """A zone-less local time (contract: no zone means CST), e.g. `2026-03-01 20:15:07`.

    `pattern` is a date pattern of DATE_PATTERNS, optionally followed by a space
    and a time pattern of TIME_PATTERNS.
    """
    values = _as_array(seconds)
    if " " not in pattern:
        return _dates(np.floor_divide(values, SECONDS_PER_DAY), pattern)
    date_pattern, time_pattern = pattern.split(" ", 1)
    return _format(values, date_pattern, " ", time_pattern)


def _millis(millis: np.ndarray) -> pl.Series:
    return pl.Series(values=np.asarray(millis, dtype=np.int64)).cast(pl.String).str.zfill(3)


def _iso(seconds: np.ndarray, millis: np.ndarray | None, zone: str) -> pl.Series:
    base = _format(seconds, "%Y-%m-%d", "T", "%H:%M:%S")
    if millis is None:
        return pl.select(pl.concat_str([base, pl.lit(zone)])).to_series()
    return pl.select(pl.concat_str([base, pl.lit("."), _millis(millis), pl.lit(zone)])).to_series()


def iso_cst(seconds: np.ndarray | pl.Series, millis: np.ndarray | None = None) -> pl.Series:
    """ISO 8601 with the +08:00 offset, optionally with milliseconds."""
    return _iso(_as_array(seconds), millis, "+08:00")


def iso_local_or_utc(seconds: np.ndarray, millis: np.ndarray, utc: np.ndarray) -> pl.Series:
    """Per row: `…+08:00`, or the same instant in UTC with `Z` where `utc` is set (one formatting pass)."""
    shifted = np.asarray(seconds, dtype=np.int64) - np.where(utc, CST_OFFSET_SECONDS, 0)
    base = _format(shifted, "%Y-%m-%d", "T", "%H:%M:%S")
    zone = pl.Series(values=["+08:00", "Z"]).gather(np.asarray(utc, dtype=np.int64))
    return pl.select(pl.concat_str([base, pl.lit("."), _millis(millis), zone])).to_series()


def epoch_seconds(seconds: np.ndarray) -> np.ndarray:
    """True Unix time of a CST wall-clock time."""
    return np.asarray(seconds, dtype=np.int64) - CST_OFFSET_SECONDS


def yuan(cents: np.ndarray | pl.Series) -> pl.Series:
    """Cents as a yuan amount with exactly two decimals (`-12.50` for returns)."""
    values = pl.Series(values=np.asarray(cents, dtype=np.int64)) if isinstance(cents, np.ndarray) else cents
    magnitude = values.abs()
    sign = pl.when(values < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.select(
        pl.concat_str([sign, (magnitude // 100).cast(pl.String), pl.lit("."), (magnitude % 100).cast(pl.String).str.zfill(2)])
    ).to_series()
