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
    """The two files one run builds before publishing them, and the folder a
    Spark build writes its tables, metastore and scratch into (docs/spark.md)."""

    warehouse: Path
    restricted: Path
    spark_warehouse: Path

    @classmethod
    def for_run(cls, home: Home, run_id: str) -> "BuildFiles":
        return cls(
            warehouse=home.building / f"oneid-{run_id}.duckdb",
            restricted=home.building / f"restricted-{run_id}.duckdb",
            spark_warehouse=home.building / f"spark-{run_id}",
        )


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
    """Atomically replace the restricted store, then the analyst warehouse."""
    for built in (files.warehouse, files.restricted):
        if not built.is_file():
            raise StageFailed(f"nothing to publish: {built} does not exist")
        if _wal(built).exists():
            raise StageFailed(f"{built.name} still has a write-ahead log; it was not closed cleanly")
        _fsync(built)
    home.restricted_dir.mkdir(parents=True, exist_ok=True)
    files.restricted.chmod(0o600)
    os.replace(files.restricted, home.restricted)
    _fsync(home.restricted_dir)
    home.warehouse_dir.mkdir(parents=True, exist_ok=True)
    os.replace(files.warehouse, home.warehouse)
    _fsync(home.warehouse_dir)
    return home.warehouse


def discard(files: BuildFiles) -> None:
    for built in (files.warehouse, files.restricted):
        built.unlink(missing_ok=True)
        _wal(built).unlink(missing_ok=True)
    discard_spark_warehouse(files)


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
