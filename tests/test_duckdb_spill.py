"""A build that makes DuckDB spill to disk, on the project's own profile.

At a million people the nightly build spills, and dbt-duckdb opens a new
cursor for every thread and data test, re-applying the profile's settings.
DuckDB refuses to set `temp_directory` again once it has spilled ("Cannot
switch temporary directory after the current one has been used"), which
crashed the first 1M-person night. The demo never spills, so this test
forces it: a throw-away dbt project on `profiles.yml` (target duckdb) holds
a temporary table larger than its memory_limit (DuckDB evicts it to the
temp directory, where the model sees it), then two threads open new cursors.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from pipeline.dbt_runner import project_dir

SPILLED = """
{{ config(
    materialized='table',
    pre_hook="create or replace temp table ballast as select i, md5(cast(i as varchar)) as digest from range(3000000) as t(i)",
) }}
select (select count(*) from duckdb_temporary_files()) as temp_files, count(*) as ballast_rows
from ballast
"""

AFTER = """
{{{{ config(materialized='table') }}}}
select temp_files + {modulo} as n from {{{{ ref('spilled') }}}}
"""


def test_a_spilling_build_with_two_threads_succeeds(tmp_path: Path) -> None:
    project = tmp_path / "spill_project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: spill_check\nversion: '1.0'\nconfig-version: 2\nprofile: oneid\n"
    )
    (project / "models" / "spilled.sql").write_text(SPILLED)
    for modulo in range(2, 6):  # siblings: both threads open cursors after the spill
        (project / "models" / f"after_{modulo}.sql").write_text(AFTER.format(modulo=modulo))
    home = tmp_path / "home"
    temp = tmp_path / "spill"
    env = {
        **os.environ,
        "ONEID_HOME": str(home),
        "ONEID_DBT_TARGET": "duckdb",
        "ONEID_DUCKDB_MEMORY_LIMIT": "100MB",
        "ONEID_DUCKDB_THREADS": "1",
        "ONEID_DBT_THREADS": "2",
        "ONEID_DUCKDB_TEMP_DIR": str(temp),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [str(dbt), "build", "--project-dir", str(project), "--profiles-dir", str(project_dir())],
        cwd=project, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    statuses = {
        r["unique_id"].split(".")[-1]: r["status"]
        for r in json.loads((project / "target" / "run_results.json").read_text())["results"]
    }
    assert statuses == {name: "success" for name in ["spilled", *[f"after_{m}" for m in range(2, 6)]]}
    with duckdb.connect(str(home / "warehouse" / "oneid.duckdb"), read_only=True) as con:
        temp_files, rows = con.execute("select temp_files, ballast_rows from spilled").fetchone()
    assert rows == 3_000_000
    assert temp_files > 0, "the sort did not spill: the test no longer tests anything"
