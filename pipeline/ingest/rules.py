"""Judge every raw row against its contract and split landed rows from quarantined ones.

A row that breaks several rules is quarantined for the first of them, in
this order (docs/ingestion.md repeats it for operators):
  1. what the reader found: malformed_row / malformed_json / file_rejected
  2. missing_required, for the first empty required column in contract order
  3. per column, in contract order, the column's own rule: bad_identifier,
     bad_number, bad_amount, bad_timestamp or bad_value (format first, then
     minimum / accepted values)
  4. rules across columns of the row (pos_sales: sign_mismatch)
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from pipeline.ingest.headers import contract_headers
from pipeline.ingest.raw_rows import FILE, LINE, PROBLEM, PROBLEM_DETAIL, RAW
from pipeline.ingest.reasons import RowReason
from pipeline.ingest.sources import Kind, Source
from pipeline.ingest.timestamps import parse_timestamps
from pipeline.ingest.values import (
    SECOND_LOOK,
    Check,
    column_checks,
    missing_required,
    text_column,
    typed_value,
    unwrap_excel_escape,
)

REASON = "__reason"
DETAIL = "__detail"
_ESCAPABLE = (Kind.TEXT, Kind.DIGITS, Kind.INT, Kind.AMOUNT, Kind.TIMESTAMP, Kind.HEX_DIGEST, Kind.DATE, Kind.FLAG)


def sign_mismatch(quantity: str, amount: str) -> Check:
    """A sale has a positive quantity, a return a negative one; the amount agrees (or is 0)."""
    q, a = pl.col(quantity), pl.col(amount)
    failed = (q == 0) | ((q > 0) & (a < 0)) | ((q < 0) & (a > 0))
    text = (
        pl.when(q == 0)
        .then(pl.lit("quantity is 0"))
        .otherwise(pl.format("quantity {} and amount {} have different signs", q, a.cast(pl.String)))
    )
    return Check(failed, RowReason.SIGN_MISMATCH, text)


ROW_RULES: dict[str, Callable[[], list[Check]]] = {
    "pos_sales": lambda: [sign_mismatch("quantity", "amount")],
}


def rules_in_order(source: Source) -> list[Check]:
    checks = [missing_required(c) for c in source.required_columns]
    for column in source.columns:
        checks += column_checks(source, column)
    return checks + ROW_RULES.get(source.name, list)()


def judge(source: Source, rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(landed rows: FILE, LINE + lake columns; quarantined rows: FILE, LINE, RAW, REASON, DETAIL)."""
    texts = _clean(source, rows)
    excel_serials = source.file_format == "xlsx"
    texts = texts.with_columns(
        parse_timestamps(texts[text_column(c.header)], excel_serials=excel_serials).alias(c.name)
        for c in source.columns
        if c.kind is Kind.TIMESTAMP
    )
    typed = texts.with_columns(
        typed_value(c).cast(c.lake_type).alias(c.name) for c in source.columns if c.kind is not Kind.TIMESTAMP
    )
    typed = _second_look(source, typed)
    checks = rules_in_order(source)
    broken = typed.select(
        pl.any_horizontal(pl.col(PROBLEM).is_not_null(), *(c.failed.fill_null(False) for c in checks))
    ).to_series()
    landed = typed.filter(~broken).select(FILE, LINE, *(c.name for c in source.columns))
    # Reasons and details are worked out only for the few broken rows.
    quarantined = typed.filter(broken).select(
        FILE,
        LINE,
        RAW,
        pl.coalesce(pl.col(PROBLEM), *(pl.when(c.failed).then(pl.lit(c.reason.value)) for c in checks)).alias(
            REASON
        ),
        pl.coalesce(pl.col(PROBLEM_DETAIL), *(pl.when(c.failed).then(c.detail) for c in checks)).alias(DETAIL),
    )
    return landed, quarantined


def _clean(source: Source, rows: pl.DataFrame) -> pl.DataFrame:
    """Text of every contract column: trimmed, Excel's `="…"` unwrapped, empty -> null.

    In three passes over materialized columns; one expression doing it all
    would trim every value several times over.
    """
    headers = contract_headers(source)
    kinds = {c.header: c.kind for c in source.columns}
    names = [text_column(h) for h in headers]
    texts = rows.select(
        FILE, LINE, RAW, PROBLEM, PROBLEM_DETAIL, *(pl.col(h).str.strip_chars().alias(n) for h, n in zip(headers, names))
    )
    candidates = [n for h, n in zip(headers, names) if kinds[h] in _ESCAPABLE]
    if candidates:
        escaped = texts.select(pl.col(n).str.starts_with('="').any() for n in candidates).row(0)
        texts = texts.with_columns(unwrap_excel_escape(n) for n, found in zip(candidates, escaped) if found)
    return texts.with_columns(pl.when(pl.col(n).str.len_bytes() > 0).then(pl.col(n)).alias(n) for n in names)


def _second_look(source: Source, typed: pl.DataFrame) -> pl.DataFrame:
    """Re-parse, with a tolerant parser, only the values the first pass could not read."""
    repaired = []
    for column in source.columns:
        tolerant = SECOND_LOOK.get(column.kind)
        if tolerant is None:
            continue
        text = typed[text_column(column.header)]
        value = typed[column.name]
        positions = (text.is_not_null() & value.is_null()).arg_true()
        if positions.len() == 0:
            continue
        fixed = tolerant(text.gather(positions)).cast(column.lake_type)
        keep = fixed.is_not_null()
        repaired.append(value.clone().scatter(positions.filter(keep), fixed.filter(keep)))
    return typed.with_columns(repaired) if repaired else typed
