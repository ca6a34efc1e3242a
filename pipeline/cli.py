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

from pipeline.errors import EXIT_CODES, ConfigurationError, HomesDiffer, OneIDError
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
EngineOption = Annotated[
    Optional[str],
    typer.Option(
        "--engine",
        help="Where dbt builds: duckdb (default) or spark (default: $ONEID_ENGINE); docs/spark.md.",
        show_default=False,
    ),
]
FullRefreshOption = Annotated[
    bool,
    typer.Option(
        "--full-refresh",
        help="Rebuild every table from the lake instead of extending last night's (docs/incremental.md).",
    ),
]
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


def _execute(
    command: str,
    home: Path | None,
    raw_date: str | None,
    force: bool,
    strict: bool = False,
    engine: str | None = None,
    full_refresh: bool = False,
) -> None:
    from pipeline.console import RichReporter, run_detail
    from pipeline.nightly import execute
    from pipeline.settings import WarehouseSettings

    def body() -> None:
        resolved = Home.resolve(home)
        business_date = parse_business_date(raw_date)
        settings = WarehouseSettings.from_env(resolved, engine)
        out.print(
            f"[bold]oneid {command}[/] business date {business_date} · home {resolved.root}"
            + (f" · engine {settings.engine}" if command != "ingest" else "")
        )
        record = execute(
            resolved,
            command,
            business_date,
            force=force,
            strict=strict,
            full_refresh=full_refresh,
            reporter=RichReporter(err),
            settings=settings,
        )
        out.print(run_detail(record))
        if "publish" in {s.name for s in record.stages}:
            out.print(f"warehouse: {resolved.warehouse}")
            if "report" in {s.name for s in record.stages}:
                from pipeline.report.build import report_path

                out.print(f"report: {report_path(resolved, business_date)}")
        out.print(f"run record: {record.path(resolved)}")

    guarded(body)


@app.command()
def run(
    home: HomeOption = None,
    date_: DateOption = None,
    force: ForceOption = False,
    strict: StrictOption = False,
    engine: EngineOption = None,
    full_refresh: FullRefreshOption = False,
) -> None:
    """Run the whole night: ingest -> validate -> dbt build -> export -> report -> publish."""
    _execute("run", home, date_, force, strict, engine, full_refresh)


@app.command()
def ingest(
    home: HomeOption = None, date_: DateOption = None, force: ForceOption = False, strict: StrictOption = False
) -> None:
    """Land deliveries dated <= the business date into the lake, then validate them."""
    _execute("ingest", home, date_, force, strict)


@app.command()
def build(
    home: HomeOption = None,
    date_: DateOption = None,
    engine: EngineOption = None,
    full_refresh: FullRefreshOption = False,
) -> None:
    """dbt build the marts from the lake into a new warehouse and publish it if every test passes."""
    _execute("build", home, date_, False, engine=engine, full_refresh=full_refresh)


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


@app.command()
def explain(
    query: Annotated[str, typer.Argument(help="Phone, email, member id, openid, device id, identifier hash or OneID.")],
    home: HomeOption = None,
    between: Annotated[
        Optional[tuple[str, str]],
        typer.Option("--between", help="Chain these two identifiers (default: each one to the earliest seen).", show_default=False),
    ] = None,
) -> None:
    """Show a person's identifiers (masked), the chains of links and records that join them, and what was cut and why."""
    from pipeline.identity.explain import explain as explain_identity
    from pipeline.identity.render import explanation_renderables

    def body() -> None:
        for part in explanation_renderables(explain_identity(Home.resolve(home), query, between)):
            out.print(part)

    guarded(body)


