"""Parse delivered time values into UTC.

Accepted spellings (a value without an offset is China Standard Time, UTC+8,
which has had no daylight saving since 1991):
  YYYY-MM-DD HH:MM:SS[.fff]        Tmall, CRM, most CSV exports
  YYYY/MM/DD HH:MM[:SS]            POS terminals
  YYYY-MM-DDTHH:MM:SS[.fff][offset] ISO 8601; offset `Z`, `+08:00`, `+0800` or `+08`
                                   (a space instead of `T` is accepted too)
  10 digits[.fraction] / 13 digits epoch seconds / milliseconds (always UTC)
  Excel serial day numbers         XLSX only (e.g. `46348.4375`), wall-clock CST

A column usually holds one spelling, so the spelling of its first value is
tried first on the whole column, and only the values it could not parse are
tried against the others.
"""

from __future__ import annotations

import re
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


def _china_wall_clock(values: pl.Series, fmt: str) -> pl.Series:
    naive = values.str.strptime(pl.Datetime("us"), fmt, strict=False)
    return (naive - CHINA_OFFSET).dt.replace_time_zone("UTC")


def _iso_with_offset(values: pl.Series) -> pl.Series:
    fmt = "%Y-%m-%dT%H:%M:%S%.f%z"
    parsed = values.str.strptime(UTC_TYPE, fmt, strict=False)
    if parsed.null_count() == 0:
        return parsed
    # Spellings chrono's %z does not take: `Z`, `+08`, or a space before the time.
    normalized = (
        values.str.replace(r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}) ", "${1}T")
        .str.replace(r"[Zz]$", "+00:00")
        .str.replace(r"([+-][0-9]{2})$", "${1}:00")
    )
    return parsed.fill_null(normalized.str.strptime(UTC_TYPE, fmt, strict=False))


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
    looks_like: re.Pattern[str]  # used only to decide which format to try first
    parse: Callable[[pl.Series], pl.Series]  # text -> Datetime(us, UTC), null where it does not fit


TIME_FORMATS: tuple[TimeFormat, ...] = (
    TimeFormat(
        "YYYY-MM-DD HH:MM:SS",
        re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} [0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?$"),
        lambda v: _china_wall_clock(v, "%Y-%m-%d %H:%M:%S%.f"),
    ),
    TimeFormat(
        "YYYY/MM/DD HH:MM:SS",
        re.compile(r"^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2} [0-9]{1,2}:[0-9]{2}:[0-9]{2}$"),
        lambda v: _china_wall_clock(v, "%Y/%m/%d %H:%M:%S"),
    ),
    TimeFormat(
        "YYYY/MM/DD HH:MM",
        re.compile(r"^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2} [0-9]{1,2}:[0-9]{2}$"),
        lambda v: _china_wall_clock(v, "%Y/%m/%d %H:%M"),
    ),
    TimeFormat(
        "ISO 8601 with offset",
        re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$"),
        _iso_with_offset,
    ),
    TimeFormat(
        "ISO 8601 without offset",
        re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}T[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?$"),
        lambda v: _china_wall_clock(v, "%Y-%m-%dT%H:%M:%S%.f"),
    ),
    TimeFormat("epoch seconds", re.compile(r"^[0-9]{10}(\.[0-9]+)?$"), _epoch_seconds),
    TimeFormat("epoch milliseconds", re.compile(r"^[0-9]{13}(\.0+)?$"), _epoch_milliseconds),
)
EXCEL_SERIAL = TimeFormat("Excel serial day", re.compile(r"^[0-9]{1,6}(\.[0-9]+)?$"), _excel_serial)


def parse_timestamps(values: pl.Series, *, excel_serials: bool = False) -> pl.Series:
    """Trimmed text values -> Datetime(us, UTC); null where no format fits (or the value is null)."""
    formats = (*TIME_FORMATS, EXCEL_SERIAL) if excel_serials else TIME_FORMATS
    first = values.drop_nulls().head(1).to_list()
    if first:
        leading = [f for f in formats if f.looks_like.match(first[0])]
        formats = (*leading, *(f for f in formats if f not in leading))
    result = pl.Series(values.name, [None] * values.len(), dtype=UTC_TYPE)
    pending = values.is_not_null()
    for time_format in formats:
        positions = pending.arg_true()
        if positions.len() == 0:
            break
        whole = positions.len() == values.len()
        parsed = time_format.parse(values if whole else values.gather(positions)).cast(UTC_TYPE)
        if whole:
            result = parsed
        else:
            parsed_ok = parsed.is_not_null()
            result = result.scatter(positions.filter(parsed_ok), parsed.filter(parsed_ok))
        pending = values.is_not_null() & result.is_null()
    return result.alias(values.name)
