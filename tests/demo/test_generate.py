"""Determinism, the delivery layout, and what the generator leaves alone."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from pipeline.demo.generate import generate
from pipeline.errors import ConfigurationError
from pipeline.home import Home
from pipeline.ingest.sources import SOURCES, SOURCES_BY_NAME
from tests.demo.conftest import END, inbox_files


def _snapshot(home: Home) -> dict[str, bytes]:
    return {str(p.relative_to(home.root)): p.read_bytes() for p in sorted(home.root.rglob("*")) if p.is_file()}


def test_same_arguments_give_byte_identical_files(tmp_path: Path) -> None:
    first, second, other = Home(tmp_path / "a"), Home(tmp_path / "b"), Home(tmp_path / "c")
    generate(first, persons=250, days=12, seed=9, end_date=END)
    generate(second, persons=250, days=12, seed=9, end_date=END)
    generate(other, persons=250, days=12, seed=10, end_date=END)
    inbox_a = {k: v for k, v in _snapshot(first).items() if k.startswith("inbox/")}
    inbox_b = {k: v for k, v in _snapshot(second).items() if k.startswith("inbox/")}
    assert inbox_a and inbox_a == inbox_b
    assert inbox_a != {k: v for k, v in _snapshot(other).items() if k.startswith("inbox/")}
    truth_a = {k: v for k, v in _snapshot(first).items() if k.startswith("truth/")}
    assert truth_a == {k: v for k, v in _snapshot(second).items() if k.startswith("truth/")}


def test_layout_follows_the_contract(moderate) -> None:
    home, summary = moderate
    pattern = re.compile(r"^(?P<source>[a-z_]+)/(?P<day>\d{4}-\d{2}-\d{2})/(?P<name>[^/]+)$")
    seen = set()
    for path in inbox_files(home):
        match = pattern.match(str(path.relative_to(home.inbox)))
        assert match, path
        source = SOURCES_BY_NAME[match["source"]]
        delivered = date.fromisoformat(match["day"])
        assert summary.start_date <= delivered <= summary.end_date
        assert match["name"].endswith(source.accepted_extensions()), path
        seen.add(source.name)
    assert seen == {s.name for s in SOURCES}
    assert summary.end_date == END and summary.start_date == END - timedelta(days=44)
    assert summary.files_written == len(inbox_files(home))
    assert summary.bytes_written == sum(p.stat().st_size for p in inbox_files(home))
    assert set(summary.rows_by_source) == {s.name for s in SOURCES}
    assert all(summary.rows_by_source[s.name] > 0 for s in SOURCES)


def test_only_inbox_and_truth_are_written(moderate) -> None:
    home, summary = moderate
    assert sorted(p.name for p in home.root.iterdir()) == ["inbox", "truth"]
    assert summary.inbox == home.inbox and summary.truth == home.truth


def test_refuses_an_inbox_that_already_holds_deliveries(tmp_path: Path) -> None:
    home = Home(tmp_path).ensure()
    (home.inbox / "products" / "2026-01-01").mkdir(parents=True)
    (home.inbox / "products" / "2026-01-01" / "p.csv").write_text("sku\n")
    with pytest.raises(ConfigurationError):
        generate(home, persons=10, days=2, seed=1, end_date=END)


def test_tiny_runs_work(tmp_path: Path) -> None:
    summary = generate(Home(tmp_path), persons=1, days=1, seed=1, end_date=END)
    assert summary.start_date == summary.end_date == END
    assert summary.files_written > 0


def test_a_failing_events_worker_fails_the_generation(tmp_path: Path) -> None:
    import subprocess
    import sys

    from pipeline.demo.generate import _events_worker_stats
    from pipeline.errors import StageFailed

    with open(tmp_path / "stderr", "w+", encoding="utf-8") as errors:
        broken = subprocess.Popen(
            [sys.executable, "-m", "pipeline.demo.events_worker", "--no-such-option"], stdout=subprocess.PIPE, stderr=errors, text=True
        )
        with pytest.raises(StageFailed, match="exit 2(.|\n)*arguments are required"):
            _events_worker_stats(broken, errors)
