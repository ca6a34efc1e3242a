"""Blue/green publish of the warehouse.

dbt builds a brand-new DuckDB file under warehouse/building/. Only after every
stage has passed is it checkpointed and renamed over warehouse/oneid.duckdb in
one atomic step. Analysts' open read-only connections keep the old file's
inode and see the new data when they reconnect.
"""

from __future__ import annotations

import os
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


def building_path(home: Home, run_id: str) -> Path:
    return home.building / f"oneid-{run_id}.duckdb"


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


def publish_warehouse(home: Home, building: Path) -> Path:
    """Atomically replace the published warehouse with `building`."""
    if not building.is_file():
        raise StageFailed(f"nothing to publish: {building} does not exist")
    wal = building.with_name(building.name + ".wal")
    if wal.exists():
        raise StageFailed(f"{building.name} still has a write-ahead log; it was not closed cleanly")
    _fsync(building)
    home.warehouse_dir.mkdir(parents=True, exist_ok=True)
    os.replace(building, home.warehouse)
    _fsync(home.warehouse_dir)
    return home.warehouse


def discard_building(building: Path) -> None:
    for path in (building, building.with_name(building.name + ".wal")):
        path.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
