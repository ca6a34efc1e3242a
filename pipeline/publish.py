"""Blue/green publish of the warehouse and the restricted store.

dbt builds two brand-new DuckDB files under warehouse/building/: the analyst
warehouse and the restricted store of raw identifiers. Only after every stage
has passed are they renamed into place, each in one atomic step (the
restricted store first, so the marts never point at identifiers that are not
there yet). Analysts' open read-only connections keep the old file's inode and
see the new data when they reconnect.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipeline.errors import StageFailed
from pipeline.home import Home

RUN_HISTORY_SCHEMA = pl.Schema(
    {
        "run_id": pl.String(),
        "command": pl.String(),
        "business_date": pl.String(),
        "status": pl.String(),
        "started_at": pl.String(),
        "ended_at": pl.String(),
        "seconds": pl.Float64(),
        "stages_json": pl.String(),
        "error_message": pl.String(),
    }
)


@dataclass(frozen=True)
class BuildFiles:
    """The two files one run builds before publishing them, the folder a
    Spark build writes its tables, metastore and scratch into (docs/spark.md),
    and where a local Spark build's restricted tables wait for publish and
    then stay for the next night to extend (docs/incremental.md)."""

    warehouse: Path
    restricted: Path
    profile_store: Path
    spark_warehouse: Path
    spark_tables: Path
    published_spark_tables: Path

    @classmethod
    def for_run(cls, home: Home, run_id: str) -> "BuildFiles":
        return cls(
            warehouse=home.building / f"oneid-{run_id}.duckdb",
            restricted=home.building / f"restricted-{run_id}.duckdb",
            profile_store=home.building / f"profiles-{run_id}.sqlite",
            spark_warehouse=home.building / f"spark-{run_id}",
            spark_tables=home.building / f"{SPARK_TABLES_PREFIX}{run_id}",
            published_spark_tables=home.restricted_dir / f"{SPARK_TABLES_PREFIX}{run_id}",
        )


SPARK_TABLES_PREFIX = "spark-tables-"


def write_run_history(database: Path, rows: list[dict[str, Any]]) -> None:
    history = pl.DataFrame(rows, schema=RUN_HISTORY_SCHEMA)  # noqa: F841 (read by DuckDB below)
    with duckdb.connect(str(database)) as con:
        con.execute(
            """
            create or replace table main.run_history as
            select
                run_id,
                command,
                cast(business_date as date) as business_date,
                status,
                cast(started_at as timestamptz) as started_at,
                cast(ended_at as timestamptz) as ended_at,
                seconds,
                stages_json,
                error_message
            from history
            order by started_at, run_id
            """
        )
        con.execute("checkpoint")


def publish(home: Home, files: BuildFiles) -> Path:
    """Atomically replace the restricted store, the profile store, then the analyst warehouse.

    A local Spark build's tables move next to the restricted store first:
    its build manifest names them (by run id), so a store that names tables
    which are not there never exists. Earlier nights' tables go last.
    """
    for built in (files.warehouse, files.restricted, files.profile_store):
        if not built.is_file():
            raise StageFailed(f"nothing to publish: {built} does not exist")
        if _wal(built).exists():
            raise StageFailed(f"{built.name} still has a write-ahead log; it was not closed cleanly")
        _fsync(built)
    home.restricted_dir.mkdir(parents=True, exist_ok=True)
    if files.spark_tables.is_dir():
        os.replace(files.spark_tables, files.published_spark_tables)
    files.restricted.chmod(0o600)
    os.replace(files.restricted, home.restricted)
    _fsync(home.restricted_dir)
    home.warehouse_dir.mkdir(parents=True, exist_ok=True)
    # The API opens a new night when the warehouse changes, and checks that the profile
    # store names the warehouse's last run (pipeline/serve/published.py).
    os.replace(files.profile_store, home.profile_store)
    os.replace(files.warehouse, home.warehouse)
    _fsync(home.warehouse_dir)
    for earlier in home.restricted_dir.glob(f"{SPARK_TABLES_PREFIX}*"):
        if earlier != files.published_spark_tables:
            shutil.rmtree(earlier, ignore_errors=True)
    return home.warehouse


def discard(files: BuildFiles) -> None:
    for built in (files.warehouse, files.restricted, files.profile_store):
        built.unlink(missing_ok=True)
        _wal(built).unlink(missing_ok=True)
    discard_spark_warehouse(files)
    # A publish cut short after moving the Spark tables: the store does not name them.
    for tables in (files.spark_tables, files.published_spark_tables):
        shutil.rmtree(tables, ignore_errors=True)


def discard_spark_warehouse(files: BuildFiles) -> None:
    """A Spark build's own folder: raw identifiers too, so it never outlives the night."""
    shutil.rmtree(files.spark_warehouse, ignore_errors=True)


def _wal(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
