"""The keyed_incremental merge on both engines (macros/engine/keyed_incremental.sql).

A throw-away dbt project builds three models on a first night and merges a
second night's slice into them. The second load holds a later delivery of
one key, a late-arriving older delivery of another, a new key and a key that
is null; `latest` and `first` must keep the side the contract's rule
picks, and `replace` must drop a key its slice marks with a tombstone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.engine_projects import dbt_build, engine_project, spark_warehouse

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


def two_nights(engine: str, root: Path) -> dict[str, dict]:
    project = engine_project(root, "keyed", engine)
    (project / "seeds" / "deliveries.csv").write_text(DELIVERIES)
    (project / "seeds" / "_seeds.yml").write_text(SEEDS_YML)
    (project / "models" / "latest_wins.sql").write_text(KEYED.format(dedup="latest"))
    (project / "models" / "first_wins.sql").write_text(KEYED.format(dedup="first"))
    (project / "models" / "replaced.sql").write_text(REPLACED)
    for night in [{"night": 1}, {"night": 2, "incremental_loads": ["L2"]}]:
        done = dbt_build(project, night)
        assert done.returncode == 0, done.stdout[-3000:]
    results: dict[str, dict] = {}
    for model in EXPECTED:
        if engine == "duckdb":
            rows = duckdb.connect(str(root / "project.duckdb"), read_only=True).execute(
                f"select k, v from project.keyed.{model}"
            ).fetchall()
        else:
            files = spark_warehouse(root) / "keyed.db" / model / "*.parquet"
            rows = duckdb.sql(f"select k, v from read_parquet('{files}')").fetchall()
        results[model] = dict(rows)
        assert len(rows) == len(results[model]), f"{model}: a key is doubled: {rows}"
    return results


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_a_second_night_merges_by_the_contracts_rule(engine: str, tmp_path: Path) -> None:
    if engine == "spark" and shutil.which("java") is None:
        pytest.fail("Spark needs a Java runtime: `make setup` installs openjdk-17-jre-headless")
    assert two_nights(engine, tmp_path) == EXPECTED
