"""The `oneid` command: a thin layer over the library functions.

Every failure ends with one line on stderr and the exit code of its class
(see pipeline/errors.py and docs/operations.md).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Optional, TypeVar
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from pipeline.errors import EXIT_CODES, ConfigurationError, OneIDError
from pipeline.home import Home

app = typer.Typer(
    name="oneid",
    help="OneID: land channel exports, stitch identities, tag people, build audiences.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Wide when piped (cron logs, tests) so tables are never folded mid-value.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)
T = TypeVar("T")

HomeOption = Annotated[
    Optional[Path],
    typer.Option("--home", help="Data home (default: $ONEID_HOME or ./data).", show_default=False),
]
DateOption = Annotated[
    Optional[str],
    typer.Option("--date", help="Business date YYYY-MM-DD (default: yesterday, China time).", show_default=False),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Reload files that were loaded before.")]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="Fail with exit code 4 when any delivered file is rejected whole.")
]


def yesterday_in_china() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)


def parse_business_date(raw: str | None) -> date:
    if raw is None:
        return yesterday_in_china()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ConfigurationError(f"--date {raw!r} is not a date in YYYY-MM-DD form") from None


def guarded(action: Callable[[], T]) -> T:
    """Run a command body; turn failures into one line and the class's exit code."""
    try:
        return action()
    except OneIDError as failure:
        err.print(f"[bold red]oneid: {failure.label}:[/] {failure}", soft_wrap=True, highlight=False)
        raise typer.Exit(failure.exit_code) from None
    except KeyboardInterrupt:
        err.print("oneid: interrupted")
        raise typer.Exit(130) from None
    except Exception as failure:  # a bug: one line, and the traceback only on request
        if os.environ.get("ONEID_DEBUG"):
            raise
        err.print(
            f"[bold red]oneid: internal error:[/] {type(failure).__name__}: {failure} "
            "(set ONEID_DEBUG=1 for the traceback)",
            soft_wrap=True,
            highlight=False,
        )
        raise typer.Exit(1) from None


def _execute(command: str, home: Path | None, raw_date: str | None, force: bool, strict: bool = False) -> None:
    from pipeline.console import RichReporter, run_detail
    from pipeline.nightly import execute

    def body() -> None:
        resolved = Home.resolve(home)
        business_date = parse_business_date(raw_date)
        out.print(f"[bold]oneid {command}[/] business date {business_date} · home {resolved.root}")
        record = execute(
            resolved, command, business_date, force=force, strict=strict, reporter=RichReporter(err)
        )
        out.print(run_detail(record))
        if "publish" in {s.name for s in record.stages}:
            out.print(f"warehouse: {resolved.warehouse}")
        out.print(f"run record: {record.path(resolved)}")

    guarded(body)


@app.command()
def run(
    home: HomeOption = None, date_: DateOption = None, force: ForceOption = False, strict: StrictOption = False
) -> None:
    """Run the whole night: ingest -> validate -> dbt build -> publish."""
    _execute("run", home, date_, force, strict)


@app.command()
def ingest(
    home: HomeOption = None, date_: DateOption = None, force: ForceOption = False, strict: StrictOption = False
) -> None:
    """Land deliveries dated <= the business date into the lake, then validate them."""
    _execute("ingest", home, date_, force, strict)


@app.command()
def build(home: HomeOption = None, date_: DateOption = None) -> None:
    """dbt build the marts from the lake into a new warehouse and publish it if every test passes."""
    _execute("build", home, date_, False)


@app.command()
def validate(
    home: HomeOption = None,
    load_id: Annotated[Optional[str], typer.Option(help="Load to validate (default: the latest).")] = None,
) -> None:
    """Run the Great Expectations suites again on what a load landed."""
    from pipeline.validation.landed import raise_on_blocking, validate_load

    def body() -> None:
        resolved = Home.resolve(home)
        chosen = load_id or _latest_load_id(resolved)
        report = validate_load(resolved, chosen)
        record = report.to_record()
        out.print_json(data=record)
        raise_on_blocking(report)

    guarded(body)


@app.command()
def status(
    home: HomeOption = None,
    run_id: Annotated[Optional[str], typer.Option("--run", help="Show one run's stages.")] = None,
    limit: Annotated[int, typer.Option(help="How many runs to list.")] = 20,
) -> None:
    """Show run history: run id, business date, start/end, stage timings, row counts, outcome."""
    from pipeline.console import run_detail, runs_table
    from pipeline.run_record import load_run_records

    def body() -> None:
        resolved = Home.resolve(home)
        records = load_run_records(resolved)
        if run_id:
            matches = [r for r in records if r.run_id == run_id]
            if not matches:
                raise ConfigurationError(f"no run {run_id!r} in {resolved.runs}")
            out.print(run_detail(matches[0]))
            if matches[0].error:
                out.print(f"error: {matches[0].error.get('message')}")
            return
        if not records:
            out.print(f"no runs yet in {resolved.root}")
            return
        out.print(runs_table(records[-limit:]))

    guarded(body)


@app.command()
def generate(
    home: HomeOption = None,
    persons: Annotated[int, typer.Option(help="People in the fictional brand group.")] = 2000,
    days: Annotated[int, typer.Option(help="Days of deliveries.")] = 60,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 7,
    end_date: Annotated[
        Optional[str], typer.Option(help="Last delivery date (default: yesterday, China time).")
    ] = None,
) -> None:
    """Write realistic demo deliveries into <home>/inbox (and the ground truth into <home>/truth)."""
    from pipeline.demo.generate import generate as generate_inbox

    def body() -> None:
        resolved = Home.resolve(home)
        last = parse_business_date(end_date)
        if persons < 1 or days < 1:
            raise ConfigurationError("--persons and --days must be at least 1")
        summary = generate_inbox(
            resolved, persons=persons, days=days, seed=seed, end_date=last, progress=lambda text: err.print(text)
        )
        out.print(
            f"generated {summary.files_written:,} files, {sum(summary.rows_by_source.values()):,} rows "
            f"({summary.start_date} .. {summary.end_date}) in {summary.seconds:.1f}s -> {summary.inbox}"
        )

    guarded(body)


@app.command("exit-codes")
def exit_codes() -> None:
    """List the exit codes and what each means."""
    for code, meaning in EXIT_CODES.items():
        out.print(f"{code:>3}  {meaning}")


def _latest_load_id(home: Home) -> str:
    loads = sorted(p.stem for p in home.file_registry.glob("*.parquet") if not p.name.startswith("_"))
    if not loads:
        raise ConfigurationError(f"no loads in {home.file_registry}; run `oneid ingest` first")
    return loads[-1]


def main() -> None:  # pragma: no cover - entry point
    app(prog_name="oneid")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
