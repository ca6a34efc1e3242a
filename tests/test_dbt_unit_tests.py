"""The project's dbt unit tests, run here once rather than every night.

A night builds with `--exclude-resource-type unit_test` (pipeline/incremental.py):
unit tests check the models' code against hand-made rows, and the code does
not change between nights. They run against a copy of a published home, whose
stores hold every model a unit test's inputs need.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import dbt_runner
from pipeline.home import Home
from pipeline.publish import BuildFiles
from pipeline.settings import WarehouseSettings
from tests.conftest import BASELINE_DATE, copy_home


RUN_DIR = "unit-tests"


@pytest.fixture(scope="module")
def unit_tests(published_home: Home, tmp_path_factory: pytest.TempPathFactory) -> tuple[dbt_runner.DbtSummary, Path]:
    home = copy_home(published_home, tmp_path_factory.mktemp("unit_tests"))
    files = replace(BuildFiles.for_run(home, RUN_DIR), warehouse=home.warehouse, restricted=home.restricted)
    summary = dbt_runner.run_dbt(
        ["test", "--select", "test_type:unit"],
        home=home,
        build_files=files,
        business_date=BASELINE_DATE,
        run_dir=home.runs / RUN_DIR,
        settings=WarehouseSettings.from_env(home),
    )
    return summary, home.runs / RUN_DIR / "dbt" / "target" / "manifest.json"


def test_every_unit_test_of_the_project_passes(unit_tests: tuple[dbt_runner.DbtSummary, Path]) -> None:
    summary, manifest = unit_tests
    assert summary.failures == [], summary.failures
    assert summary.return_code == 0
    # Every unit test the project declares ran (a selector matching nothing would pass above).
    declared = len(json.loads(manifest.read_text())["unit_tests"])
    assert declared > 0
    assert summary.counts["unit_test"] == {"pass": declared}
