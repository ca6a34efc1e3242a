"""Per-column parsing of delivered text into lake types, and the checks each Kind makes.

Parsing is optimistic: one cheap vectorized pass handles the spelling that
almost every value uses (`12.50`, `3`), and only the values it rejects are
given a second, tolerant look (`¥1,234.50`, `3.0`) before they count as bad.
Identifier values are never judged for plausibility here: masked
(`138****1234`) and junk (`00000000000`, `null`, `无`) values land as
delivered, and identity normalization in staging decides what they are worth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from pipeline.ingest.reasons import RowReason
from pipeline.ingest.sources import Column, Kind, Source

TEXT_PREFIX = "__text:"
_DETAIL_VALUE_CHARS = 80

DIGITS = r"^[0-9]+$"  # `\d` would also accept full-width and other scripts' digits
_PLAIN_AMOUNT = r"^-?[0-9]+(?:\.[0-9]{1,2})?$"
_SPREADSHEET_INTEGER = r"^[+-]?[0-9]+\.0+$"  # how spreadsheets often spell 3
_TOLERANT_AMOUNT = r"^[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]{0,2})?$"
_CURRENCY_SIGNS = ("¥", "￥")
_FLAG_TRUE = ("1", "true")
_FLAG_FALSE = ("0", "false")
# The digest length follows the identifier type in a sibling `id_type` column.
DIGEST_TYPE_COLUMN = "id_type"
_DIGEST_LENGTHS = {"_md5": 32, "_sha256": 64}


@dataclass(frozen=True)
class Check:
    """A rule a row can break: where it fails, the reason code and what to tell the operator."""

    failed: pl.Expr
    reason: RowReason
    detail: pl.Expr


def text_column(header: str) -> str:
    return f"{TEXT_PREFIX}{header}"


def unwrap_excel_escape(name: str) -> pl.Expr:
    """`="00123"` -> `00123`: Excel's way of keeping a long number as text."""
    value = pl.col(name)
    escaped = value.str.starts_with('="') & value.str.ends_with('"') & (value.str.len_bytes() >= 3)
    unwrapped = value.str.slice(2).str.strip_suffix('"').str.strip_chars()
    return pl.when(escaped).then(unwrapped).otherwise(value).alias(name)


def label(column: Column) -> str:
    return column.name if column.name == column.header else f"{column.name} ({column.header})"


def detail(column: Column, problem: str, text: pl.Expr) -> pl.Expr:
    shown = text.str.slice(0, _DETAIL_VALUE_CHARS)
    return pl.concat_str([pl.lit(f"{label(column)}: {problem}: '"), shown, pl.lit("'")])


def typed_value(column: Column) -> pl.Expr:
    """The first, cheap parse of a column's cleaned text into its lake type.

    TIMESTAMP columns are parsed by timestamps.parse_timestamps instead.
    """
    text = pl.col(text_column(column.header))
    kind = column.kind
    if kind in (Kind.TEXT, Kind.JSON, Kind.DIGITS):
        return text
    if kind is Kind.HEX_DIGEST:
        return text.str.to_lowercase()
    if kind is Kind.INT:
        return text.cast(pl.Int64, strict=False)
    if kind is Kind.AMOUNT:
        # The cast alone would silently cut a third decimal: the pattern guards it.
        return pl.when(text.str.contains(_PLAIN_AMOUNT)).then(text.cast(pl.Decimal(18, 2), strict=False))
    if kind is Kind.DATE:
        compact = pl.when(text.str.contains(r"^[0-9]{8}$")).then(text.str.strptime(pl.Date, "%Y%m%d", strict=False))
        return pl.coalesce(
            text.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
            compact,
            text.str.strptime(pl.Date, "%Y/%m/%d", strict=False),
        )
    if kind is Kind.FLAG:
        lowered = text.str.to_lowercase()
        return pl.when(lowered.is_in(_FLAG_TRUE)).then(True).when(lowered.is_in(_FLAG_FALSE)).then(False)
    raise ValueError(f"no parser for kind {kind} of {column.name}")


def _integer_second_look(texts: pl.Series) -> pl.Series:
    plain = pl.when(texts.str.contains(_SPREADSHEET_INTEGER)).then(texts.str.replace(r"\.0+$", ""))
    return pl.select(plain.cast(pl.Int64, strict=False)).to_series()


