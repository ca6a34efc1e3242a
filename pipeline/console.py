"""What a person sees in the terminal: stage progress and run summaries (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.run_record import RunRecord, StageRecord

STAGE_HEADLINE_ROWS = ("files", "rows_read", "rows_landed", "rows_quarantined", "models", "tests", "warnings")


class RichReporter:
    """Shows one progress line per stage while it runs, and a result line when it ends."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._progress: Progress | None = None
        self._task = None

    def stage_started(self, name: str) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.fields[stage]:<9}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}", style="dim"),
            console=self.console,
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("", total=None, stage=name)

    def progress(self, name: str, done: int, total: int, text: str) -> None:
        if self._progress is None or self._task is None:
            return
        if total:
            self._progress.update(self._task, completed=done, total=total, description=text[:70])
        else:
            self._progress.update(self._task, advance=1, description=text[:70])

    def stage_finished(self, stage: StageRecord) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        mark = "[green]✓[/]" if stage.status == "succeeded" else "[red]✗[/]"
        headline = ", ".join(f"{k}={v:,}" for k, v in stage.rows.items() if k in STAGE_HEADLINE_ROWS)
        self.console.print(f"{mark} {stage.name:<9} {stage.seconds or 0:7.1f}s  {headline}")


def runs_table(records: list[RunRecord]) -> Table:
    table = Table(title="Run history (newest first)")
    for column in ("run id", "command", "business date", "started (UTC)", "ended (UTC)", "seconds", "outcome", "stages"):
        table.add_column(column)
    for record in reversed(records):
        stages = " ".join(f"{s.name}:{s.seconds if s.seconds is not None else '…'}s" for s in record.stages)
        outcome = {"succeeded": "[green]succeeded[/]", "failed": "[red]failed[/]"}.get(record.status, record.status)
        if record.error:
            outcome += f" ({record.error.get('class')})"
        table.add_row(
            record.run_id,
            record.command,
            record.business_date,
            record.started_at[:19].replace("T", " "),
            (record.ended_at or "")[:19].replace("T", " "),
            f"{record.seconds:.1f}" if record.seconds is not None else "",
            outcome,
            stages,
        )
    return table


def run_detail(record: RunRecord) -> Table:
    table = Table(title=f"Run {record.run_id} — {record.command} {record.business_date}: {record.status}")
    for column in ("stage", "status", "started (UTC)", "seconds", "row counts"):
        table.add_column(column)
    for stage in record.stages:
        rows = ", ".join(f"{k}={v:,}" for k, v in stage.rows.items())
        table.add_row(stage.name, stage.status, stage.started_at[:19].replace("T", " "), str(stage.seconds), rows)
    return table
