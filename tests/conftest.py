"""Shared fixtures: a small generated inbox and a home published from it.

Expensive things (generating, the first nightly run) happen once per session;
tests copy the result into their own temporary home so they never interfere.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from pipeline.home import Home

DEMO_END = date(2026, 11, 20)
BASELINE_DATE = DEMO_END - timedelta(days=3)
ONEID = str(Path(sys.executable).with_name("oneid"))
# What an incremental night re-derived (docs/incremental.md): empty on a full
# build, so a store that was extended and one that was rebuilt differ only here.
WORK_LISTS = frozenset({"int_identity_reconsidered_records", "int_engagement__reconsidered_oneids"})


# `make test` runs modules whole on three workers (--dist loadscope
# --no-loadscope-reorder) in collection order: the slowest modules start
# first, so that the workers end together instead of one running a long
# module alone at the end.
SLOWEST_FIRST = (
    "tests/spark/test_parity.py",
    "tests/test_incremental.py",
    "tests/guides/test_guide_tags_end_to_end.py",
    "tests/serve/test_api.py",
    "tests/test_cli.py",
    "tests/identity/test_brand_names_end_to_end.py",
    "tests/test_nightly.py",
    "tests/test_reader.py",
    "tests/test_keyed_incremental.py",
    "tests/spark/test_engine_macros.py",
    "tests/identity/test_identity_graph.py",
    "tests/test_dbt_staging.py",
    "tests/identity/test_identifier_rules.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {module: position for position, module in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(SLOWEST_FIRST)))


def shared_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """A folder that `build` fills once for the whole test run, however many workers it has.

    Under pytest-xdist every worker is a process of its own with its own session
    fixtures; the first worker to ask builds the folder under a file lock in the
    run's shared temporary directory, the others wait for it and read the same
    files (session homes are never modified: tests copy them first).
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    shared = tmp_path_factory.getbasetemp().parent
    folder = shared / name
    done = shared / f"{name}.done"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            # A worker that failed half-way left a partial folder: build it again.
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def generated_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A home whose inbox holds 20 days of deliveries for 300 people (never modified)."""
    from pipeline.demo.generate import generate

    def build(folder: Path) -> None:
        generate(Home(folder).ensure(), persons=300, days=20, seed=11, end_date=DEMO_END)

    return Home(shared_once(tmp_path_factory, "generated", build))


@pytest.fixture(scope="session")
def published_home(generated_home: Home, tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A copy of the generated home after one successful night for BASELINE_DATE (never modified)."""
    from pipeline.nightly import execute

    def build(folder: Path) -> None:
        execute(copy_home(generated_home, folder), "run", BASELINE_DATE)

    return Home(shared_once(tmp_path_factory, "published", build) / "home")


def copy_home(source: Home, destination: Path) -> Home:
    target = destination / "home"
    shutil.copytree(source.root, target, symlinks=True)
    return Home(target)


@pytest.fixture
def home_copy(published_home: Home, tmp_path: Path) -> Home:
    return copy_home(published_home, tmp_path)
