"""The nightly run: a fixed order of stages under one lock and one run record.

`oneid run` runs every stage; `oneid ingest` and `oneid build` run a slice of
the same list, so a stage added here is immediately part of the night. Each
stage may register an undo; if any later stage fails, the undos run in reverse
so the home is left as it was before the run (previous warehouse, lake, state).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import duckdb

from pipeline import dbt_runner, incremental
from pipeline.errors import BadInputError, OneIDError
from pipeline.exports import export as media_exports
from pipeline.exports.manifest import RunStamp
from pipeline.exports.min_sizes import min_audience_sizes
from pipeline.home import Home
from pipeline.ingest.lake_layout import write_schema_files
from pipeline.ingest.landing.night import FileOutcome, land_deliveries, rollback_load
from pipeline.ingest.reasons import FileStatus
from pipeline.publish import BuildFiles, discard, discard_spark_warehouse, publish, write_run_history
from pipeline.report.build import discard_staged_report, promote_report, staged_report_path, write_report
from pipeline.run_record import RunRecord, StageRecord, history_rows, load_run_records, utc_now
from pipeline.runlock import run_lock
from pipeline.serve.profile_store import build_profile_store
from pipeline.settings import WarehouseSettings
from pipeline.spark_tables import copy_spark_tables, keep_restricted_tables
from pipeline.state import discard_staged, promote, prune, stage_state_snapshots, write_state_schema_files
from pipeline.validation.landed import raise_on_blocking, validate_load_apart


class Reporter(Protocol):
    """What a run tells the person or scheduler watching it."""

    def stage_started(self, name: str) -> None: ...

    def progress(self, name: str, done: int, total: int, text: str) -> None: ...

    def stage_finished(self, stage: StageRecord) -> None: ...


class SilentReporter:
    def stage_started(self, name: str) -> None:
        pass

    def progress(self, name: str, done: int, total: int, text: str) -> None:
        pass

    def stage_finished(self, stage: StageRecord) -> None:
        pass


@dataclass
class RunContext:
    home: Home
    business_date: date
    record: RunRecord
    settings: WarehouseSettings
    reporter: Reporter
    force: bool = False
    strict: bool = False
    full_refresh: bool = False
    undo: list[Callable[[], None]] = field(default_factory=list)
    artifacts: dict[str, Any] = field(default_factory=dict)

    @property
    def run_id(self) -> str:
        return self.record.run_id

    @property
    def run_dir(self) -> Path:
        return self.home.runs / self.run_id

    @property
    def building(self) -> BuildFiles:
        return BuildFiles.for_run(self.home, self.run_id)


StageResult = tuple[dict[str, int], dict[str, Any]]  # (row counts, detail for the run record)


@dataclass(frozen=True)
class Stage:
    name: str
    description: str
    run: Callable[[RunContext], StageResult]


def _ingest(ctx: RunContext) -> StageResult:
    write_schema_files(ctx.home)
    ctx.undo.append(lambda: rollback_load(ctx.home, ctx.run_id))

    def on_file(outcome: FileOutcome) -> None:
        ctx.reporter.progress("ingest", 0, 0, f"{outcome.source}: {outcome.file_path}")

    result = land_deliveries(
        ctx.home, ctx.business_date, load_id=ctx.run_id, force=ctx.force, progress=on_file
    )
    ctx.artifacts["load"] = result
    rejected = [f for f in result.files if f.status == FileStatus.REJECTED.value]
    if ctx.strict and rejected:
        listed = "; ".join(f"{f.file_path}: {f.message}" for f in rejected[:3])
        raise BadInputError(f"{len(rejected)} delivered file(s) rejected (--strict): {listed}")
    record = result.to_record()
    rows = {
        "files": len(result.files),
        "rows_read": result.rows_read,
        "rows_landed": result.rows_landed,
        "rows_quarantined": result.rows_quarantined,
    }
    return rows, record


def _validate(ctx: RunContext) -> StageResult:
    report = validate_load_apart(ctx.home, ctx.run_id)
    record = report.to_record()
    ctx.artifacts["validation"] = report
    raise_on_blocking(report)
    return {"blocking_failures": len(report.blocking_failures), "warnings": len(report.warnings)}, record


def _build(ctx: RunContext) -> StageResult:
    write_schema_files(ctx.home)
    write_state_schema_files(ctx.home)
    ctx.home.building.mkdir(parents=True, exist_ok=True)
    discard(ctx.building)
    ctx.undo.append(lambda: discard(ctx.building))
    plan = incremental.plan_build(
        ctx.home,
        ctx.business_date,
        ctx.settings.engine,
        dbt_runner.project_dir(),
        full_refresh=ctx.full_refresh,
        spark_cluster=ctx.settings.dbt_target == "spark_thrift",
    )
    ctx.record.stages[-1].detail = {"plan": plan.to_record()}
    if plan.incremental and plan.spark_tables is None:
        incremental.start_from_published(ctx.home, ctx.building.restricted)

    def on_node(done: int, total: int, text: str) -> None:
        ctx.reporter.progress("build", done, total, text)

    summary = dbt_runner.run_dbt(
        ["build", *plan.dbt_flags()],
        home=ctx.home,
        build_files=ctx.building,
        business_date=ctx.business_date,
        run_dir=ctx.run_dir,
        settings=ctx.settings,
        extra_vars=plan.dbt_vars(),
        on_node=on_node,
    )
    ctx.record.stages[-1].detail = {"plan": plan.to_record(), **summary.to_record()}
    dbt_runner.raise_for_results(summary)
    if ctx.settings.engine == "spark":
        copy_spark_tables(ctx.building, ctx.settings)
        keep_restricted_tables(ctx.building, ctx.settings)
        discard_spark_warehouse(ctx.building)
    incremental.write_manifest(ctx.building.restricted, plan, ctx.business_date, ctx.settings.engine, ctx.run_id)
    models = summary.counts.get("model", {})
    tests = summary.counts.get("test", {})
    rows = {"models": sum(models.values()), "tests": sum(tests.values()), "tests_warned": tests.get("warn", 0)}
    detail = {"engine": ctx.settings.engine, "plan": plan.to_record(), **summary.to_record()}
    detail["table_rows"] = {
        "warehouse": table_row_counts(ctx.building.warehouse),
        "restricted": table_row_counts(ctx.building.restricted),
    }
    return rows, detail


def table_row_counts(database: Path) -> dict[str, int]:
    """Rows of every table a build wrote (dbt-duckdb reports no row counts of its own)."""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main' order by 1"
        ).fetchall()]
        return {name: con.execute(f'select count(*) from main."{name}"').fetchone()[0] for name in tables}


def _export(ctx: RunContext) -> StageResult:
    """Media audience files from the new stores, into a folder that publish moves into place."""
    media_exports.discard_leftovers(ctx.home.exports)
    staged = media_exports.staging_folder(ctx.home.exports, ctx.run_id)
    ctx.undo.append(lambda: media_exports.discard(staged))
    results, state = media_exports.export_campaigns(
        ctx.building.warehouse,
        ctx.building.restricted,
        staged,
        stamp=RunStamp(ctx.run_id, ctx.record.started_at, ctx.business_date.isoformat()),
        minimums=min_audience_sizes(),
        state_root=ctx.home.state,
    )
    ctx.undo.append(lambda: state[0].unlink(missing_ok=True))
    ctx.artifacts["exports"] = staged
    ctx.artifacts["export_state"] = state
    return media_exports.export_summary(results)


def _report(ctx: RunContext) -> StageResult:
    """The HTML report of the new warehouse, staged for publish like the exports."""
    staged = staged_report_path(ctx.home, ctx.run_id, ctx.business_date.isoformat())
    ctx.undo.append(lambda: discard_staged_report(staged))
    report = write_report(
        ctx.home, ctx.building.warehouse, ctx.building.restricted, ctx.business_date.isoformat(), staged
    )
    ctx.artifacts["report"] = staged
    return {"charts": report.charts, "charts_with_data": report.charts_with_data}, {"report": str(staged)}


def _profiles(ctx: RunContext) -> StageResult:
    """The profile store `oneid serve` reads, from the new stores, published with them."""
    summary = build_profile_store(
        ctx.building.warehouse,
        ctx.building.restricted,
        ctx.building.profile_store,
        ctx.run_id,
        ctx.settings,
    )
    return {"people": summary.people, "identifiers": summary.identifiers}, summary.to_record()


def _publish(ctx: RunContext) -> StageResult:
    history = load_run_records(ctx.home)
    current = [r for r in history if r.run_id != ctx.run_id]
    # The row for this run says how it ends: publish is its last step.
    finished = RunRecord.from_dict(
        {**asdict(ctx.record), "status": "succeeded", "ended_at": utc_now().isoformat(timespec="milliseconds")}
    )
    staged = stage_state_snapshots(
        ctx.home, ctx.building.restricted, ctx.business_date, ctx.settings, warehouse=ctx.building.warehouse
    )
    ctx.undo.append(lambda: discard_staged(staged))
    write_run_history(ctx.building.warehouse, history_rows([*current, finished]))
    published = publish(ctx.home, ctx.building)
    # After the warehouse: a failed publish must leave yesterday's state as it was.
    promote(staged)
    prune(ctx.home)
    if "exports" in ctx.artifacts:
        media_exports.promote(ctx.artifacts["exports"], ctx.home.exports / ctx.business_date.isoformat())
        # After the files: a killed night that moved the files but not the state sends the same
        # changes again the next night (harmless), never loses them.
        media_exports.promote_state(ctx.artifacts["export_state"])
    if "report" in ctx.artifacts:
        ctx.artifacts["report"] = promote_report(ctx.home, ctx.artifacts["report"])
    return (
        {"runs_in_history": len(current) + 1, "state_snapshots": len(staged)},
        {"warehouse": str(published), "restricted": str(ctx.home.restricted)},
    )


STAGES: dict[str, Stage] = {
    stage.name: stage
    for stage in (
        Stage("ingest", "land new deliveries from the inbox into the lake", _ingest),
        Stage("validate", "Great Expectations suites on what landed", _validate),
        Stage("build", "dbt build (models and data tests) into a new warehouse file", _build),
        Stage("export", "media audience files of eligible people, staged for publish", _export),
        Stage("report", "the HTML report of the new warehouse, staged for publish", _report),
        Stage("profiles", "the profile store the API looks people up in, staged for publish", _profiles),
        Stage("publish", "swap the new warehouse in atomically", _publish),
    )
}

COMMANDS: dict[str, tuple[str, ...]] = {
    "run": ("ingest", "validate", "build", "export", "report", "profiles", "publish"),
    "ingest": ("ingest", "validate"),
    "build": ("build", "export", "report", "profiles", "publish"),
}


def execute(
    home: Home,
    command: str,
    business_date: date,
    *,
    force: bool = False,
    strict: bool = False,
    full_refresh: bool = False,
    reporter: Reporter | None = None,
    settings: WarehouseSettings | None = None,
) -> RunRecord:
    """Run the stages of `command` for `business_date`; raise OneIDError on failure.

    The run record is written before the first stage and after every stage,
    so `oneid status` shows a run that is still going or that crashed.
    """
    reporter = reporter or SilentReporter()
    home.ensure()
    settings = settings or WarehouseSettings.from_env(home)
    record = RunRecord.start(home, command, business_date)
    with run_lock(home, record.run_id, command):
        recover_interrupted_runs(home, record.run_id)
        record.save(home)
        ctx = RunContext(
            home, business_date, record, settings, reporter, force=force, strict=strict, full_refresh=full_refresh
        )
        try:
            for name in COMMANDS[command]:
                _run_stage(ctx, STAGES[name])
        except BaseException as failure:
            _undo(ctx)
            record.finish("failed", _describe_failure(failure))
            record.save(home)
            raise
        record.finish("succeeded")
        record.save(home)
    return record


def recover_interrupted_runs(home: Home, current_run_id: str) -> list[str]:
    """Undo what a killed run (power loss, SIGKILL) left half-done.

    Called under the lock, so any record still marked running belongs to a
    process that is gone. A run that got as far as publishing is kept: its
    warehouse already holds it in run_history.
    """
    published = _published_run_ids(home)
    recovered = []
    for record in load_run_records(home):
        if record.status != "running" or record.run_id == current_run_id:
            continue
        if record.run_id in published:
            record.finish("succeeded")
        else:
            rollback_load(home, record.run_id)
            discard(BuildFiles.for_run(home, record.run_id))
            record.finish(
                "failed",
                {"class": "interrupted", "exit_code": 1, "message": f"interrupted; undone by run {current_run_id}"},
            )
        record.save(home)
        recovered.append(record.run_id)
    return recovered


def _published_run_ids(home: Home) -> set[str]:
    if not home.warehouse.is_file():
        return set()
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        try:
            return {row[0] for row in con.execute("select run_id from run_history").fetchall()}
        except duckdb.CatalogException:
            return set()


def _run_stage(ctx: RunContext, stage: Stage) -> None:
    started = utc_now()
    stage_record = StageRecord(name=stage.name, started_at=started.isoformat(timespec="milliseconds"))
    ctx.record.stages.append(stage_record)
    ctx.record.save(ctx.home)
    ctx.reporter.stage_started(stage.name)
    try:
        rows, detail = stage.run(ctx)
    except BaseException:
        stage_record.status = "failed"
        raise
    else:
        stage_record.status = "succeeded"
        stage_record.rows = rows
        stage_record.detail = detail
    finally:
        ended = utc_now()
        stage_record.ended_at = ended.isoformat(timespec="milliseconds")
        stage_record.seconds = round((ended - started).total_seconds(), 3)
        ctx.record.save(ctx.home)
        ctx.reporter.stage_finished(stage_record)


def _undo(ctx: RunContext) -> None:
    for action in reversed(ctx.undo):
        try:
            action()
        except Exception as problem:  # keep undoing the rest; the record says what went wrong
            ctx.record.stages[-1].detail.setdefault("undo_errors", []).append(repr(problem))


def _describe_failure(failure: BaseException) -> dict[str, Any]:
    if isinstance(failure, OneIDError):
        return {"class": failure.label, "exit_code": failure.exit_code, "message": str(failure)}
    if isinstance(failure, KeyboardInterrupt):
        return {"class": "interrupted", "exit_code": 130, "message": "interrupted"}
    return {
        "class": "internal error",
        "exit_code": 1,
        "message": f"{type(failure).__name__}: {failure}",
        "traceback": traceback.format_exc(limit=20),
    }


