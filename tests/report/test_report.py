"""`oneid report`: one offline HTML file whose every chart renders in a real browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from pipeline.home import Home
from pipeline.report.build import report_path, write_published_report
from pipeline.report.charts import (
    WAREHOUSE_CHARTS,
    Warehouse,
    acquisition,
    axis_labels,
    data_quality,
    data_start,
    identity_growth,
    purchase_funnel,
)
from tests.conftest import BASELINE_DATE

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)


@pytest.fixture(scope="module")
def report_home(published_home: Home, tmp_path_factory: pytest.TempPathFactory) -> Home:
    """The published stores and run records, without the lake: all a report reads."""
    home = Home(tmp_path_factory.mktemp("report") / "home")
    for folder in ("warehouse", "restricted", "runs", "truth"):
        source = published_home.root / folder
        if source.is_dir():
            shutil.copytree(source, home.root / folder, ignore=shutil.ignore_patterns("building"))
    return home


def test_the_night_writes_its_report(published_home: Home) -> None:
    written = report_path(published_home, BASELINE_DATE)
    assert written.is_file()
    assert not list(published_home.reports.glob(".staged-*")), "publish moved the staged report into place"


def test_report_is_self_contained(report_home: Home) -> None:
    report = write_published_report(report_home)
    html = report.path.read_text(encoding="utf-8")
    assert report.charts == len(WAREHOUSE_CHARTS) + 1
    assert html.count('class="chart"') == report.charts
    # Nothing to fetch: no src/href attributes, no url(), no imports; the SVG namespace is not a fetch.
    assert not re.search(r"\b(src|href)\s*=", html)
    assert "url(" not in html and "@import" not in html
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", html)
    assert not re.search(r"1[3-9]\d{9}", html), "no phone number in the report"


def rendered_dom(page: Path, profile: Path, env: dict[str, str] | None = None) -> str:
    """The page's DOM after headless Chromium laid it out and ran its script."""
    assert CHROMIUM.exists(), "Debian's chromium is required (make test installs it: apt-get install -y chromium)"
    result = subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=5000",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert "<figure" in result.stdout, result.stderr[-2000:]
    return result.stdout


def test_every_chart_renders_in_headless_chromium(report_home: Home, tmp_path: Path) -> None:
    report = write_published_report(report_home)
    dom = rendered_dom(report.path, tmp_path / "profile")
    charts = int(re.search(r'data-charts="(\d+)"', dom).group(1))
    rendered = int(re.search(r'data-charts-rendered="(\d+)"', dom).group(1))
    assert charts == report.charts and rendered == charts
    figures = re.findall(r'<figure class="chart"[^>]*>', dom)
    assert len(figures) == charts and all('data-rendered="true"' in f for f in figures)
    # The published test home has every mart the report draws from.
    assert report.charts_with_data == report.charts, [f for f in figures if 'data-has-data="false"' in f]


def test_staged_report_is_promoted_or_discarded_whole(report_home: Home) -> None:
    """What the night's report stage and its undo rely on: nothing half-written is left behind."""
    from pipeline.report.build import discard_staged_report, promote_report, staged_report_path, write_report

    staged = staged_report_path(report_home, "RUN-A", "2026-01-02")
    write_report(report_home, report_home.warehouse, report_home.restricted, "2026-01-02", staged)
    (staged.parent / "leftover.partial").write_text("half")
    discard_staged_report(staged)
    assert not staged.parent.exists() and not report_path(report_home, "2026-01-02").exists()

    staged = staged_report_path(report_home, "RUN-B", "2026-01-02")
    write_report(report_home, report_home.warehouse, report_home.restricted, "2026-01-02", staged)
    final = promote_report(report_home, staged)
    assert final == report_path(report_home, "2026-01-02") and final.is_file()
    assert not staged.parent.exists()


