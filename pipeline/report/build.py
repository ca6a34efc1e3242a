"""Write the report of a warehouse: gather the charts, the headline figures and the run history."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from pipeline.errors import ConfigurationError
from pipeline.home import Home
from pipeline.report.charts import WAREHOUSE_CHARTS, Chart, Warehouse, run_history
from pipeline.report.page import Headline, render_page
from pipeline.run_record import RunRecord, load_run_records, utc_now

REPORT_PREFIX = "oneid-report-"


@dataclass(frozen=True)
class Report:
    path: Path
    charts: int
    charts_with_data: int


def report_path(home: Home, business_date: date | str) -> Path:
    return home.reports / f"{REPORT_PREFIX}{business_date}.html"


def write_report(
    home: Home,
    warehouse: Path,
    restricted: Path,
    business_date: date | str,
    destination: Path,
    records: list[RunRecord] | None = None,
) -> Report:
    """Render the report of `warehouse` to `destination` (written whole, then renamed into place)."""
    if not warehouse.is_file():
        raise ConfigurationError(f"no warehouse at {warehouse}; run `oneid run` first")
    records = load_run_records(home) if records is None else records
    with duckdb.connect(str(warehouse), read_only=True) as con:
        w = Warehouse(con)
        charts: list[Chart] = [chart(w) for chart in WAREHOUSE_CHARTS]
        headlines = _headlines(w)
    charts.append(run_history(records))
    headlines.extend(_accuracy(home, restricted))
    html = render_page(
        title=f"OneID report · {business_date}",
        subtitle=f"Business date {business_date} · home {home.root}",
        headlines=headlines,
        charts=charts,
        footer=f"Generated {utc_now().isoformat(timespec='seconds')} from {warehouse.name}. Offline file: no network needed.",
    )
    destination.parent.mkdir(parents=True, exist_ok=True)
    scratch = destination.with_name(destination.name + ".partial")
    scratch.write_text(html, encoding="utf-8")
    os.replace(scratch, destination)
    return Report(destination, len(charts), sum(c.has_data for c in charts))


def write_published_report(home: Home) -> Report:
    """The report of the published warehouse (what `oneid report` writes)."""
    if not home.warehouse.is_file():
        raise ConfigurationError(f"no published warehouse at {home.warehouse}; run `oneid run` first")
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        row = con.execute("select max(business_date) from run_history where status = 'succeeded'").fetchone()
    business_date = row[0] if row and row[0] else utc_now().date()
    return write_report(home, home.warehouse, home.restricted, business_date, report_path(home, business_date))


def _scalar(w: Warehouse, table: str, sql: str) -> int | float | None:
    if not w.has(table):
        return None
    row = w.rows(sql)
    return row[0][0] if row and row[0][0] is not None else None


def _headlines(w: Warehouse) -> list[Headline]:
    figures = [
        ("persons (OneIDs)", _scalar(w, "identity_health_daily", "select persons_total from identity_health_daily where is_business_date")),
        ("identifiers", _scalar(w, "identity_health_daily", "select identifiers_total from identity_health_daily where is_business_date")),
        ("buyers (12 months)", _scalar(w, "person_tags", "select count(*) from person_tags where frequency > 0")),
        ("net spend ¥ (12 months)", _scalar(w, "person_tags", "select sum(monetary) from person_tags")),
        ("campaign touches", _scalar(w, "campaign_performance", "select sum(touches_sent) from campaign_performance")),
        ("attributed revenue ¥", _scalar(w, "campaign_performance", "select sum(revenue) from campaign_performance")),
        ("rows quarantined", _scalar(w, "ingestion_daily", "select sum(rows_quarantined) from ingestion_daily")),
    ]
    return [Headline(label, f"{value:,.0f}") for label, value in figures if value is not None]


def _accuracy(home: Home, restricted: Path) -> list[Headline]:
    """Pairwise and B-cubed scores against the generator's ground truth, on demo homes only."""
    if not home.truth.is_dir():
        return []
    from pipeline.identity.evaluate import read_oneids, read_truth, score

    try:
        assigned, links = read_oneids(restricted)
        evaluation = score(assigned, read_truth(home), links)
    except (ConfigurationError, duckdb.Error):
        return []
    return [
        Headline("OneID pairwise precision", f"{evaluation.pairwise_precision:.3f}"),
        Headline("OneID pairwise recall", f"{evaluation.pairwise_recall:.3f}"),
    ]


def staged_report_path(home: Home, run_id: str, business_date: date | str) -> Path:
    """Where a night writes its report before publish moves it next to the others."""
    return home.reports / f".staged-{run_id}" / report_path(home, business_date).name


def promote_report(home: Home, staged: Path) -> Path:
    final = home.reports / staged.name
    os.replace(staged, final)
    staged.parent.rmdir()
    return final


def discard_staged_report(staged: Path) -> None:
    """Remove the night's staging folder, a half-written file included."""
    shutil.rmtree(staged.parent, ignore_errors=True)
