"""The safe nightly run: failures at any stage leave the home as it was;
reruns are idempotent; every run leaves a record."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import subprocess

import duckdb
import polars as pl
import pytest

from pipeline import nightly, publish
from pipeline.errors import DataTestFailed, StageFailed
from pipeline.home import Home
from pipeline.ingest.landing.night import land_deliveries
from pipeline.ingest.sources import get_source, lake_schema
from pipeline.nightly import STAGES, Stage, execute
from pipeline.run_record import RunRecord, load_run_records
from tests.conftest import BASELINE_DATE, DEMO_END, ONEID


def snapshot(home: Home) -> dict[str, str]:
    """Content hash of every file that a failed run must leave untouched."""
    hashes = {}
    for folder in (home.warehouse_dir, home.restricted_dir, home.lake, home.state, home.exports, home.reports):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                hashes[str(path.relative_to(home.root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def table_fingerprints(database: Path) -> dict[str, str]:
    """Order-independent content hash of every table and view except the run history."""
    with duckdb.connect(str(database), read_only=True) as con:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'main' and table_name <> 'run_history' order by 1"
            ).fetchall()
        ]
        fingerprints = {}
        for name in names:
            row = con.execute(
                f'select count(*), coalesce(sum(hash(t)), 0) from (select * from "{name}") t'
            ).fetchone()
            fingerprints[name] = f"{row[0]}:{row[1]}"
    return fingerprints


def test_baseline_run_publishes_a_queryable_warehouse(published_home: Home) -> None:
    assert published_home.warehouse.is_file()
    assert not list(published_home.building.glob("*.duckdb")), "no half-built warehouse is left behind"
    with duckdb.connect(str(published_home.warehouse), read_only=True) as con:
        runs = con.execute("select run_id, status, business_date from run_history").fetchall()
        landed = con.execute("select sum(rows_landed) from ingestion_daily").fetchone()[0]
    with duckdb.connect(str(published_home.restricted), read_only=True) as con:
        staged = con.execute("select count(*) from stg_tmall__order_lines").fetchone()[0]
    assert len(runs) == 1 and runs[0][1] == "succeeded" and runs[0][2] == BASELINE_DATE
    assert staged > 0 and landed > 0
    assert published_home.restricted.stat().st_mode & 0o077 == 0, "restricted store is private"


PHONE_OR_EMAIL = r"(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)|[^@\s]+@[^@\s]+\.[a-z]{2,}"


def test_analyst_warehouse_holds_no_raw_phone_or_email(published_home: Home) -> None:
    with duckdb.connect(str(published_home.warehouse), read_only=True) as con:
        text_columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'main' and data_type = 'VARCHAR'"
        ).fetchall()
        leaks = []
        for table, column in text_columns:
            found = con.execute(
                f'select count(*) from "{table}" where regexp_matches("{column}", ?)', [PHONE_OR_EMAIL]
            ).fetchone()[0]
            if found:
                leaks.append(f"{table}.{column}: {found}")
    assert text_columns and not leaks
    with duckdb.connect(str(published_home.restricted), read_only=True) as con:
        raw = con.execute(
            "select count(*) from stg_crm__members where regexp_matches(phone, ?)", [PHONE_OR_EMAIL]
        ).fetchone()[0]
    assert raw > 0, "the scan must be able to find phones where they are allowed"
    record = load_run_records(published_home)[-1]
    assert record.status == "succeeded"
    assert [s.name for s in record.stages] == ["ingest", "validate", "build", "export", "report", "profiles", "publish"]
    assert all(s.seconds is not None and s.status == "succeeded" for s in record.stages)
    assert record.stages[0].rows["rows_landed"] > 0
    on_disk = json.loads(record.path(published_home).read_text())
    assert on_disk["run_id"] == record.run_id


# The stages after "build" are covered by test_next_run_after_a_failed_night_succeeds: one build fewer.
@pytest.mark.parametrize("failing_stage", ["ingest", "validate"])
def test_failure_after_a_stage_leaves_yesterday_untouched(
    home_copy: Home, failing_stage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(home_copy)
    real = STAGES[failing_stage]

    def run_then_fail(ctx: nightly.RunContext):
        real.run(ctx)  # the stage's side effects happen, then the night fails
        raise StageFailed(f"injected failure after {failing_stage}")

    monkeypatch.setitem(STAGES, failing_stage, Stage(real.name, real.description, run_then_fail))
    with pytest.raises(StageFailed, match="injected"):
        execute(home_copy, "run", DEMO_END)
    assert snapshot(home_copy) == before
    failed = load_run_records(home_copy)[-1]
    assert failed.status == "failed" and failed.error["exit_code"] == StageFailed.exit_code
    assert failed.stages[-1].name == failing_stage and failed.stages[-1].status == "failed"


def test_next_run_after_a_failed_night_succeeds(home_copy: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    """A night that fails after its build, exports, report and profile store (the last stage
    before publish) leaves yesterday untouched; the next night succeeds."""
    before = snapshot(home_copy)
    real = STAGES["profiles"]

    def fail(ctx: nightly.RunContext):
        real.run(ctx)
        raise StageFailed("injected failure after the profile store")

    monkeypatch.setitem(STAGES, "profiles", Stage(real.name, real.description, fail))
    with pytest.raises(StageFailed, match="injected"):
        execute(home_copy, "run", DEMO_END)
    assert snapshot(home_copy) == before
    failed = load_run_records(home_copy)[-1]
    assert failed.status == "failed" and failed.error["exit_code"] == StageFailed.exit_code
    assert failed.stages[-1].name == "profiles" and failed.stages[-1].status == "failed"
    monkeypatch.setitem(STAGES, "profiles", real)
    record = execute(home_copy, "run", DEMO_END)
    assert record.status == "succeeded"
    assert record.stages[0].rows["rows_landed"] > 0, "the failed night's files are loaded again"
    with duckdb.connect(str(home_copy.warehouse), read_only=True) as con:
        statuses = [r[0] for r in con.execute("select status from run_history order by started_at").fetchall()]
    assert statuses == ["succeeded", "failed", "succeeded"]


def test_interrupted_run_is_undone_by_the_next_one(home_copy: Home) -> None:
    """A run killed mid-ingest (no undo ran) is rolled back when the next run starts."""
    before = snapshot(home_copy)
    killed = RunRecord.start(home_copy, "run", DEMO_END)
    killed.save(home_copy)
    land_deliveries(home_copy, DEMO_END, load_id=killed.run_id)
    assert snapshot(home_copy) != before
    recovered = nightly.recover_interrupted_runs(home_copy, "the-next-run")
    assert recovered == [killed.run_id]
    assert snapshot(home_copy) == before
    assert load_run_records(home_copy)[-1].status == "failed"


def test_failure_inside_publish_leaves_yesterday_untouched(
    home_copy: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(home_copy)

    def refuse(*_args: object) -> None:
        raise OSError("disk full (injected)")

    monkeypatch.setattr(publish.os, "replace", refuse)
    with pytest.raises(OSError, match="injected"):
        execute(home_copy, "run", DEMO_END)
    assert snapshot(home_copy) == before


def test_failing_data_test_blocks_publish(home_copy: Home) -> None:
    """A lake file that bypassed the loaders (a null order id) fails the staging model's
    channel contract test: `oneid build` exits 5 and the published warehouse stays as it was."""
    before = snapshot(home_copy)
    row = {
        "order_id": None, "line_no": 1, "brand": "b", "sku": "s", "quantity": 1, "paid_amount": 1,
        "order_status": "paid", "_load_date": BASELINE_DATE, "_delivery_date": BASELINE_DATE,
        "_file_path": "eshop_orders/x/corrupt.csv", "_file_line": 2, "_load_id": "manual",
    }
    corrupt = pl.DataFrame([row], schema=lake_schema(get_source("eshop_orders")))
    target = home_copy.source_raw("eshop_orders") / "load_date=manual" / "corrupt.parquet"
    target.parent.mkdir(parents=True)
    corrupt.write_parquet(target)
    result = subprocess.run(
        [ONEID, "build", "--home", str(home_copy.root), "--date", BASELINE_DATE.isoformat()],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == DataTestFailed.exit_code, result.stderr
    assert "data test failed" in result.stderr and "matches_channel_contract_stg_eshop__order_lines" in result.stderr
    target.unlink()
    target.parent.rmdir()
    assert snapshot(home_copy) == before


def test_rerun_of_the_same_date_gives_identical_marts(home_copy: Home) -> None:
    first = table_fingerprints(home_copy.warehouse)
    execute(home_copy, "run", BASELINE_DATE)
    second = table_fingerprints(home_copy.warehouse)
    assert first and first == second
