"""Whether tonight's build extends the published restricted store or rebuilds everything.

An incremental night starts from a copy of the published restricted store
(the published file is only read: blue/green) and hands dbt the ids of the
loads that store does not hold yet; `keyed_incremental` models
(macros/engine/keyed_incremental.sql) then read only those loads and merge
them by key. The store remembers what it holds in
`build_manifest`: every load with a hash of its registry file, the business
date, the engine and a fingerprint of the dbt project. Anything that would
make extending it differ from rebuilding it forces a full build, with the
reason in the run record.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipeline.home import Home
from pipeline.ingest.lake_layout import SCHEMA_FILE
from pipeline.publish import BuildFiles
from pipeline.state import STATE_TABLES, StateTable

MANIFEST_TABLE = "build_manifest"
# What a build's result depends on besides the lake: a change to any of these
# files (a model, a macro, a seed, a var) makes the stored tables stale.
PROJECT_INPUTS = ("dbt_project.yml", "models", "macros", "seeds", "tests/dbt")


@dataclass(frozen=True)
class BuildPlan:
    incremental: bool
    reason: str
    loads: dict[str, str]  # every load the new store holds -> hash of its registry file
    new_loads: tuple[str, ...]  # the loads dbt reads tonight (all of them on a full build)
    fingerprint: str
    extends: date | None = None  # the business date of the store an incremental night extends
    spark_tables: Path | None = None  # the published Spark tables a local Spark night extends

    def dbt_vars(self) -> dict[str, Any]:
        if not self.incremental:
            return {}
        # `extended_business_date`: facts dated after it and up to tonight count
        # tonight for the first time, though they may have arrived earlier.
        extended = {"incremental_loads": list(self.new_loads), "extended_business_date": str(self.extends)}
        if self.spark_tables is not None:
            extended["extended_spark_tables"] = str(self.spark_tables)
        return extended

    def dbt_flags(self) -> list[str]:
        # Unit tests check the project's code, not the night's data: `make test` runs them
        # (tests/test_dbt_unit_tests.py), a night does not (dbt's advice for production).
        return [*([] if self.incremental else ["--full-refresh"]), "--exclude-resource-type", "unit_test"]

    def to_record(self) -> dict[str, Any]:
        return {
            "mode": "incremental" if self.incremental else "full",
            "reason": self.reason,
            "loads": len(self.loads),
            "new_loads": list(self.new_loads),
        }


def project_fingerprint(project: Path) -> str:
    digest = hashlib.sha256()
    for name in PROJECT_INPUTS:
        root = project / name
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if not path.is_file():
                continue
            digest.update(path.relative_to(project).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def lake_loads(home: Home, business_date: date) -> dict[str, str]:
    """Loads landed for dates up to the business date -> hash of their registry file.

    A forced reload rewrites the registry files of the loads it replaces
    (and drops their rows from the lake), so the hash also says whether a
    load still holds what a stored table was built from.
    """
    loads: dict[str, str] = {}
    for path in sorted(home.file_registry.glob("*.parquet")):
        if path.name == SCHEMA_FILE:
            continue
        load_dates = pl.read_parquet(path, columns=["load_date"])["load_date"]
        if load_dates.len() and load_dates.min() <= business_date:
            loads[path.stem] = hashlib.sha256(path.read_bytes()).hexdigest()
    return loads


@dataclass(frozen=True)
class Manifest:
    business_date: date
    engine: str
    fingerprint: str
    run_id: str
    loads: dict[str, str]


def read_manifest(restricted: Path) -> Manifest | None:
    if not restricted.is_file():
        return None
    with duckdb.connect(str(restricted), read_only=True) as con:
        try:
            rows = con.execute(
                "select business_date, engine, project_fingerprint, run_id, load_id, registry_sha256 "
                f"from main.{MANIFEST_TABLE}"
            ).fetchall()
        except (duckdb.CatalogException, duckdb.BinderException):  # none, or an older layout
            return None
    if not rows:
        return None
    business_date, engine, fingerprint, run_id = rows[0][:4]
    return Manifest(business_date, engine, fingerprint, run_id, {r[4]: r[5] for r in rows})


def plan_build(
    home: Home,
    business_date: date,
    engine: str,
    project: Path,
    *,
    full_refresh: bool = False,
    spark_cluster: bool = False,
) -> BuildPlan:
    loads = lake_loads(home, business_date)
    fingerprint = project_fingerprint(project)

    def full(reason: str) -> BuildPlan:
        return BuildPlan(False, reason, loads, tuple(sorted(loads)), fingerprint)

    if full_refresh:
        return full("--full-refresh")
    if spark_cluster:
        return full("a Spark cluster's build keeps no tables between nights")
    published = read_manifest(home.restricted)
    if published is None:
        return full("no published restricted store with a build manifest")
    if published.business_date >= business_date:
        return full(f"the published store is of {published.business_date}, not before {business_date}")
    if published.engine != engine:
        return full(f"the published store was built on {published.engine}")
    if published.fingerprint != fingerprint:
        return full("the dbt project changed since the published build")
    stale = [t.name for t in STATE_TABLES if newest_snapshot(home, t, business_date) != published.business_date]
    if stale:
        return full(f"the newest {stale[0]} snapshot before {business_date} is not of the published night")
    changed = sorted(load for load, sha in published.loads.items() if loads.get(load) != sha)
    if changed:
        return full(f"{len(changed)} published load(s) were rolled back or reloaded, first {changed[0]}")
    spark_tables = None
    if engine == "spark":
        spark_tables = BuildFiles.for_run(home, published.run_id).published_spark_tables
        if not spark_tables.is_dir():
            return full(f"the tables of the published Spark night ({spark_tables.name}) are gone")
    new_loads = tuple(sorted(set(loads) - set(published.loads)))
    return BuildPlan(
        True,
        f"extends the store of {published.business_date}",
        loads,
        new_loads,
        fingerprint,
        published.business_date,
        spark_tables,
    )


def newest_snapshot(home: Home, table: StateTable, business_date: date) -> date | None:
    """The night whose state tonight's build reads (the stg_state__ models' rule)."""
    prefix = "business_date="
    dates = [date.fromisoformat(p.stem[len(prefix):]) for p in (home.state / table.name).glob(f"{prefix}*.parquet")]
    return max((d for d in dates if d < business_date), default=None)


def start_from_published(home: Home, building_restricted: Path) -> None:
    """The store tonight extends: a byte copy, so the published file is only read.

    A copy of the whole file, free blocks included: at 1M persons, copying
    only the tables a night extends through DuckDB took minutes and 15 GiB,
    against seconds for the bytes; the store grew once (13.5 to 19.1 GB, as
    replaced tables left free blocks that later nights reuse) and then held
    (19.3 GB). Raw identifiers: the copy is readable by the pipeline's user
    only, as the published store is; a copy cut short by a kill is the run's
    own building file, which undo and the next run's recovery delete.
    """
    descriptor = os.open(building_restricted, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(home.restricted, "rb") as source, os.fdopen(descriptor, "wb") as copy:
        shutil.copyfileobj(source, copy, length=16 << 20)


def write_manifest(restricted: Path, plan: BuildPlan, business_date: date, engine: str, run_id: str) -> None:
    manifest = pl.DataFrame(  # noqa: F841 (read by DuckDB below)
        {"load_id": list(plan.loads), "registry_sha256": list(plan.loads.values())},
        schema={"load_id": pl.String(), "registry_sha256": pl.String()},
    )
    with duckdb.connect(str(restricted)) as con:
        con.execute(
            f"""
            create or replace table main.{MANIFEST_TABLE} as
            select
                cast(? as date) as business_date,
                cast(? as varchar) as engine,
                cast(? as varchar) as project_fingerprint,
                cast(? as varchar) as run_id,
                load_id,
                registry_sha256
            from manifest
            order by load_id
            """,
            [business_date.isoformat(), engine, plan.fingerprint, run_id],
        )
        con.execute("checkpoint")
