"""pipeline/identifiers.py equals the SQL macros, on one table of cases.

Each case (identifier_rule_cases.csv: rule, id_type, typed value, expected
result, empty for none) goes through the Python function and through the
macro of the same name, compiled by dbt from this project's macros and run on
DuckDB (and on Spark: tests/spark/test_engine_macros.py). All must give the
expected result, so they give the same.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from pipeline import identifiers
from pipeline.dbt_runner import dbt_executable, project_dir

CASES = Path(__file__).with_name("identifier_rule_cases.csv")
# rule -> the macro call on the case's columns `typed` and `id_type`
MACROS = {
    "normalize_cn_mobile": "normalize_cn_mobile('typed')",
    "normalize_email": "normalize_email('typed')",
    "mask_identifier": "mask_identifier('id_type', 'typed')",
    "mask_rejected_value": "mask_rejected_value('typed')",
    "comparison_key": "comparison_key('typed')",
}


def _cases() -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _python(case: dict[str, str]) -> str | None:
    rule = getattr(identifiers, case["rule"])
    return rule(case["id_type"], case["typed"]) if case["rule"] == "mask_identifier" else rule(case["typed"])


def cases_model_sql() -> str:
    """A dbt model: every case through its macro, one row per case (position, result).
    The cases are literals in plain SQL, so the same model compiles for DuckDB and Spark."""
    rows = []
    for position, case in enumerate(_cases()):
        values = [case["rule"], case["id_type"], case["typed"]]
        if any("'" in value or "\\" in value for value in values):
            raise ValueError(f"case {position}: write it without quotes or backslashes")
        rows.append(f"select {position} as position, " + ", ".join(
            f"'{value}' as {name}" for value, name in zip(values, ("rule", "id_type", "typed"))
        ))
    branches = " ".join(f"when '{rule}' then {{{{ {call} }}}}" for rule, call in MACROS.items())
    cases = "\nunion all\n".join(rows)
    return f"with cases as (\n{cases}\n)\nselect position, case rule {branches} end as result from cases"


def expected_results() -> list[tuple[str, str, str | None]]:
    return [(c["rule"], c["typed"], c["expected"] or None) for c in _cases()]


@pytest.fixture(scope="module")
def sql_results(tmp_path_factory: pytest.TempPathFactory) -> list[str | None]:
    """Every case through its macro: one query, compiled by `dbt compile --inline`.
    (tests/spark/test_engine_macros.py runs the same model on Spark.)"""
    work = tmp_path_factory.mktemp("identifier_rules")
    inline = f"select * from ({cases_model_sql()}) as results order by position"
    env = {
        **os.environ,
        "ONEID_HOME": str(work),
        "ONEID_WAREHOUSE_PATH": str(work / "warehouse.duckdb"),
        "ONEID_RESTRICTED_PATH": str(work / "restricted.duckdb"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    project = project_dir()
    done = subprocess.run(
        [*dbt_executable(), "compile", "--inline", inline, "--output", "json", "--quiet",
         "--project-dir", str(project), "--profiles-dir", str(project),
         "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        cwd=project, env=env, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    compiled = json.loads(done.stdout)["compiled"]
    with duckdb.connect() as con:
        return [result for _, result in con.execute(compiled).fetchall()]


def test_every_rule_has_cases() -> None:
    assert {case["rule"] for case in _cases()} == set(MACROS)


@pytest.mark.parametrize("case", _cases(), ids=lambda c: f"{c['rule']}:{c['typed']!r}")
def test_python_gives_the_expected_result(case: dict[str, str]) -> None:
    assert _python(case) == (case["expected"] or None)


def test_the_macros_give_the_expected_results(sql_results: list[str | None]) -> None:
    expected = expected_results()
    assert [(rule, typed, result) for (rule, typed, _), result in zip(expected, sql_results)] == expected
