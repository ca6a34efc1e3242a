"""Run dbt as a subprocess and turn its run_results into a summary and an error class.

A subprocess keeps dbt's global state and memory out of the long-lived
`oneid` process, and lets every run write its own target/ and logs/ so two
homes never collide.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigurationError, DataTestFailed, StageFailed
from pipeline.home import Home
from pipeline.publish import BuildFiles
from pipeline.settings import WarehouseSettings

PROJECT_DIR_ENV = "ONEID_PROJECT_DIR"
_RESULT_EVENTS = {"LogModelResult", "LogTestResult", "LogSeedResult", "LogSnapshotResult"}
NodeProgress = Callable[[int, int, str], None]  # (done, total, node description)


def project_dir() -> Path:
    """The dbt project shipped beside the `pipeline` package (the repo root)."""
    chosen = Path(os.environ.get(PROJECT_DIR_ENV) or Path(__file__).resolve().parent.parent)
    if not (chosen / "dbt_project.yml").is_file():
        raise ConfigurationError(f"no dbt_project.yml in {chosen}; set {PROJECT_DIR_ENV}")
    return chosen


def dbt_executable() -> list[str]:
    beside_python = Path(sys.executable).with_name("dbt")
    if beside_python.exists():
        return [str(beside_python)]
    return [sys.executable, "-c", "from dbt.cli.main import cli; cli()"]


@dataclass
class DbtSummary:
    command: str
    return_code: int
    elapsed_seconds: float
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # resource type -> status -> n
    failures: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "return_code": self.return_code,
            "elapsed_seconds": self.elapsed_seconds,
            "counts": self.counts,
            "failures": self.failures,
            "warnings": self.warnings[:50],
        }


def run_dbt(
    args: list[str],
    *,
    home: Home,
    build_files: BuildFiles,
    business_date: date,
    run_dir: Path,
    settings: WarehouseSettings,
    extra_vars: dict[str, Any] | None = None,
    on_node: NodeProgress | None = None,
) -> DbtSummary:
    project = project_dir()
    target_path = run_dir / "dbt" / "target"
    log_path = run_dir / "dbt" / "logs"
    Path(settings.temp_directory).mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        **settings.dbt_env(),
        "ONEID_HOME": str(home.root),
        "ONEID_WAREHOUSE_PATH": str(build_files.warehouse),
        "ONEID_RESTRICTED_PATH": str(build_files.restricted),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    if settings.dbt_target == "spark":
        # A local Spark session builds into a folder of its own per run
        # (raw identifiers included, hence 0700); a cluster's is its own.
        build_files.spark_warehouse.mkdir(mode=0o700, parents=True, exist_ok=True)
        env["ONEID_SPARK_WAREHOUSE"] = str(build_files.spark_warehouse)
    command = [
        *dbt_executable(),
        "--log-format",
        "json",
        "--no-use-colors",
        *args,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target-path",
        str(target_path),
        "--log-path",
        str(log_path),
        "--vars",
        json.dumps({"business_date": business_date.isoformat(), **(extra_vars or {})}),
    ]
    process = subprocess.Popen(
        command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    errors: list[str] = []
    total = 0
    done = 0
    assert process.stdout is not None
    for line in process.stdout:
        event = _parse_event(line)
        if event is None:
            if line.strip():
                errors.append(line.strip())
            continue
        name = event.get("info", {}).get("name")
        data = event.get("data", {})
        if name == "ConcurrencyLine":
            total = int(data.get("node_count", 0))
        elif name in _RESULT_EVENTS:
            done += 1
            if on_node is not None:
                on_node(done, total, _describe(data))
        elif event.get("info", {}).get("level") == "error":
            errors.append(event["info"].get("msg", ""))
    return_code = process.wait()
    results_file = target_path / "run_results.json"
    if not results_file.exists():
        detail = "; ".join(e for e in errors if e)[-600:] or f"dbt exited with {return_code}"
        raise StageFailed(f"dbt {' '.join(args)} did not run: {detail}")
    return summarize_run_results(json.loads(results_file.read_text()), " ".join(args), return_code)


def raise_for_results(summary: DbtSummary) -> None:
    """Model errors are stage failures; failing tests are data test failures."""
    model_errors = [f for f in summary.failures if f["resource_type"] != "test"]
    test_failures = [f for f in summary.failures if f["resource_type"] == "test"]
    if model_errors:
        first = model_errors[0]
        raise StageFailed(
            f"dbt: {len(model_errors)} node(s) failed, first {first['name']}: {first['message']}"
        )
    if test_failures:
        names = ", ".join(f["name"] for f in test_failures[:5])
        more = f" and {len(test_failures) - 5} more" if len(test_failures) > 5 else ""
        raise DataTestFailed(f"dbt: {len(test_failures)} data test(s) failed: {names}{more}")
    if summary.return_code != 0:
        raise StageFailed(f"dbt {summary.command} exited with {summary.return_code}")


def summarize_run_results(results: dict[str, Any], command: str, return_code: int) -> DbtSummary:
    counts: dict[str, Counter[str]] = {}
    failures: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    for result in results.get("results", []):
        unique_id: str = result.get("unique_id", "")
        resource_type = unique_id.split(".", 1)[0]
        status = str(result.get("status"))
        counts.setdefault(resource_type, Counter())[status] += 1
        name = unique_id.split(".")[-1] if resource_type != "test" else unique_id.split(".")[2]
        entry = {
            "resource_type": resource_type,
            "name": name,
            "status": status,
            "message": (result.get("message") or "")[:500],
            "failures": result.get("failures"),
        }
        if status in {"error", "fail"}:
            failures.append(entry)
        elif status == "warn":
            warnings.append(entry)
    return DbtSummary(
        command=command,
        return_code=return_code,
        elapsed_seconds=round(float(results.get("elapsed_time", 0.0)), 3),
        counts={k: dict(v) for k, v in counts.items()},
        failures=failures,
        warnings=warnings,
    )


def _parse_event(line: str) -> dict[str, Any] | None:
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        return json.loads(line)
    except ValueError:
        return None


def _describe(data: dict[str, Any]) -> str:
    node = data.get("node_info", {})
    return f"{node.get('resource_type', 'node')} {node.get('node_name', '?')}: {node.get('node_status', '')}"
