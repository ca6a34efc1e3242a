"""Parse delivered time values into UTC.

Accepted spellings (a value without an offset is China Standard Time, UTC+8,
which has had no daylight saving since 1991):
  YYYY-MM-DD HH:MM:SS[.fff]          Tmall, CRM, most CSV exports
  YYYY/MM/DD HH:MM[:SS]              POS terminals
  YYYY-MM-DDTHH:MM:SS[.fff][offset]  ISO 8601; offset `Z`, `+08:00`, `+0800` or `+08`
                                     (with an offset, a space instead of `T` too)
  10 digits[.fraction] / 13 digits   epoch seconds / milliseconds (always UTC)
  Excel serial day numbers           XLSX only (e.g. `46348.4375`), wall-clock CST

Each spelling is one format with one parser: polars parses a value that fits
quickly but is slow to reject one that does not, so values are only ever
handed to the format their pattern says they are spelled in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

UTC_TYPE = pl.Datetime("us", "UTC")
CHINA_OFFSET = timedelta(hours=8)
# Day 0 of Excel's 1900 date system (valid for every serial from 1900-03-01 on).
EXCEL_EPOCH = datetime(1899, 12, 30)
_EXCEL_EPOCH_US = (EXCEL_EPOCH - datetime(1970, 1, 1)) // timedelta(microseconds=1)
_MICROSECONDS_PER_DAY = 86_400_000_000

_DATE = r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
_SLASH_DATE = r"[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}"
_HMS = r"[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
_FRACTION = r"\.[0-9]+"


def _strptime(values: pl.Series, dtype: pl.DataType, fmt: str) -> pl.Series:
    # Time values are nearly all distinct: polars' cache of parsed values only costs.
    return values.str.strptime(dtype, fmt, strict=False, cache=False)


def _china_wall_clock(fmt: str) -> Callable[[pl.Series], pl.Series]:
    def parse(values: pl.Series) -> pl.Series:
        naive = _strptime(values, pl.Datetime("us"), fmt)
        return (naive - CHINA_OFFSET).dt.replace_time_zone("UTC")

    return parse


def _iso_with_offset(values: pl.Series) -> pl.Series:
    """`2026-11-22T10:00:00[.fff]+08:00` (or `+0800`).

    polars reads a `%z` offset several times slower than the rest of the
    value, so the usual zero-padded layout is taken apart by position: the
    wall-clock part parses fast, the fraction and offset are plain numbers.
    Anything else is left to chrono's `%z`.
    """
    tail = values.str.slice(19)
    colon = tail.str.slice(-3, 1) == ":"
    offset = pl.when(colon).then(tail.str.slice(-6)).otherwise(tail.str.slice(-5))
    fraction = pl.when(colon).then(tail.str.head(-6)).otherwise(tail.str.head(-5))
    sign = pl.when(offset.str.starts_with("+")).then(1).when(offset.str.starts_with("-")).then(-1)
    hours = offset.str.slice(1, 2).cast(pl.Int64, strict=False)
    minutes = offset.str.tail(2).cast(pl.Int64, strict=False)
    micros = (
        pl.when(fraction == "")
        .then(0)
        .when(fraction.str.starts_with("."))
        .then(fraction.str.slice(1).str.pad_end(6, "0").str.slice(0, 6).cast(pl.Int64, strict=False))
    )
    shift = micros - sign * (hours * 60 + minutes) * 60_000_000
    naive = _strptime(values.str.slice(0, 19), pl.Datetime("us"), "%Y-%m-%dT%H:%M:%S")
    fast = pl.select((pl.lit(naive) + pl.duration(microseconds=shift)).dt.replace_time_zone("UTC")).to_series()
    missed = (values.is_not_null() & fast.is_null()).arg_true()
    if missed.len():
        fast = fast.scatter(missed, _strptime(values.gather(missed), UTC_TYPE, "%Y-%m-%dT%H:%M:%S%.f%z"))
    return fast


def _iso_with_other_offset(values: pl.Series) -> pl.Series:
    """Spellings chrono's %z does not take: `Z`, `+08`, or a space before the time."""
    normalized = (
        values.str.replace(rf"^({_DATE}) ", "${1}T")
        .str.replace(r"[Zz]$", "+00:00")
        .str.replace(r"([+-][0-9]{2})$", "${1}:00")
    )
    return _iso_with_offset(normalized)


def _epoch_seconds(values: pl.Series) -> pl.Series:
    """10 digits, optionally with a fraction (`1732245000.25`)."""
    parts = values.str.extract_groups(r"^([0-9]{10})(?:\.([0-9]{1,6})[0-9]*)?$")
    seconds = parts.struct.field("1").cast(pl.Int64)
    fraction = parts.struct.field("2").fill_null("0").str.pad_end(6, "0").cast(pl.Int64)
    micros = seconds * 1_000_000 + fraction
    return pl.from_epoch(micros, time_unit="us").dt.replace_time_zone("UTC")


