"""The `oneid` command: one clear line and a distinct exit code per failure class."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pipeline.errors import BadInputError, ConfigurationError, DataTestFailed, RunActiveError, StageFailed
from tests.conftest import ONEID
from tests.test_runlock import hold_lock_in_other_process


def oneid(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ONEID, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=600
    )


def test_exit_codes_are_distinct() -> None:
    codes = [c.exit_code for c in (ConfigurationError, BadInputError, DataTestFailed, RunActiveError, StageFailed)]
    assert len(set(codes)) == len(codes) and 0 not in codes and 1 not in codes and 2 not in codes


def test_bad_date_is_a_configuration_error(tmp_path: Path) -> None:
    result = oneid("run", "--home", str(tmp_path), "--date", "2026-13-45")
    assert result.returncode == ConfigurationError.exit_code
    assert "configuration error" in result.stderr and "2026-13-45" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_setting_is_a_configuration_error(tmp_path: Path) -> None:
    result = oneid("run", "--home", str(tmp_path), env={"ONEID_DUCKDB_MEMORY_LIMIT": "lots"})
    assert result.returncode == ConfigurationError.exit_code
    assert "ONEID_DUCKDB_MEMORY_LIMIT" in result.stderr


def test_second_run_exits_at_once_with_its_own_code(tmp_path: Path) -> None:
    holder = hold_lock_in_other_process(tmp_path)
    try:
        result = oneid("run", "--home", str(tmp_path), "--date", "2026-11-20")
    finally:
        holder.communicate("\n")
    assert result.returncode == RunActiveError.exit_code
    assert "another run is active" in result.stderr


def test_usage_error_is_two(tmp_path: Path) -> None:
    assert oneid("run", "--no-such-option").returncode == 2


def test_status_on_a_new_home(tmp_path: Path) -> None:
    result = oneid("status", "--home", str(tmp_path))
    assert result.returncode == 0 and "no runs yet" in result.stdout


def test_run_on_an_empty_home_succeeds_and_status_lists_it(tmp_path: Path) -> None:
    result = oneid("run", "--home", str(tmp_path), "--date", "2026-11-20")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "warehouse" / "oneid.duckdb").is_file()
    listed = oneid("status", "--home", str(tmp_path))
    assert "2026-11-20" in listed.stdout and "succeeded" in listed.stdout


def test_home_from_environment(tmp_path: Path) -> None:
    result = oneid("status", env={"ONEID_HOME": str(tmp_path / "envhome")})
    assert result.returncode == 0 and str(tmp_path / "envhome") in result.stdout.replace("\n", "")


def test_rejected_file_is_bad_input_only_when_strict(tmp_path: Path) -> None:
    delivery = tmp_path / "inbox" / "eshop_orders" / "2026-11-20"
    delivery.mkdir(parents=True)
    (delivery / "orders.csv").write_text("order_id,line_no,brand\nE1,1,b\n")  # sku, qty, ... missing
    strict = oneid("ingest", "--home", str(tmp_path), "--date", "2026-11-20", "--strict")
    assert strict.returncode == BadInputError.exit_code
    assert "bad input" in strict.stderr and "orders.csv" in strict.stderr
    lenient = oneid("ingest", "--home", str(tmp_path), "--date", "2026-11-20")
    assert lenient.returncode == 0, lenient.stderr
