"""The safe nightly run: failures at any stage leave the home as it was;
reruns are idempotent; every run leaves a record."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from pipeline import nightly, publish
from pipeline.errors import DataTestFailed, StageFailed
from pipeline.home import Home
from pipeline.nightly import STAGES, Stage, execute
from pipeline.run_record import load_run_records
from tests.conftest import BASELINE_DATE, DEMO_END


def snapshot(home: Home) -> dict[str, str]:
    """Content hash of every file that a failed run must leave untouched."""
    hashes = {}
    for folder in (home.warehouse_dir, home.lake, home.state, home.exports, home.reports):
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
        staged = con.execute("select count(*) from stg_tmall__order_lines").fetchone()[0]
    assert len(runs) == 1 and runs[0][1] == "succeeded" and runs[0][2] == BASELINE_DATE
    assert staged > 0
    record = load_run_records(published_home)[-1]
    assert record.status == "succeeded"
    assert [s.name for s in record.stages] == ["ingest", "validate", "build", "publish"]
    assert all(s.seconds is not None and s.status == "succeeded" for s in record.stages)
    assert record.stages[0].rows["rows_landed"] > 0
    on_disk = json.loads(record.path(published_home).read_text())
    assert on_disk["run_id"] == record.run_id


@pytest.mark.parametrize("failing_stage", ["ingest", "validate", "build"])
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

    monkeypatch.setitem(STAGES, failing_stage, real)
    execute(home_copy, "run", DEMO_END)
    assert load_run_records(home_copy)[-1].status == "succeeded"
    with duckdb.connect(str(home_copy.warehouse), read_only=True) as con:
        statuses = [r[0] for r in con.execute("select status from run_history order by started_at").fetchall()]
    assert statuses == ["succeeded", "failed", "succeeded"]


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
    """A delivery that breaks a dbt test (two rows for one sku in one catalog snapshot)."""
    before = snapshot(home_copy)
    delivery = home_copy.inbox / "products" / (BASELINE_DATE + timedelta(days=1)).isoformat()
    delivery.mkdir(parents=True, exist_ok=True)
    (delivery / "catalog-dup.csv").write_text(
        "sku,brand,product_name,category_l1,category_l2,list_price,is_ecosystem\n"
        "DUP-1,demo,A,家电,空调,100.00,0\n"
        "DUP-1,demo,B,家电,空调,120.00,0\n"
    )
    with pytest.raises(DataTestFailed):
        execute(home_copy, "run", BASELINE_DATE + timedelta(days=1))
    assert snapshot(home_copy) == before


def test_rerun_of_the_same_date_gives_identical_marts(home_copy: Home) -> None:
    first = table_fingerprints(home_copy.warehouse)
    execute(home_copy, "run", BASELINE_DATE)
    second = table_fingerprints(home_copy.warehouse)
    assert first and first == second
