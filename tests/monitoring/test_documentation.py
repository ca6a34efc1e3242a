"""dbt docs: generated offline, and every model and every column it builds is described."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.home import Home

PROJECT = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).with_name("dbt"))


@pytest.fixture(scope="module")
def docs(published_home: Home, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`dbt docs generate` with every proxy pointing at a closed port: any network use would fail it."""
    work = tmp_path_factory.mktemp("docs")
    warehouse, restricted = work / "oneid.duckdb", work / "restricted.duckdb"
    shutil.copy(published_home.warehouse, warehouse)
    shutil.copy(published_home.restricted, restricted)
    offline = {proxy: "http://127.0.0.1:9" for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}
    env = {
        **os.environ,
        **offline,
        "NO_PROXY": "",
        "ONEID_HOME": str(published_home.root),
        "ONEID_WAREHOUSE_PATH": str(warehouse),
        "ONEID_RESTRICTED_PATH": str(restricted),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    target = work / "target"
    paths = ["--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT), "--target-path", str(target),
             "--log-path", str(work / "logs")]
    # parse writes manifest.json; docs generate (reusing that parse) writes the site and the catalog.
    for command in (["parse"], ["docs", "generate", "--no-compile", "--empty-catalog"]):
        result = subprocess.run(
            [DBT, *command, *paths], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return target


def test_docs_site_is_generated_offline(docs: Path) -> None:
    assert (docs / "index.html").stat().st_size > 100_000, "dbt's docs site is bundled, not downloaded"
    assert (docs / "manifest.json").is_file() and (docs / "catalog.json").is_file()


def _models(docs: Path) -> dict[str, dict]:
    manifest = json.loads((docs / "manifest.json").read_text())
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "oneid"
    }


def test_every_model_and_built_column_is_described(docs: Path, published_home: Home) -> None:
    """Columns are what the published stores really hold, so a column missing from the yml is caught too."""
    built: dict[str, list[str]] = {}
    for path in (published_home.warehouse, published_home.restricted):
        with duckdb.connect(str(path), read_only=True) as con:
            for table, column in con.execute(
                "select table_name, column_name from duckdb_columns() where schema_name = 'main' order by table_name, column_index"
            ).fetchall():
                built.setdefault(table, []).append(column)
    missing: list[str] = []
    for name, node in sorted(_models(docs).items()):
        if not node["description"].strip():
            missing.append(f"model {name}")
        documented = {c: v["description"].strip() for c, v in node["columns"].items()}
        for column in built.get(name, []):
            if not documented.get(column):
                missing.append(f"column {name}.{column}")
    assert not missing, f"{len(missing)} undocumented:\n" + "\n".join(missing)


def test_exposures_declare_report_exports_and_analyst_marts(docs: Path) -> None:
    manifest = json.loads((docs / "manifest.json").read_text())
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert {"oneid_report", "media_audience_exports", "analyst_marts"} <= set(exposures)
    for exposure in exposures.values():
        assert exposure["description"].strip() and exposure["owner"]
        assert exposure["depends_on"]["nodes"], exposure["name"]
    report_inputs = {n.split(".")[-1] for n in exposures["oneid_report"]["depends_on"]["nodes"]}
    assert {"aipl_flow", "campaign_performance", "identity_component_sizes", "ingestion_daily"} <= report_inputs


def test_every_intermediate_model_python_reads_has_an_enforced_contract(docs: Path) -> None:
    """Python reads marts or contracted models: a renamed or retyped column fails the build, not a night's export."""
    models = _models(docs)
    read = {
        name
        for path in (PROJECT / "pipeline").rglob("*.py")
        for name in re.findall(r"\bint_\w+", path.read_text(encoding="utf-8"))
        if name in models
    }
    assert len(read) >= 15, sorted(read)
    assert sorted(name for name in read if not models[name]["config"]["contract"]["enforced"]) == []
