"""Running suites on pandas frames with a quiet, in-memory GX context.

GX 1.x has no DuckDB data source, so every frame goes through the pandas data
source as a dataframe asset with a whole-dataframe batch definition, and runs
as a ValidationDefinition (which fingerprints the frame once; `batch.validate`
would do it twice).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import great_expectations as gx
import pandas as pd
from great_expectations.core import ExpectationSuiteValidationResult, ExpectationValidationResult
from great_expectations.data_context.types.base import ProgressBarsConfig
from pandas.errors import PandasDeprecationWarning

from pipeline.validation.masking import render_example
from pipeline.validation.report import Check, CheckResult, Severity

EXAMPLES = 5
# GX returns the first N unexpected values, repeats included; looking at a
# few more than we keep gives distinct examples.
_LOOKED_AT = 4 * EXAMPLES

# Locating failing rows by index columns makes GX slow on many failures (it
# builds the list row by row), so only the small files frame asks for it.
_RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": _LOOKED_AT}


class GxSession:
    """One ephemeral context per validated load: suite names are unique within it."""

    def __init__(self) -> None:
        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._pandas = self._context.data_sources.add_pandas(name="landed")

    def run(
        self, suite: gx.ExpectationSuite, frame: pd.DataFrame, *, source: str, index_columns: Sequence[str] = ()
    ) -> list[CheckResult]:
        asset = self._pandas.add_dataframe_asset(name=suite.name)
        batch = asset.add_batch_definition_whole_dataframe(name="whole")
        stored = self._context.suites.add(suite)
        definition = self._context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=batch, suite=stored)
        )
        result_format: dict[str, Any] = dict(_RESULT_FORMAT)
        if index_columns:
            result_format["unexpected_index_column_names"] = list(index_columns)
        with warnings.catch_warnings():
            # GX 1.24's pandas engine reads tz-aware columns through a pandas
            # API that pandas 3 deprecates; nothing for an operator to act on.
            warnings.simplefilter("ignore", PandasDeprecationWarning)
            outcome = definition.run(batch_parameters={"dataframe": frame}, result_format=result_format)
        return _check_results(outcome, stored, source=source)


def _check_results(
    outcome: ExpectationSuiteValidationResult, suite: gx.ExpectationSuite, *, source: str
) -> list[CheckResult]:
    """One result per expectation, in the suite's order (GX groups them by kind)."""
    position = {expectation.id: i for i, expectation in enumerate(suite.expectations)}
    ordered = sorted(outcome.results, key=lambda r: position[r.expectation_config.id])
    return [_check_result(r, source=source, suite=suite.name) for r in ordered]


def _check_result(result: ExpectationValidationResult, *, source: str, suite: str) -> CheckResult:
    config = result.expectation_config
    kwargs = config.kwargs
    columns = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    columns.extend(kwargs.get("column_list", ()))
    details = result.result or {}
    error = _exception_message(result.exception_info)
    return CheckResult(
        source=source,
        suite=suite,
        check=Check(config.meta["check"]),
        expectation=config.type,
        column=", ".join(columns) or None,
        severity=Severity(config.meta["severity"]),
        success=bool(result.success) and error is None,
        unexpected_count=details.get("unexpected_count"),
        unexpected_percent=_rounded(details.get("unexpected_percent")),
        examples=_examples(details),
        error=error,
    )


def _examples(details: dict[str, Any]) -> tuple[str, ...]:
    """A few distinct unexpected values, masked; whole rows where GX located them (files frame)."""
    located = details.get("partial_unexpected_index_list") or []
    values = located if located and isinstance(located[0], dict) else details.get("partial_unexpected_list") or []
    distinct = dict.fromkeys(render_example(v) for v in values)
    return tuple(distinct)[:EXAMPLES]


def _exception_message(info: dict[str, Any] | None) -> str | None:
    """GX reports a failed evaluation either flat or keyed by metric."""
    if not info:
        return None
    if "raised_exception" in info:
        return info.get("exception_message") if info["raised_exception"] else None
    messages = [_exception_message(v) for v in info.values() if isinstance(v, dict)]
    found = [m for m in messages if m]
    return "; ".join(found) or None


def _rounded(percent: float | None) -> float | None:
    return None if percent is None else round(float(percent), 4)
