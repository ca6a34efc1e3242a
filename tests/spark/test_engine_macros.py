"""The Spark side of macros/engine/, on a throw-away dbt project.

The parity test proves the engines agree on a home that breaks no rule; these
cases must fail or load differently on Spark unless the macros hold:

- an enforced contract's `not_null` fails the model on a null, on a table
  and on a keyed_incremental table (constraints.sql: Parquet tables take no
  NOT NULL constraint);
- a seed with an apostrophe, a backslash and an empty cell loads them as
  DuckDB's COPY does (seeds.sql), and an empty seed is a table with a
  Parquet file (publish reads the files, not Spark's catalog);
- the identifier rules (normalization, masks, comparison key) give on Spark
  what they give on DuckDB and in pipeline/identifiers.py, case for case
  (tests/identity/identifier_rule_cases.csv; Spark's own trim() would not).

One dbt build on a local Spark session, about half a minute.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.engine_projects import dbt_build, engine_project, spark_warehouse
from tests.identity.test_identifier_rules import cases_model_sql, expected_results

NULL_IN_CONTRACT = """
{{ config(materialized='table', contract={'enforced': true}) }}
select cast(1 as int) as id, cast(null as string) as label
"""

# The same on the project's own materialization, which dbt's persist_constraints never sees.
NULL_IN_KEYED_CONTRACT = """
{{ config(materialized='keyed_incremental', unique_key='id', dedup='latest', contract={'enforced': true}) }}
select cast(1 as int) as id, cast(null as string) as label
"""

MODELS_YML = """
models:
  - name: null_in_contract
    columns: &columns
      - name: id
        data_type: int
      - name: label
        data_type: string
        constraints:
          - type: not_null
  - name: null_in_keyed_contract
    columns: *columns
"""

SEEDS_YML = """
seeds:
  - name: texts
    config:
      column_types: {id: int, text: string}
  - name: nothing
    config:
      column_types: {id: int, text: string}
"""

TEXTS = 'id,text\n1,O\'Brien\n2,C:\\\\tmp\n3,\n4,"a, b"\n'


@pytest.fixture(scope="module")
def spark_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict], Path]:
    if shutil.which("java") is None:
        pytest.fail("Spark needs a Java runtime: `make setup` installs openjdk-17-jre-headless")
    root = tmp_path_factory.mktemp("spark_macros")
    project = engine_project(root, "engine_macros", "spark")
    (project / "models" / "null_in_contract.sql").write_text(NULL_IN_CONTRACT)
    (project / "models" / "null_in_keyed_contract.sql").write_text(NULL_IN_KEYED_CONTRACT)
    (project / "models" / "_models.yml").write_text(MODELS_YML)
    (project / "seeds" / "_seeds.yml").write_text(SEEDS_YML)
    (project / "seeds" / "texts.csv").write_text(TEXTS)
    (project / "seeds" / "nothing.csv").write_text("id,text\n")
    (project / "models" / "identifier_rules.sql").write_text("{{ config(materialized='table') }}\n" + cases_model_sql())
    dbt_build(project)
    results = json.loads((project / "target" / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[-1]: r for r in results}, spark_warehouse(root) / "engine_macros.db"


@pytest.mark.parametrize("model", ["null_in_contract", "null_in_keyed_contract"])
def test_a_null_breaks_an_enforced_contract(spark_build: tuple[dict[str, dict], Path], model: str) -> None:
    results, _ = spark_build
    result = results[model]
    assert result["status"] == "error"
    assert "column label is not_null but 1 row(s) are null" in result["message"]


def test_seed_text_loads_as_written(spark_build: tuple[dict[str, dict], Path]) -> None:
    results, tables = spark_build
    assert results["texts"]["status"] == "success"
    rows = duckdb.sql(f"select id, text from read_parquet('{tables}/texts/*.parquet') order by id").fetchall()
    assert rows == [(1, "O'Brien"), (2, "C:\\\\tmp"), (3, None), (4, "a, b")]


def test_an_empty_seed_has_a_file_with_its_columns(spark_build: tuple[dict[str, dict], Path]) -> None:
    results, tables = spark_build
    assert results["nothing"]["status"] == "success"
    relation = duckdb.sql(f"select * from read_parquet('{tables}/nothing/*.parquet')")
    assert relation.columns == ["id", "text"]
    assert relation.fetchall() == []


def test_the_identifier_rules_give_the_expected_results(spark_build: tuple[dict[str, dict], Path]) -> None:
    results, tables = spark_build
    assert results["identifier_rules"]["status"] == "success", results["identifier_rules"]["message"]
    found = duckdb.sql(
        f"select result from read_parquet('{tables}/identifier_rules/*.parquet') order by position"
    ).fetchall()
    expected = expected_results()
    assert [(rule, typed, result) for (rule, typed, _), (result,) in zip(expected, found)] == expected
