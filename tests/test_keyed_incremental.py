"""The keyed_incremental merge on both engines (macros/engine/keyed_incremental.sql).

A throw-away dbt project builds three models on a first night and merges a
second night's slice into them. The second load holds a later delivery of
one key, a late-arriving older delivery of another, a new key and a key that
is null; `latest` and `first` must keep the side the contract's rule
picks, and `replace` must drop a key its slice marks with a tombstone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.dbt_runner import project_dir

DELIVERIES = """k,v,_load_id,_delivery_date,_loaded_at,_file_path,_file_line
a,a1,L1,2026-11-01,2026-11-01 01:00:00,f1,1
b,b1,L1,2026-11-03,2026-11-03 01:00:00,f1,2
d,d1,L1,2026-11-01,2026-11-01 01:00:00,f1,3
,n1,L1,2026-11-01,2026-11-01 01:00:00,f1,4
a,a2,L2,2026-11-02,2026-11-04 01:00:00,f2,1
b,b2,L2,2026-11-02,2026-11-04 01:00:00,f2,2
c,c2,L2,2026-11-02,2026-11-04 01:00:00,f2,3
,n2,L2,2026-11-02,2026-11-04 01:00:00,f2,4
"""

SEEDS_YML = """
seeds:
  - name: deliveries
    config:
      column_types: {k: string, v: string, _load_id: string, _delivery_date: date,
                     _loaded_at: timestamp, _file_path: string, _file_line: bigint}
"""

KEYED = """
{{{{ config(materialized='keyed_incremental', unique_key=['k'], dedup='{dedup}') }}}}
select * from {{{{ ref('deliveries') }}}}
where _load_id in ({{{{ "'L1'" if var('night') == 1 else "'L1', 'L2'" }}}})
{{{{ tonight_loads_only() }}}}
"""

REPLACED = """
{{ config(materialized='keyed_incremental', unique_key=['k'], dedup='replace') }}
{% if is_incremental() %}
select 'a' as k, 'a2' as v, false as _is_tombstone
union all
select 'd' as k, cast(null as string) as v, true as _is_tombstone
{% else %}
select 'a' as k, 'a1' as v
union all select 'd' as k, 'd1' as v
union all select 'e' as k, 'e1' as v
{% endif %}
"""

EXPECTED = {
    "latest_wins": {"a": "a2", "b": "b1", "c": "c2", "d": "d1", None: "n2"},
    "first_wins": {"a": "a1", "b": "b2", "c": "c2", "d": "d1", None: "n1"},
    "replaced": {"a": "a2", "e": "e1"},
}


def profile(engine: str, root: Path) -> str:
    if engine == "duckdb":
        return (
            "keyed:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
            f"      path: '{root / 'keyed.duckdb'}'\n      schema: keyed\n      threads: 2\n"
        )
    warehouse = root / "spark"
    return (
        "keyed:\n  target: dev\n  outputs:\n    dev:\n      type: spark\n      method: session\n"
        "      host: local\n      schema: keyed\n      threads: 1\n      server_side_parameters:\n"
        "        spark.master: 'local[2]'\n        spark.driver.memory: '1g'\n"
        f"        spark.sql.warehouse.dir: '{warehouse}'\n"
        f"        spark.driver.extraJavaOptions: '-Dderby.system.home={warehouse}'\n"
        "        spark.ui.enabled: 'false'\n"
    )


def two_nights(engine: str, root: Path) -> dict[str, dict]:
    project = root / "project"
    (project / "models").mkdir(parents=True)
    (project / "seeds").mkdir()
    (project / "macros").symlink_to(project_dir() / "macros" / "engine", target_is_directory=True)
    (project / "dbt_project.yml").write_text(
        "name: keyed\nversion: '1.0'\nconfig-version: 2\nprofile: keyed\n"
        "models:\n  +file_format: parquet\nseeds:\n  +file_format: parquet\n"
    )
    (project / "profiles.yml").write_text(profile(engine, root))
    (project / "seeds" / "deliveries.csv").write_text(DELIVERIES)
    (project / "seeds" / "_seeds.yml").write_text(SEEDS_YML)
    (project / "models" / "latest_wins.sql").write_text(KEYED.format(dedup="latest"))
    (project / "models" / "first_wins.sql").write_text(KEYED.format(dedup="first"))
    (project / "models" / "replaced.sql").write_text(REPLACED)
    dbt = str(Path(sys.executable).with_name("dbt"))
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    nights = [{"night": 1}, {"night": 2, "incremental_loads": ["L2"]}]
    results: dict[str, dict] = {}
    for night in nights:
        done = subprocess.run(
            [dbt, "build", "--project-dir", str(project), "--profiles-dir", str(project),
             "--vars", json.dumps(night)],
            cwd=project, env=env, capture_output=True, text=True,
        )
        assert done.returncode == 0, done.stdout[-3000:]
    for model in EXPECTED:
        if engine == "duckdb":
            rows = duckdb.connect(str(root / "keyed.duckdb"), read_only=True).execute(
                f"select k, v from keyed.keyed.{model}"
            ).fetchall()
        else:
            rows = duckdb.sql(f"select k, v from read_parquet('{root}/spark/keyed.db/{model}/*.parquet')").fetchall()
        results[model] = dict(rows)
        assert len(rows) == len(results[model]), f"{model}: a key is doubled: {rows}"
    return results


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_a_second_night_merges_by_the_contracts_rule(engine: str, tmp_path: Path) -> None:
    if engine == "spark" and shutil.which("java") is None:
        pytest.fail("Spark needs a Java runtime: `make setup` installs openjdk-17-jre-headless")
    assert two_nights(engine, tmp_path) == EXPECTED
