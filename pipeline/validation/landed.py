"""Validate what one load landed before dbt reads it.

One suite on the load's files (schema, reconciliation with the file
registry, lineage, quarantine rate), then one suite per source on its landed
rows: all files of the load together, a deterministic sample above
`max_rows_per_source` rows (the loaders already checked every row; GX is the
second line of defence). The caller stops the night with `raise_on_blocking`.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from time import perf_counter
from typing import TYPE_CHECKING

import polars as pl

from pipeline.home import Home
from pipeline.ingest.sources import get_source
from pipeline.validation.lake_files import (
    FILE_PATH,
    ROWS_IN_LAKE,
    SOURCE,
    LoadInventory,
    files_frame,
    take_inventory,
)
from pipeline.validation.landed_rows import rows_sample, to_gx_pandas
from pipeline.validation.report import LOAD, CheckResult, SourceValidation, ValidationReport, raise_on_blocking

if TYPE_CHECKING:
    from pipeline.validation.gx_session import GxSession

__all__ = [
    "CheckResult",
    "SourceValidation",
    "ValidationReport",
    "raise_on_blocking",
    "validate_load",
    "validate_load_apart",
]


def validate_load_apart(home: Home, load_id: str) -> ValidationReport:
    """validate_load in a process of its own, which ends with it.

    Great Expectations validates pandas frames of up to a million sampled
    rows per source: gigabytes on a large first night, which a long-lived
    night process would keep (Python's allocators rarely give memory back)
    through the build, the night's peak (docs/benchmarks.md).
    """
    with ProcessPoolExecutor(max_workers=1, mp_context=_validation_processes()) as apart:
        return apart.submit(validate_load, home, load_id).result()


def _validation_processes() -> multiprocessing.context.BaseContext:
    """Processes forked from a server that has already imported Great Expectations.

    Importing GX takes 6-8 s; the fork server pays it once per `oneid` process
    (a scheduler's night: once; a test session running many nights in one
    process: once, not once a night), and every validation still ends with
    its own process, giving back what it allocated.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        ["pipeline.validation.landed", "pipeline.validation.gx_session", "pipeline.validation.suites"]
    )
    return context


def validate_load(
    home: Home, load_id: str, *, max_rows_per_source: int = 1_000_000, seed: int = 0
) -> ValidationReport:
    if max_rows_per_source < 1:
        raise ValueError(f"max_rows_per_source must be at least 1, not {max_rows_per_source}")
    started = perf_counter()
    inventory = take_inventory(home, load_id)
    load_date = inventory.load_date
    report = ValidationReport(
        load_id=load_id,
        load_date=load_date.isoformat() if load_date else None,
        max_rows_per_source=max_rows_per_source,
        seed=seed,
    )
    touched = inventory.touched_sources()
    if touched:
        # Importing GX takes seconds: a load that touched nothing never pays it.
        from pipeline.validation.gx_session import GxSession
        from pipeline.validation.suites import files_suite

        session = GxSession()
        suite = files_suite(load_id)
        files = files_frame(inventory)
        report.files_suite = suite.name
        report.files_results = session.run(suite, files.to_pandas(), source=LOAD, index_columns=[SOURCE, FILE_PATH])
        landed = dict(files.group_by(SOURCE).agg(pl.col(ROWS_IN_LAKE).sum()).iter_rows())
        for name in touched:
            report.sources.append(
                _validate_rows(
                    session, inventory, name, rows_landed=landed.get(name, 0), max_rows=max_rows_per_source, seed=seed
                )
            )
    report.seconds = round(perf_counter() - started, 3)
    return report


def _validate_rows(
    session: GxSession, inventory: LoadInventory, name: str, *, rows_landed: int, max_rows: int, seed: int
) -> SourceValidation:
    from pipeline.validation.suites import row_suite  # loaded with GX by validate_load

    started = perf_counter()
    source = get_source(name)
    rows = row_suite(source, inventory.load_date)
    sample = rows_sample(inventory.row_files(name), rows.columns, rows.derived, max_rows=max_rows, seed=seed)
    results = []
    if sample.frame.height:
        results = session.run(rows.suite, to_gx_pandas(sample.frame, source), source=name)
    return SourceValidation(
        source=name,
        suite=rows.suite.name,
        files=inventory.registered_files(name).height,
        rows_landed=rows_landed,
        rows_validated=sample.frame.height,
        sampled=sample.sampled,
        files_not_row_validated=inventory.drifted_files(name),
        seconds=round(perf_counter() - started, 3),
        results=results,
    )
