"""Shared fixtures: a small generated inbox and a home published from it.

Expensive things (generating, the first nightly run) happen once per session;
tests copy the result into their own temporary home so they never interfere.
"""

from __future__ import annotations

import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from pipeline.home import Home

DEMO_END = date(2026, 11, 20)
BASELINE_DATE = DEMO_END - timedelta(days=3)
ONEID = str(Path(sys.executable).with_name("oneid"))


# `make test` runs modules whole on two workers (--dist loadscope) in collection
# order: the slowest modules start first, so that the workers end together
# instead of one running a long module alone at the end.
SLOWEST_FIRST = (
    "tests/spark/test_parity.py",
    "tests/test_incremental.py",
    "tests/guides/test_guide_tags_end_to_end.py",
    "tests/serve/test_api.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {module: position for position, module in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(SLOWEST_FIRST)))


@pytest.fixture(scope="session")
def generated_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A home whose inbox holds 20 days of deliveries for 300 people (never modified)."""
    from pipeline.demo.generate import generate

    home = Home(tmp_path_factory.mktemp("generated")).ensure()
    generate(home, persons=300, days=20, seed=11, end_date=DEMO_END)
    return home


@pytest.fixture(scope="session")
def published_home(generated_home: Home, tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A copy of the generated home after one successful night for BASELINE_DATE (never modified)."""
    from pipeline.nightly import execute

    home = copy_home(generated_home, tmp_path_factory.mktemp("published"))
    execute(home, "run", BASELINE_DATE)
    return home


def copy_home(source: Home, destination: Path) -> Home:
    target = destination / "home"
    shutil.copytree(source.root, target, symlinks=True)
    return Home(target)


@pytest.fixture
def home_copy(published_home: Home, tmp_path: Path) -> Home:
    return copy_home(published_home, tmp_path)