def _epoch_milliseconds(values: pl.Series) -> pl.Series:
    """13 digits (`1732245000123`; a JSON float `1732245000123.0` too)."""
    millis = values.str.extract(r"^([0-9]{13})(?:\.0+)?$").cast(pl.Int64)
    return pl.from_epoch(millis, time_unit="ms").cast(pl.Datetime("us")).dt.replace_time_zone("UTC")


def _excel_serial(values: pl.Series) -> pl.Series:
    days = values.str.extract(r"^([0-9]{1,6}(?:\.[0-9]+)?)$").cast(pl.Float64)
    micros = (days * _MICROSECONDS_PER_DAY).round(0).cast(pl.Int64) + _EXCEL_EPOCH_US
    wall = pl.from_epoch(micros, time_unit="us")
    return (wall - CHINA_OFFSET).dt.replace_time_zone("UTC")


@dataclass(frozen=True)
class TimeFormat:
    name: str
    pattern: str  # the values this format reads (same syntax for Python's re and polars)
    parse: Callable[[pl.Series], pl.Series]  # text -> Datetime(us, UTC), null where it does not fit

    def looks_like(self, text: str) -> bool:
        return re.match(self.pattern, text) is not None


TIME_FORMATS: tuple[TimeFormat, ...] = (
    TimeFormat("YYYY-MM-DD HH:MM:SS", rf"^{_DATE} {_HMS}$", _china_wall_clock("%Y-%m-%d %H:%M:%S")),
    TimeFormat(
        "YYYY-MM-DD HH:MM:SS.fff", rf"^{_DATE} {_HMS}{_FRACTION}$", _china_wall_clock("%Y-%m-%d %H:%M:%S%.f")
    ),
    TimeFormat("YYYY/MM/DD HH:MM:SS", rf"^{_SLASH_DATE} {_HMS}$", _china_wall_clock("%Y/%m/%d %H:%M:%S")),
    TimeFormat(
        "YYYY/MM/DD HH:MM", rf"^{_SLASH_DATE} [0-9]{{1,2}}:[0-9]{{2}}$", _china_wall_clock("%Y/%m/%d %H:%M")
    ),
    TimeFormat(
        "ISO 8601 with offset", rf"^{_DATE}T{_HMS}({_FRACTION})?[+-][0-9]{{2}}:?[0-9]{{2}}$", _iso_with_offset
    ),
    TimeFormat(
        "ISO 8601 with Z or an hours-only offset (or a space before the time)",
        rf"^{_DATE}[T ]{_HMS}({_FRACTION})?([Zz]|[+-][0-9]{{2}}(:?[0-9]{{2}})?)$",
        _iso_with_other_offset,
    ),
    TimeFormat("ISO 8601 without offset", rf"^{_DATE}T{_HMS}$", _china_wall_clock("%Y-%m-%dT%H:%M:%S")),
    TimeFormat(
        "ISO 8601 without offset, with fraction",
        rf"^{_DATE}T{_HMS}{_FRACTION}$",
        _china_wall_clock("%Y-%m-%dT%H:%M:%S%.f"),
    ),
    TimeFormat("epoch seconds", r"^[0-9]{10}(\.[0-9]+)?$", _epoch_seconds),
    TimeFormat("epoch milliseconds", r"^[0-9]{13}(\.0+)?$", _epoch_milliseconds),
)
EXCEL_SERIAL = TimeFormat("Excel serial day", r"^[0-9]{1,6}(\.[0-9]+)?$", _excel_serial)


# A column whose first values show one spelling this often is parsed whole in it.
_SAMPLE = 1000
_SETTLED = 0.99


def parse_timestamps(values: pl.Series, *, excel_serials: bool = False) -> pl.Series:
    """Text values -> Datetime(us, UTC); null where no format fits (or the value is null).

    A column usually holds one spelling: when its first values agree, their
    format is tried on the whole column at once. The values it leaves (or,
    in a column of mixed spellings, all values) are routed by pattern, each
    to the one format that can read it, most common spelling first.
    """
    formats = (*TIME_FORMATS, EXCEL_SERIAL) if excel_serials else TIME_FORMATS
    sample = values.drop_nulls().head(_SAMPLE).to_list()
    seen = Counter(next((f for f in formats if f.looks_like(text)), None) for text in sample)
    ranked = sorted(formats, key=lambda f: -seen[f])
    leading, count = seen.most_common(1)[0] if sample else (None, 0)
    if leading is not None and count >= _SETTLED * len(sample):
        result = leading.parse(values).cast(UTC_TYPE)
    else:
        leading = None
        result = pl.Series(values.name, [None] * values.len(), dtype=UTC_TYPE)
    positions = (values.is_not_null() & result.is_null()).arg_true()
    left = values.gather(positions)
    for time_format in ranked:
        if positions.len() == 0:
            break
        if time_format is leading:
            continue
        fits = left.str.contains(time_format.pattern).fill_null(False)
        if fits.any():
            result = result.scatter(positions.filter(fits), time_format.parse(left.filter(fits)).cast(UTC_TYPE))
            positions, left = positions.filter(~fits), left.filter(~fits)
    return result.alias(values.name)
