"""The same incremental night on DuckDB and on Spark publishes the same files.

One small generated home after one published DuckDB night lands the next
night's deliveries (`oneid ingest`) and is copied twice. On the Spark copy
the first night is built again on Spark (a full build), so that both
copies then build the next night incrementally (`oneid build`: build,
export, report, publish), each extending its own engine's tables with the
same loads: once with dbt on DuckDB and once with dbt on a local Spark
session (`--engine spark`). Every published mart and every restricted
table must then be equal row for row (floats to 9 decimals; integer and
decimal widths may differ, values may not), and so must the state snapshots
the night exported and the media audience files.

A night on Spark costs minutes here (Java's start, about a second per
model), so the nights run once (a module fixture; `make test` keeps a
module on one worker, and starts this one first) and every comparison
reads their result.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

import duckdb
import pytest

from pipeline.compare_homes import TableDifference, compare_databases
from pipeline.home import Home
from pipeline.incremental import BuildPlan
from pipeline.nightly import execute
from pipeline.run_record import load_run_records
from pipeline.settings import WarehouseSettings
from pipeline.state import STATE_TABLES, snapshot_path
from tests.conftest import BASELINE_DATE, DEMO_END, WORK_LISTS, copy_home


@pytest.fixture(scope="module")
def both_engines(
    published_home: Home, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Home, Home]:
    if shutil.which("java") is None:
        pytest.fail("Spark needs a Java runtime: `make setup` installs openjdk-17-jre-headless")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ONEID_EXPORT_MIN_AUDIENCE", "1")
        env.setenv("ONEID_SPARK_DRIVER_MEMORY", "2g")
        # A few hundred people: one shuffle partition (docs/spark.md).
        env.setenv("ONEID_SPARK_SHUFFLE_PARTITIONS", "1")
        landed = copy_home(published_home, tmp_path_factory.mktemp("landed"))
        execute(landed, "ingest", DEMO_END)
        on_duckdb = copy_home(landed, tmp_path_factory.mktemp("duckdb_night"))
        on_spark = copy_home(landed, tmp_path_factory.mktemp("spark_night"))
        on_spark_engine = WarehouseSettings.from_env(on_spark, "spark")
        # The first night again, on Spark: a rerun of the published date is full. DuckDB reruns
        # it too, so that both export it with the same minimums and DEMO_END's media deltas
        # start from the same audiences. These reruns only set the stores up: their data
        # tests are left to the nights compared (on Spark, 888 tests cost minutes).
        with pytest.MonkeyPatch.context() as setup_only:
            setup_only.setattr(BuildPlan, "dbt_flags", _without_data_tests(BuildPlan.dbt_flags))
            execute(on_duckdb, "build", BASELINE_DATE)
            execute(on_spark, "build", BASELINE_DATE, settings=on_spark_engine)
        execute(on_duckdb, "build", DEMO_END)
        execute(on_spark, "build", DEMO_END, settings=on_spark_engine)
    return on_duckdb, on_spark


def _without_data_tests(flags: Callable[[BuildPlan], list[str]]) -> Callable[[BuildPlan], list[str]]:
    return lambda plan: [*flags(plan), "--exclude-resource-type", "test"]


def _describe(differences: list[TableDifference]) -> str:
    return "\n".join(f"{d.table}: {d.problem} {d.examples[:2]}" for d in differences)


def test_published_marts_equal(both_engines: tuple[Home, Home]) -> None:
    on_duckdb, on_spark = both_engines
    differences = compare_databases(on_duckdb.warehouse, on_spark.warehouse)
    assert not differences, _describe(differences)


def test_restricted_tables_equal(both_engines: tuple[Home, Home]) -> None:
    on_duckdb, on_spark = both_engines
    # The build manifest (a run table) names the engine and the run that built the store.
    differences = compare_databases(on_duckdb.restricted, on_spark.restricted)
    assert not differences, _describe(differences)


def _plans(home: Home) -> list[dict]:
    return [next(s for s in record.stages if s.name == "build").detail["plan"]
            for record in load_run_records(home) if record.command in ("run", "build")]


def test_both_nights_were_incremental(both_engines: tuple[Home, Home]) -> None:
    """So the parity above holds an incremental night on each engine to the other;
    both reconsidered work (the work lists are compared with the rest)."""
    on_duckdb, on_spark = both_engines
    assert [plan["mode"] for plan in _plans(on_duckdb)] == ["full", "full", "incremental"]
    assert [plan["mode"] for plan in _plans(on_spark)] == ["full", "full", "incremental"]
    with duckdb.connect(str(on_spark.restricted), read_only=True) as con:
        for table in sorted(WORK_LISTS):
            assert con.execute(f"select count(*) from {table}").fetchone()[0] > 0, table


def test_the_spark_night_built_what_it_published(both_engines: tuple[Home, Home]) -> None:
    _, on_spark = both_engines
    with duckdb.connect(str(on_spark.warehouse), read_only=True) as con:
        runs = con.execute("select command, status from run_history order by started_at").fetchall()
        people = con.execute("select count(*) from dim_person").fetchone()[0]
    assert runs == [("run", "succeeded"), ("ingest", "succeeded"), ("build", "succeeded"), ("build", "succeeded")]
    assert people > 100
    last = load_run_records(on_spark)[-1]
    build = next(s for s in last.stages if s.name == "build")
    assert build.detail["engine"] == "spark"
    # The night compared ran the project's data tests on Spark (the setup night did not).
    assert build.detail["counts"]["test"].get("pass", 0) > 500, build.detail["counts"]
    # The Spark build's own folder (raw identifiers) does not outlive the night;
    # the restricted tables of the last night stay for the next to extend, and
    # only those.
    assert not any(on_spark.building.glob("spark-*"))
    assert [p.name for p in on_spark.restricted_dir.glob("spark-tables-*")] == [f"spark-tables-{last.run_id}"]


def test_state_snapshots_equal(both_engines: tuple[Home, Home]) -> None:
    on_duckdb, on_spark = both_engines
    for table in STATE_TABLES:
        left, right = snapshot_path(on_duckdb, table, DEMO_END), snapshot_path(on_spark, table, DEMO_END)
        query = "select * from read_parquet(?) except all select * from read_parquet(?)"
        with duckdb.connect() as con:
            assert con.execute(query, [str(left), str(right)]).fetchall() == [], table.name
            assert con.execute(query, [str(right), str(left)]).fetchall() == [], table.name


def test_media_exports_equal(both_engines: tuple[Home, Home]) -> None:
    on_duckdb, on_spark = both_engines
    left, right = on_duckdb.exports / DEMO_END.isoformat(), on_spark.exports / DEMO_END.isoformat()
    files = sorted(p.relative_to(left) for p in left.rglob("*") if p.is_file() and p.name != "manifest.json")
    assert files, "the night exported nothing to compare"
    assert files == sorted(
        p.relative_to(right) for p in right.rglob("*") if p.is_file() and p.name != "manifest.json"
    )
    for name in files:
        assert (left / name).read_bytes() == (right / name).read_bytes(), name
