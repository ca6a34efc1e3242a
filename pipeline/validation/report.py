"""What a validation found: one result per expectation, grouped by source.

Plain data, no Great Expectations import: the CLI and the run record read
reports without paying for GX's import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pipeline.errors import BadInputError


class Severity(str, Enum):
    BLOCKING = "blocking"  # the night stops before dbt
    WARNING = "warning"  # recorded in the run record; the night goes on


class Check(str, Enum):
    """What an expectation checks; docs/validation.md gives each one's severity and why."""

    SCHEMA = "schema"
    REGISTERED = "registered"
    RECONCILE_READ = "reconcile_read"
    RECONCILE_LAKE = "reconcile_lake"
    RECONCILE_QUARANTINE = "reconcile_quarantine"
    QUARANTINE_RATE = "quarantine_rate"
    FILE_REJECTED = "file_rejected"
    LINEAGE = "lineage"
    IDENTIFIER_FORMAT = "identifier_format"
    DIGEST_MATCHES_TYPE = "digest_matches_type"
    TIME_WINDOW = "time_window"
    AMOUNT_ORDER = "amount_order"
    EVENT_ORDER = "event_order"


LOAD = "load"  # the `source` of a result about the load's files (its examples name each file's source)


@dataclass(frozen=True)
class CheckResult:
    source: str  # a source name, or LOAD
    suite: str
    check: Check
    expectation: str  # GX expectation type, e.g. expect_column_values_to_not_be_null
    column: str | None  # the column(s) checked, comma-separated; None for table-level checks
    severity: Severity
    success: bool
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    examples: tuple[str, ...] = ()  # a few unexpected values, phones and emails masked
    error: str | None = None  # GX could not evaluate the expectation (counts as a failure)

    def describe(self) -> str:
        where = f" {self.column}" if self.column else ""
        count = f": {self.unexpected_count} unexpected" if self.unexpected_count else ""
        sample = f" e.g. {', '.join(self.examples)}" if self.examples else ""
        error = f": {self.error}" if self.error else ""
        return f"{self.source} {self.check.value}{where}{count}{sample}{error}"

    def to_record(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "check": self.check.value,
            "expectation": self.expectation,
            "column": self.column,
            "severity": self.severity.value,
            "success": self.success,
            "unexpected_count": self.unexpected_count,
            "unexpected_percent": self.unexpected_percent,
            "examples": list(self.examples),
            "error": self.error,
        }


@dataclass
class SourceValidation:
    source: str
    suite: str
    files: int  # delivered files of this source in the load's registry
    rows_landed: int  # rows in the lake for this load, every file
    rows_validated: int  # rows the row suite saw
    sampled: bool  # rows_validated is a deterministic sample of the landed rows
    files_not_row_validated: tuple[str, ...] = ()  # landed files whose schema is wrong
    seconds: float = 0.0
    results: list[CheckResult] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "suite": self.suite,
            "files": self.files,
            "rows_landed": self.rows_landed,
            "rows_validated": self.rows_validated,
            "sampled": self.sampled,
            "files_not_row_validated": list(self.files_not_row_validated),
            "seconds": self.seconds,
            "results": [r.to_record() for r in self.results],
        }


@dataclass
class ValidationReport:
    load_id: str
    load_date: str | None
    max_rows_per_source: int
    seed: int
    files_suite: str | None = None  # None when the load touched no source
    files_results: list[CheckResult] = field(default_factory=list)  # schema, reconciliation, lineage
    sources: list[SourceValidation] = field(default_factory=list)
    seconds: float = 0.0

    def results(self) -> list[CheckResult]:
        return [*self.files_results, *(r for s in self.sources for r in s.results)]

    @property
    def blocking_failures(self) -> list[CheckResult]:
        return [r for r in self.results() if not r.success and r.severity is Severity.BLOCKING]

    @property
    def warnings(self) -> list[CheckResult]:
        return [r for r in self.results() if not r.success and r.severity is Severity.WARNING]

    def source(self, name: str) -> SourceValidation:
        for validation in self.sources:
            if validation.source == name:
                return validation
        raise KeyError(f"load {self.load_id} has no validation for source {name!r}")

    def to_record(self) -> dict[str, Any]:
        return {
            "load_id": self.load_id,
            "load_date": self.load_date,
            "max_rows_per_source": self.max_rows_per_source,
            "seed": self.seed,
            "seconds": self.seconds,
            "files_suite": self.files_suite,
            "files_results": [r.to_record() for r in self.files_results],
            "blocking_failures": [{"source": r.source, **r.to_record()} for r in self.blocking_failures],
            "warnings": [{"source": r.source, **r.to_record()} for r in self.warnings],
            "sources": [s.to_record() for s in self.sources],
        }


def raise_on_blocking(report: ValidationReport) -> None:
    """Stop the night before dbt when a blocking check failed.

    Every blocking check is about a corrupt delivery or a loader bug, which
    docs/operations.md files under exit code 4 (bad input).
    """
    failures = report.blocking_failures
    if not failures:
        return
    shown = "; ".join(f.describe() for f in failures[:5])
    more = f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""
    raise BadInputError(
        f"load {report.load_id}: {len(failures)} blocking validation failure(s): {shown}{more}"
    )
