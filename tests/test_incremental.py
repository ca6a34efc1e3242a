"""Incremental nights (docs/incremental.md): extending last night's store must
give what rebuilding everything from the lake gives.

Three nights after the published baseline run incrementally; a copy of that
home then rebuilds the last date with --full-refresh from the same lake (the
same loads, so the same lineage) and the same state history. Every published
mart, every restricted table, tonight's state snapshots and the media
exports must be identical.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline import incremental
from pipeline.dbt_runner import project_dir
from pipeline.home import Home
from pipeline.nightly import execute
from pipeline.publish import BuildFiles
from pipeline.run_record import RunRecord
from tests.conftest import BASELINE_DATE, DEMO_END, copy_home
from tests.spark.parity import WORK_LISTS, compare_databases

NIGHTS = [BASELINE_DATE + timedelta(days=n) for n in (1, 2, 3)]


def build_plan(record: RunRecord) -> dict:
    return next(s for s in record.stages if s.name == "build").detail["plan"]


@pytest.fixture(scope="module")
def nights(published_home: Home, tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, Home, list[dict]]:
    """(incremental home, the same home rebuilt in full for the last night, the incremental plans)."""
    # Small minimums, so that the media files are written and compared too.
    os.environ["ONEID_EXPORT_MIN_AUDIENCE"] = "1"
    try:
        extended = copy_home(published_home, tmp_path_factory.mktemp("incremental"))
        plans = [build_plan(execute(extended, "run", night)) for night in NIGHTS]
        rebuilt = copy_home(extended, tmp_path_factory.mktemp("full_refresh"))
        plans.append(build_plan(execute(rebuilt, "build", NIGHTS[-1], full_refresh=True)))
    finally:
        del os.environ["ONEID_EXPORT_MIN_AUDIENCE"]
    return extended, rebuilt, plans


def test_later_nights_are_incremental(nights: tuple[Home, Home, list[dict]]) -> None:
    *later, refreshed = nights[2]
    assert [p["mode"] for p in later] == ["incremental"] * len(NIGHTS)
    assert all(len(p["new_loads"]) == 1 for p in later)
    assert refreshed["mode"] == "full" and refreshed["reason"] == "--full-refresh"
    assert NIGHTS[-1] == DEMO_END


def test_incremental_nights_equal_a_full_refresh(nights: tuple[Home, Home, list[dict]]) -> None:
    extended, rebuilt, _ = nights
    differences = [
        *compare_databases(extended.warehouse, rebuilt.warehouse, skip_tables={"run_history"}),
        *compare_databases(extended.restricted, rebuilt.restricted, skip_tables={*WORK_LISTS, "build_manifest"}),
    ]
    assert differences == []
    assert _manifest(extended) == _manifest(rebuilt)


def _manifest(home: Home) -> list[tuple]:
    """The build manifest but the run that wrote it."""
    with duckdb.connect(str(home.restricted), read_only=True) as con:
        return con.execute(
            f"select * exclude (run_id) from main.{incremental.MANIFEST_TABLE} order by load_id"
        ).fetchall()


def test_an_incremental_night_lists_what_it_rederived(nights: tuple[Home, Home, list[dict]]) -> None:
    """The last night re-derived the records its loads touched, and not every record."""
    with duckdb.connect(str(nights[0].restricted), read_only=True) as con:
        touched, records = con.execute(
            "select (select count_if(is_touched) from int_identity_reconsidered_records),"
            " (select count(*) from int_record_oneids)"
        ).fetchone()
    assert 0 < touched < records / 10


def test_an_incremental_night_rederives_the_interactions_of_some_people(
    nights: tuple[Home, Home, list[dict]],
) -> None:
    with duckdb.connect(str(nights[0].restricted), read_only=True) as con:
        reconsidered, people, slices = con.execute(
            "select (select count(*) from int_engagement__reconsidered_oneids),"
            " (select count(distinct oneid) from int_engagement__interactions),"
            " (select count(*) from duckdb_tables() where table_name like '%\\_\\_slice' escape '\\')"
        ).fetchone()
    assert 0 < reconsidered < people
    assert slices == 0, "the published store keeps no night slice"


def test_the_nights_moved_identifiers_between_oneids(nights: tuple[Home, Home, list[dict]]) -> None:
    """So the equality covers records reconsidered for a OneID change, not only new records."""
    extended = nights[0]
    changes = pl.read_parquet(extended.root / "state" / "oneid_changes" / f"business_date={NIGHTS[-1]}.parquet")
    later = changes.filter(pl.col("changed_on").is_in(NIGHTS) & pl.col("old_oneid").is_not_null())
    assert later.height > 0


def test_state_and_exports_equal_a_full_refresh(nights: tuple[Home, Home, list[dict]]) -> None:
    extended, rebuilt, _ = nights
    tonight = f"business_date={NIGHTS[-1].isoformat()}.parquet"
    snapshots = sorted(extended.root.glob(f"state/*/{tonight}"))
    assert len(snapshots) == 3
    for snapshot in snapshots:
        twin = rebuilt.root / snapshot.relative_to(extended.root)
        assert pl.read_parquet(snapshot).equals(pl.read_parquet(twin)), snapshot
    folder = Path("exports") / NIGHTS[-1].isoformat()
    files = sorted(p.relative_to(extended.root) for p in (extended.root / folder).rglob("*") if p.is_file())
    assert [f for f in files if f.suffix != ".json"], "no media file was written"
    assert files == sorted(p.relative_to(rebuilt.root) for p in (rebuilt.root / folder).rglob("*") if p.is_file())
    for name in files:
        if name.suffix == ".json":
            assert _without_run(extended.root / name) == _without_run(rebuilt.root / name), name
        else:
            assert (extended.root / name).read_bytes() == (rebuilt.root / name).read_bytes(), name


def _without_run(manifest: Path) -> dict:
    """A media manifest minus what names the run that wrote it."""
    content = json.loads(manifest.read_text())
    for key in ("generated_at", "run_id", "run_started_at"):
        content.pop(key, None)
    return content


def test_a_changed_project_forces_a_full_build(published_home: Home, tmp_path: Path) -> None:
    project = tmp_path / "project"
    for name in incremental.PROJECT_INPUTS:
        source = project_dir() / name
        if source.is_dir():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(source, project / name)
        else:
            project.mkdir(exist_ok=True)
            (project / name).write_bytes(source.read_bytes())
    night = BASELINE_DATE + timedelta(days=1)
    assert incremental.plan_build(published_home, night, "duckdb", project).incremental
    (project / "dbt_project.yml").write_text((project / "dbt_project.yml").read_text() + "\n# changed\n")
    plan = incremental.plan_build(published_home, night, "duckdb", project)
    assert not plan.incremental and plan.reason == "the dbt project changed since the published build"


def test_what_else_forces_a_full_build(home_copy: Home) -> None:
    project = project_dir()
    night = BASELINE_DATE + timedelta(days=1)
    assert not incremental.plan_build(home_copy, BASELINE_DATE, "duckdb", project).incremental
    assert not incremental.plan_build(home_copy, night, "spark", project).incremental
    assert not incremental.plan_build(home_copy, night, "duckdb", project, full_refresh=True).incremental
    registry = sorted(p for p in home_copy.file_registry.glob("*.parquet") if p.name != "schema.parquet")[-1]
    rows = pl.read_parquet(registry)
    rows.head(rows.height - 1).write_parquet(registry)  # what a forced reload does to an earlier load
    plan = incremental.plan_build(home_copy, night, "duckdb", project)
    assert not plan.incremental and "rolled back or reloaded" in plan.reason


def test_a_local_spark_night_extends_the_published_spark_tables(home_copy: Home) -> None:
    """Only while the folder the manifest names is there, and never on a cluster."""
    project = project_dir()
    night = BASELINE_DATE + timedelta(days=1)
    with duckdb.connect(str(home_copy.restricted)) as con:
        con.execute(f"update main.{incremental.MANIFEST_TABLE} set engine = 'spark'")
        run_id = con.execute(f"select any_value(run_id) from main.{incremental.MANIFEST_TABLE}").fetchone()[0]
    plan = incremental.plan_build(home_copy, night, "spark", project)
    assert not plan.incremental and "are gone" in plan.reason
    tables = BuildFiles.for_run(home_copy, run_id).published_spark_tables
    tables.mkdir()
    plan = incremental.plan_build(home_copy, night, "spark", project)
    assert plan.incremental and plan.dbt_vars()["extended_spark_tables"] == str(tables)
    assert not incremental.plan_build(home_copy, night, "spark", project, spark_cluster=True).incremental
    assert not incremental.plan_build(home_copy, night, "duckdb", project).incremental


def test_an_incremental_night_reads_only_its_loads(nights: tuple[Home, Home, list[dict]]) -> None:
    """The slice filter reached the models and their data tests, not only the plan."""
    extended = nights[0]
    last = sorted(extended.runs.glob("*/run.json"))[-1]
    compiled = last.parent / "dbt" / "target" / "compiled" / "oneid"
    load = build_plan(RunRecord.from_dict(json.loads(last.read_text())))["new_loads"][0]
    model = (compiled / "models" / "staging" / "app" / "stg_app__events.sql").read_text()
    assert f"_load_id in ('{load}')" in model
    tests = [p.read_text() for p in (compiled / "models" / "staging" / "app").rglob("*.sql") if p.parent.name != "app"]
    assert tests and all(f"_load_id in ('{load}')" in t for t in tests)

