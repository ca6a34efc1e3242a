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

from pipeline.ingest.readers.raw_rows import FILE, LINE, PROBLEM, PROBLEM_DETAIL, RAW
from pipeline.ingest.reasons import RowReason
from pipeline.ingest.rows.parsing import parse_rows
from pipeline.ingest.sources import Source
from pipeline.ingest.rows.values import Check, column_checks, missing_required

REASON = "__reason"
DETAIL = "__detail"


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
    typed = parse_rows(source, rows)
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