def _amount_second_look(texts: pl.Series) -> pl.Series:
    bare = texts
    for sign in _CURRENCY_SIGNS:
        bare = bare.str.replace_all(sign, "", literal=True)
    bare = bare.str.replace_all(" ", "", literal=True).str.strip_chars()
    parsed = pl.when(bare.str.contains(_TOLERANT_AMOUNT)).then(
        bare.str.replace_all(",", "", literal=True).cast(pl.Decimal(18, 2), strict=False)
    )
    return pl.select(parsed).to_series()


SECOND_LOOK: dict[Kind, Callable[[pl.Series], pl.Series]] = {
    Kind.INT: _integer_second_look,
    Kind.AMOUNT: _amount_second_look,
}


def missing_required(column: Column) -> Check:
    text = pl.col(text_column(column.header))
    return Check(text.is_null(), RowReason.MISSING_REQUIRED, pl.lit(f"{label(column)} is empty"))


def column_checks(source: Source, column: Column) -> list[Check]:
    """The rules of one column, on its cleaned text and its typed value."""
    text = pl.col(text_column(column.header))
    value = pl.col(column.name)
    unparsed = text.is_not_null() & value.is_null()
    kind = column.kind
    if kind in (Kind.TEXT, Kind.JSON):
        if column.values is None:
            return []
        allowed = ", ".join(column.values)
        bad = text.is_not_null() & ~text.is_in(column.values)
        return [Check(bad, RowReason.BAD_VALUE, detail(column, f"not one of {allowed}", text))]
    if kind is Kind.DIGITS:
        bad = text.is_not_null() & ~text.str.contains(DIGITS)
        return [Check(bad, RowReason.BAD_IDENTIFIER, detail(column, "not all digits", text))]
    if kind is Kind.HEX_DIGEST:
        return [_digest_check(source, column)]
    if kind is Kind.INT:
        checks = [Check(unparsed, RowReason.BAD_NUMBER, detail(column, "not an integer", text))]
        return checks + _minimum(column, RowReason.BAD_NUMBER)
    if kind is Kind.AMOUNT:
        problem = "not a yuan amount with at most 2 decimals"
        return [Check(unparsed, RowReason.BAD_AMOUNT, detail(column, problem, text))] + _minimum(
            column, RowReason.BAD_AMOUNT
        )
    if kind is Kind.TIMESTAMP:
        return [Check(unparsed, RowReason.BAD_TIMESTAMP, detail(column, "not a supported time format", text))]
    if kind is Kind.FLAG:
        return [Check(unparsed, RowReason.BAD_VALUE, detail(column, "not a 1/0 flag", text))]
    if kind is Kind.DATE:
        return []  # an impossible date is kept raw beside it, not a row error
    raise ValueError(f"no checks for kind {kind} of {column.name}")


def _minimum(column: Column, reason: RowReason) -> list[Check]:
    if column.min_value is None:
        return []
    text = pl.col(text_column(column.header))
    below = pl.col(column.name) < column.min_value
    return [Check(below, reason, detail(column, f"below minimum {column.min_value}", text))]


def _digest_check(source: Source, column: Column) -> Check:
    value = pl.col(column.name)
    hexadecimal = value.str.contains(r"^[0-9a-f]+$")
    length = value.str.len_bytes()
    if any(c.name == DIGEST_TYPE_COLUMN for c in source.columns):
        id_type = pl.col(text_column(source.column(DIGEST_TYPE_COLUMN).header))
        expected = pl.lit(None, dtype=pl.UInt32)
        for suffix, size in _DIGEST_LENGTHS.items():
            expected = pl.when(id_type.str.ends_with(suffix)).then(pl.lit(size, dtype=pl.UInt32)).otherwise(expected)
        right_length = pl.when(expected.is_not_null()).then(length == expected).otherwise(length.is_in([32, 64]))
        problem = "not a hex digest of the length its id_type needs"
    else:
        right_length = length.is_in([32, 64])
        problem = "not a 32 or 64 character hex digest"
    bad = value.is_not_null() & ~(hexadecimal & right_length)
    return Check(bad, RowReason.BAD_IDENTIFIER, detail(column, problem, pl.col(text_column(column.header))))