def test_chinese_labels_are_drawn_with_real_glyphs(report_home: Home, tmp_path: Path) -> None:
    """With Debian's Noto CJK fonts (make test installs fonts-noto-cjk) the page draws Chinese; without any
    Chinese font, the page's own check sees the identical boxes and shows its notice."""
    report = write_published_report(report_home)
    assert re.search(r"[\u4e00-\u9fff]", report.path.read_text(encoding="utf-8")), "the report has Chinese labels"
    dom = rendered_dom(report.path, tmp_path / "profile")
    assert 'data-cjk-glyphs="true"' in dom, "no Chinese font: apt-get install fonts-noto-cjk"
    assert re.search(r'<p id="font-notice" hidden', dom)

    # The same page on a system whose only fonts are Latin (DejaVu): every Chinese character is the same box.
    latin = tmp_path / "latin-fonts"
    latin.mkdir()
    dejavu = [d for d in (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")) if d.is_dir()]
    assert dejavu, "Debian's fonts-dejavu-core (a chromium dependency) is expected"
    (latin / "fonts.conf").write_text(
        f"<?xml version='1.0'?><fontconfig><dir>{dejavu[0]}</dir><cachedir>{latin / 'cache'}</cachedir></fontconfig>"
    )
    dom = rendered_dom(report.path, tmp_path / "profile-latin", env={**os.environ, "FONTCONFIG_FILE": str(latin / "fonts.conf")})
    assert 'data-cjk-glyphs="false"' in dom
    assert re.search(r'<p id="font-notice">', dom), "the notice shows when Chinese cannot be drawn"


def test_time_charts_start_at_the_first_delivery(report_home: Home) -> None:
    """The demo's CRM backlog dates members' joins years back; the time charts still start at the first delivery."""
    with duckdb.connect(str(report_home.warehouse), read_only=True) as con:
        w = Warehouse(con)
        start = data_start(w)
        (earliest,) = con.execute("select min(funnel_date) from funnel_daily").fetchone()
        assert start is not None and earliest.year < start.year, "the demo has a backlog before its first delivery"
        first_week = start - timedelta(days=start.weekday())
        for chart in (purchase_funnel(w), identity_growth(w), acquisition(w)):
            assert f"From the first delivery ({start}) on." in chart.caption
            days = re.findall(r'text-anchor="middle" fill="#64748b">(\d{4}-\d\d-\d\d|\d\d-\d\d)</text>', chart.svg)
            assert days, chart.key
            # One year only, so month and day; none before the first delivery's week.
            assert all(len(day) == 5 and day >= f"{first_week:%m-%d}" for day in days), (chart.key, days)


def test_axis_labels_carry_the_year_when_a_chart_spans_years() -> None:
    assert axis_labels([date(2026, 3, 2), date(2026, 3, 9)]) == ["03-02", "03-09"]
    assert axis_labels([date(2025, 12, 29), date(2026, 1, 5)]) == ["2025-12-29", "2026-01-05"]


def test_data_quality_lists_the_shop_names_that_resolve_to_no_brand() -> None:
    with duckdb.connect() as con:
        con.execute(
            "create table ingestion_daily as select 'tmall_orders' as source_name, 10 as rows_landed, "
            "0 as rows_quarantined, date '2026-06-01' as oldest_delivery_date"
        )
        con.execute(
            """create table brand_name_resolution as select * from (values
                 ('凌风官方旗舰店', 'lingfeng', true, null, null, 7),
                 ('凌风星野联名店', null, false, 'several_brands', 'lingfeng,xingye', 3),
                 ('官方旗舰店', null, false, 'no_known_brand', null, 2))
               as t(name_as_delivered, brand, is_resolved, unresolved_reason, candidate_brands, delivered_rows)"""
        )
        chart = data_quality(Warehouse(con))
    assert "凌风星野联名店 (several_brands: lingfeng,xingye)" in chart.svg
    assert "官方旗舰店 (no_known_brand)" in chart.svg and "凌风官方旗舰店" not in chart.svg
    assert "resolve to no brand" in chart.caption