@app.command()
def evaluate(
    home: HomeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Score the OneIDs of a generated demo home against its ground truth (precision, recall, B-cubed)."""
    from pipeline.identity.evaluate import evaluate as evaluate_oneids
    from pipeline.identity.render import evaluation_table

    def body() -> None:
        evaluation = evaluate_oneids(Home.resolve(home))
        if as_json:
            out.print_json(data=evaluation.to_dict())
        else:
            out.print(evaluation_table(evaluation))

    guarded(body)


@app.command("export")
def export_audiences(
    home: HomeOption = None,
    min_audience: Annotated[
        Optional[str],
        typer.Option(help="Minimum audience per upload: N, or platform=N,... (default: $ONEID_EXPORT_MIN_AUDIENCE, else each platform's own)."),
    ] = None,
    send_lists: Annotated[
        bool, typer.Option("--send-lists", help="Also write SMS/WeChat/push send lists (raw identifiers, restricted folder).")
    ] = False,
    requested_by: Annotated[
        Optional[str], typer.Option(help="Who asks for the send lists (recorded in the run record).")
    ] = None,
) -> None:
    """Write the media audience files of the published night again, byte-identical to what the night wrote."""
    from pipeline.exports.export import export_published
    from pipeline.exports.min_sizes import min_audience_sizes
    from pipeline.exports.send_lists import write_send_lists

    def body() -> None:
        resolved = Home.resolve(home)
        if send_lists and not requested_by:
            raise ConfigurationError("--send-lists writes raw identifiers: name who asks with --requested-by")
        target, results = export_published(resolved, min_audience_sizes(min_audience))
        for result in results:
            written = ", ".join(f"{name} ({rows:,})" for name, rows in result.files.items()) or "nothing written"
            out.print(f"{result.campaign_id} -> {result.platform}: {result.status}; {written}", highlight=False)
            for refusal in result.refusals:
                err.print(f"  {refusal}", highlight=False, soft_wrap=True)
        out.print(f"exports: {target}")
        if send_lists:
            record, lists = write_send_lists(resolved, requested_by or "")
            for sent in lists:
                out.print(f"send list {sent.campaign_id} ({sent.channel}): {sent.rows:,} rows, {sent.people:,} people -> {sent.file}")
            out.print(f"run record: {record.path(resolved)}")

    guarded(body)


@app.command()
def compare(
    left: Annotated[Path, typer.Argument(help="One home.")],
    right: Annotated[Path, typer.Argument(help="The home to compare it with.")],
    renamed: Annotated[
        Optional[list[str]],
        typer.Option("--renamed", help="OLD=NEW: a table of LEFT is called NEW in RIGHT (repeatable).", show_default=False),
    ] = None,
) -> None:
    """Compare what two homes published (marts, restricted tables, state, exports) value for value.

    Build the same inbox for the same dates before and after a change, or on both
    engines: no output but "same" means no result changed. Exit code 8 when they differ.
    """
    from pipeline.compare_homes import compare_homes

    def body() -> None:
        pairs = [pair.split("=", 1) for pair in renamed or []]
        if any(len(pair) != 2 or not all(pair) for pair in pairs):
            raise ConfigurationError(f"--renamed takes OLD=NEW, got {renamed}")
        differences = compare_homes(Home(left), Home(right), renamed=dict(pairs))
        for difference in differences:
            out.print(f"{difference.table}: {difference.problem}", highlight=False, soft_wrap=True)
            for example in difference.examples:
                out.print(f"  {example}", highlight=False, soft_wrap=True)
        if differences:
            raise HomesDiffer(f"{len(differences)} differences between {left} and {right}")
        out.print("same: marts, restricted tables, state and exports")

    guarded(body)


@app.command()
def report(home: HomeOption = None) -> None:
    """Write the HTML report of the published warehouse into <home>/reports (one offline file)."""
    from pipeline.report.build import write_published_report

    def body() -> None:
        written = write_published_report(Home.resolve(home))
        out.print(f"{written.charts} charts ({written.charts_with_data} with data)")
        out.print(f"report: {written.path}")

    guarded(body)


@app.command()
def profile(
    query: Annotated[str, typer.Argument(help="A phone, email, member id, openid, other identifier, or a OneID.")],
    home: HomeOption = None,
    limit: Annotated[int, typer.Option(help="Timeline entries to show.")] = 25,
) -> None:
    """Show one person's 360-degree view: identifiers (masked), tier, tags, audiences, eligibility, timeline."""
    from pipeline.profile.lookup import find_person
    from pipeline.profile.render import profile_renderables
    from pipeline.profile.sections import build_profile

    def body() -> None:
        resolved = Home.resolve(home)
        person = build_profile(resolved, find_person(resolved, query), timeline_limit=limit)
        for part in profile_renderables(person):
            out.print(part)

    guarded(body)


@app.command()
def serve(
    home: HomeOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve brand-scoped profiles, audiences and guide tags over HTTP (docs/api.md)."""
    from pipeline.serve.app import serve as serve_api

    guarded(lambda: serve_api(Home.resolve(home), host, port))


token_app = typer.Typer(help="API tokens of `oneid serve` (docs/api.md).", no_args_is_help=True)
app.add_typer(token_app, name="token")


def _names(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="Who holds the token (e.g. lingfeng-guide-app).")],
    brands: Annotated[str, typer.Option(help="Brands it may read and write for, comma-separated.")],
    scopes: Annotated[
        str, typer.Option(help="Comma-separated: profiles:read, audiences:read, guide_tags:write.")
    ] = "profiles:read",
    home: HomeOption = None,
) -> None:
    """Create a token and print it once (only its SHA-256 is stored)."""
    from pipeline.serve.brand_scope import check_brands
    from pipeline.serve.tokens import TokenStore

    def body() -> None:
        resolved = Home.resolve(home)
        check_brands(resolved, _names(brands))
        secret = TokenStore.for_home(resolved).create(name, _names(brands), _names(scopes))
        err.print(f"token {name!r} created; it is shown only now:")
        out.print(secret, highlight=False, soft_wrap=True)

    guarded(body)


@token_app.command("list")
def token_list(home: HomeOption = None) -> None:
    """List tokens: name, brands, scopes, created (never a secret)."""
    from rich.table import Table

    from pipeline.serve.tokens import TokenStore

    def body() -> None:
        table = Table("name", "brands", "scopes", "created")
        for token in TokenStore.for_home(Home.resolve(home)).tokens():
            table.add_row(token.name, ",".join(token.brands), ",".join(token.scopes), token.created_at)
        out.print(table)

    guarded(body)


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="The token's name.")], home: HomeOption = None) -> None:
    """Revoke a token; a running server refuses it from its next request."""
    from pipeline.serve.tokens import TokenStore

    def body() -> None:
        TokenStore.for_home(Home.resolve(home)).revoke(name)
        out.print(f"token {name!r} revoked")

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
