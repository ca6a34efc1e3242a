"""Throw-away dbt projects over the project's macros, on DuckDB or a local Spark session.

Tests of the engine macros build a few models of their own instead of the
whole project: seconds on DuckDB, about half a minute on Spark.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from pipeline.dbt_runner import project_dir


def engine_project(root: Path, name: str, engine: str) -> Path:
    """An empty project named `name` (also its profile and schema) under root/project."""
    project = root / "project"
    (project / "models").mkdir(parents=True)
    (project / "seeds").mkdir()
    (project / "macros").symlink_to(project_dir() / "macros", target_is_directory=True)
    (project / "dbt_project.yml").write_text(
        f"name: {name}\nversion: '1.0'\nconfig-version: 2\nprofile: {name}\n"
        "models:\n  +file_format: parquet\nseeds:\n  +file_format: parquet\n"
    )
    header = f"{name}:\n  target: dev\n  outputs:\n    dev:\n      schema: {name}\n"
    if engine == "duckdb":
        output = f"      type: duckdb\n      path: '{root / 'project.duckdb'}'\n      threads: 2\n"
    else:
        warehouse = spark_warehouse(root)
        output = (
            "      type: spark\n      method: session\n      host: local\n      threads: 1\n"
            "      server_side_parameters:\n"
            "        spark.master: 'local[2]'\n        spark.driver.memory: '1g'\n"
            f"        spark.sql.warehouse.dir: '{warehouse}'\n"
            f"        spark.driver.extraJavaOptions: '-Dderby.system.home={warehouse}'\n"
            "        spark.ui.enabled: 'false'\n"
        )
    (project / "profiles.yml").write_text(header + output)
    return project


def spark_warehouse(root: Path) -> Path:
    return root / "spark"


def dbt_build(project: Path, variables: dict[str, Any] | None = None) -> subprocess.CompletedProcess[str]:
    dbt = str(Path(sys.executable).with_name("dbt"))
    command = [dbt, "build", "--project-dir", str(project), "--profiles-dir", str(project)]
    if variables:
        command += ["--vars", json.dumps(variables)]
    return subprocess.run(
        command, cwd=project, env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        capture_output=True, text=True,
    )
