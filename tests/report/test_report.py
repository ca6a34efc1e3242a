"""`oneid report`: one offline HTML file whose every chart renders in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.home import Home
from pipeline.report.build import report_path, write_published_report
from pipeline.report.charts import WAREHOUSE_CHARTS
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


def test_every_chart_renders_in_headless_chromium(report_home: Home, tmp_path: Path) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is required (make test installs it: apt-get install -y chromium)"
    report = write_published_report(report_home)
    result = subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000",
         "--dump-dom", report.path.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    dom = result.stdout
    assert "<figure" in dom, result.stderr[-2000:]
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
