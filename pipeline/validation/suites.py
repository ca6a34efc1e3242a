"""The expectation suites, built from the source contracts in pipeline.ingest.sources.

- `landed_files`: one suite for the whole load, on the files frame
  (lake_files.files_frame): schema of every landed file, reconciliation with
  the file registry, lineage of the landed rows, quarantine rate;
- `landed.<source>`: one suite per source on its landed rows, with what
  nothing else checks: identifier formats, time windows, digest length per
  id type, paid after created, ... (warnings). The contract's row rules
  (required, accepted values, minimums, POS signs) are not here: the loaders
  quarantine the rows that break them and the staging models' contract test
  fails the night on any that lands (docs/validation.md).

Every expectation carries `meta = {"check": <Check>, "severity": <Severity>}`;
docs/validation.md says why each check blocks or warns.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import great_expectations as gx
import great_expectations.expectations as gxe
import polars as pl

from pipeline.ingest.reasons import FileStatus
from pipeline.ingest.sources import AD_ID_TYPES, Column, Kind, Source
from pipeline.validation import lake_files as f
from pipeline.validation.report import Check, Severity

BLOCKING = Severity.BLOCKING
WARNING = Severity.WARNING

QUARANTINE_RATE_WARNING = 0.05  # above this share of a file's rows quarantined, warn

CHINA = timezone(timedelta(hours=8))
EARLIEST_TIMESTAMP = datetime(2000, 1, 1, tzinfo=timezone.utc)
EARLIEST_DATE = datetime(1900, 1, 1)

FILES_SUITE = "landed_files"

DIGITS = r"^[0-9]+$"
HEX_DIGEST = r"^(?:[0-9a-f]{32}|[0-9a-f]{64})$"
WECHAT_APPID = r"^wx[0-9a-zA-Z]{16}$"
# RE2 (pandas' Arrow strings) and Python's re both read this the same way;
# the ideographic space is listed because RE2's \s is ASCII only.
NOT_BLANK = "[^\\s\u3000]"

# Derived columns (computed in polars before GX sees the rows).
DIGEST_TYPE = "id_type_digest_length"

# Pairs (later, earlier) of time columns, and (larger, smaller) of amounts,
# checked in every source that has both columns.
EVENT_ORDER = (("paid_at", "created_at"), ("opened_at", "sent_at"), ("clicked_at", "sent_at"))
AMOUNT_ORDER = (("paid_amount", "refund_amount"),)


@dataclass(frozen=True)
class RowSuite:
    suite: gx.ExpectationSuite
    derived: dict[str, pl.Expr]  # derived column name -> polars expression on landed columns

    @property
    def columns(self) -> list[str]:
        """Every column the suite reads, in first-use order (derived ones included)."""
        names: dict[str, None] = {}
        for expectation in self.suite.expectations:
            kwargs = expectation.configuration.kwargs
            for key in ("column", "column_A", "column_B"):
                if key in kwargs:
                    names[kwargs[key]] = None
            for name in kwargs.get("column_list", ()):
                names[name] = None
        return list(names)


def row_suite_name(source: Source) -> str:
    return f"landed.{source.name}"


def _expect(expectation: type[gxe.Expectation], check: Check, severity: Severity, **kwargs: Any) -> gxe.Expectation:
    return expectation(**kwargs, meta={"check": check.value, "severity": severity.value})


def files_suite(load_id: str) -> gx.ExpectationSuite:
    pair = gxe.ExpectColumnPairValuesToBeEqual
    return gx.ExpectationSuite(
        name=FILES_SUITE,
        expectations=[
            _expect(
                gxe.ExpectColumnValuesToBeInSet,
                Check.REGISTERED,
                BLOCKING,
                column=f.STATUS,
                value_set=[s.value for s in FileStatus],
            ),
            _expect(gxe.ExpectColumnValuesToBeNull, Check.SCHEMA, BLOCKING, column=f.SCHEMA_DRIFT),
            _expect(pair, Check.RECONCILE_READ, BLOCKING, column_A=f.ROWS_READ, column_B=f.ROWS_ACCOUNTED),
            _expect(pair, Check.RECONCILE_LAKE, BLOCKING, column_A=f.ROWS_IN_LAKE, column_B=f.ROWS_LANDED),
            _expect(
                pair, Check.RECONCILE_QUARANTINE, BLOCKING, column_A=f.ROWS_IN_QUARANTINE, column_B=f.ROWS_QUARANTINED
            ),
            _expect(
                pair,
                Check.LINEAGE,
                BLOCKING,
                column_A=f.LAKE_SHA256,
                column_B=f.FILE_SHA256,
                ignore_row_if="either_value_is_missing",
            ),
            _expect(gxe.ExpectColumnValuesToBeInSet, Check.LINEAGE, BLOCKING, column=f.LAKE_LOAD_IDS, value_set=[load_id]),
            _expect(gxe.ExpectColumnValuesToBeBetween, Check.LINEAGE, BLOCKING, column=f.BAD_LINEAGE, max_value=0),
            _expect(
                gxe.ExpectColumnValuesToNotBeInSet,
                Check.FILE_REJECTED,
                WARNING,
                column=f.STATUS,
                value_set=[FileStatus.REJECTED.value],
            ),
            _expect(
                gxe.ExpectColumnValuesToBeBetween,
                Check.QUARANTINE_RATE,
                WARNING,
                column=f.QUARANTINE_RATE,
                max_value=QUARANTINE_RATE_WARNING,
            ),
        ],
    )


def row_suite(source: Source, load_date: date | None) -> RowSuite:
    expectations: list[gxe.Expectation] = []
    for column in source.columns:
        expectations.extend(_column_oddities(source, column, load_date))
    expectations.extend(_between_columns(source))
    derived: dict[str, pl.Expr] = {}
    if source.name == "ad_backflow":
        derived[DIGEST_TYPE] = pl.concat_str(
            [pl.col("id_type"), pl.lit(":"), pl.col("id_value").str.len_chars().cast(pl.String)]
        )
        allowed = [f"{t}:{64 if t.endswith('sha256') else 32}" for t in AD_ID_TYPES]
        expectations.append(
            _expect(
                gxe.ExpectColumnValuesToBeInSet, Check.DIGEST_MATCHES_TYPE, WARNING, column=DIGEST_TYPE, value_set=allowed
            )
        )
    return RowSuite(gx.ExpectationSuite(name=row_suite_name(source), expectations=expectations), derived)


def _column_oddities(source: Source, column: Column, load_date: date | None) -> Iterator[gxe.Expectation]:
    name = column.name
    pattern = _identifier_pattern(source, column)
    if pattern is not None:
        yield _expect(gxe.ExpectColumnValuesToMatchRegex, Check.IDENTIFIER_FORMAT, WARNING, column=name, regex=pattern)
    if load_date is not None and column.kind in (Kind.TIMESTAMP, Kind.DATE):
        low, high = _time_window(column.kind, load_date)
        yield _expect(
            gxe.ExpectColumnValuesToBeBetween, Check.TIME_WINDOW, WARNING, column=name, min_value=low, max_value=high
        )


def _identifier_pattern(source: Source, column: Column) -> str | None:
    if column.kind is Kind.DIGITS:
        return DIGITS
    if column.kind is Kind.HEX_DIGEST:
        return HEX_DIGEST
    if column.name == "appid":
        return WECHAT_APPID
    # An id that alone identifies a record (event_id, touch_id, ...) and every sku.
    is_identifier = source.natural_key == (column.name,) or column.name.endswith("sku")
    if column.kind is Kind.TEXT and column.values is None and is_identifier:
        return NOT_BLANK
    return None


def _time_window(kind: Kind, load_date: date) -> tuple[datetime, datetime]:
    """Timestamps from 2000 up to the end of the day after the business date (China time);
    dates (birthdays) from 1900 up to the business date."""
    if kind is Kind.DATE:
        return EARLIEST_DATE, datetime.combine(load_date, time())
    latest = datetime.combine(load_date + timedelta(days=2), time(), tzinfo=CHINA).astimezone(timezone.utc)
    return EARLIEST_TIMESTAMP, latest


def _between_columns(source: Source) -> Iterator[gxe.Expectation]:
    names = {c.name for c in source.columns}
    for pairs, check in ((EVENT_ORDER, Check.EVENT_ORDER), (AMOUNT_ORDER, Check.AMOUNT_ORDER)):
        for larger, smaller in pairs:
            if larger in names and smaller in names:
                yield _expect(
                    gxe.ExpectColumnPairValuesAToBeGreaterThanB,
                    check,
                    WARNING,
                    column_A=larger,
                    column_B=smaller,
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                )
