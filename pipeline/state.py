"""State carried from night to night, kept outside the warehouse.

Each state table is a model of the restricted store that a successful night
exports, at publish, as one Parquet snapshot per business date:

    <home>/state/<table>/business_date=YYYY-MM-DD.parquet

The night for date D reads the newest snapshot dated before D, so a rerun or a
backfill of D sees exactly what D saw the first time, and a lost warehouse is
rebuilt with the same OneIDs. Identifiers appear here only as keyed hashes
(int_identifiers.identifier_hash: the hash key must stay the same from night to night).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pipeline.home import Home
from pipeline.ingest.lake_layout import SCHEMA_FILE
from pipeline.settings import WarehouseSettings


@dataclass(frozen=True)
class StateTable:
    name: str  # folder under <home>/state and dbt source table name
    model: str  # the model that holds tonight's version
    schema: pl.Schema
    in_warehouse: bool = False  # a mart of the analyst warehouse, else a model of the restricted store


STATE_TABLES: tuple[StateTable, ...] = (
    StateTable(
        name="oneid_assignments",
        model="int_oneid_assignments",
        schema=pl.Schema(
            {
                "identifier_hash": pl.String(),
                "oneid": pl.String(),
                "oneid_created_on": pl.Date(),
                "business_date": pl.Date(),
            }
        ),
    ),
    StateTable(
        name="oneid_changes",
        model="int_oneid_changes",
        schema=pl.Schema(
            {
                "oneid_change_id": pl.String(),
                "changed_on": pl.Date(),
                "old_oneid": pl.String(),
                "new_oneid": pl.String(),
                "change_kind": pl.String(),
                "cause": pl.String(),
                "identifiers_moved": pl.Int64(),
                "business_date": pl.Date(),
            }
        ),
    ),
    StateTable(
        name="aipl_stage_runs",
        model="int_engagement__aipl_stage_runs",
        schema=pl.Schema(
            {
                "oneid": pl.String(),
                "brand": pl.String(),
                "aipl_stage": pl.String(),
                "valid_from": pl.Date(),
                "valid_to": pl.Date(),
                "anchor_identifier_hash": pl.String(),
                "business_date": pl.Date(),
            }
        ),
    ),
    StateTable(
        name="campaign_assignments",
        model="campaign_assignments",
        in_warehouse=True,
        schema=pl.Schema(
            {
                "campaign_id": pl.String(),
                "oneid": pl.String(),
                "assignment_group": pl.String(),
                "assigned_on": pl.Date(),
                "anchor_identifier_hash": pl.String(),
                "business_date": pl.Date(),
            }
        ),
    ),
)

RETAINED_SNAPSHOTS = 60


def snapshot_path(home: Home, table: StateTable, business_date: date) -> Path:
    return home.state / table.name / f"business_date={business_date.isoformat()}.parquet"


def write_state_schema_files(home: Home) -> None:
    """Zero-row files keep the state sources readable before the first night."""
    for table in STATE_TABLES:
        anchor = home.state / table.name / SCHEMA_FILE
        if not anchor.exists():
            anchor.parent.mkdir(parents=True, exist_ok=True)
            pl.DataFrame(schema=table.schema).write_parquet(anchor)


def stage_state_snapshots(
    home: Home,
    restricted: Path,
    business_date: date,
    settings: WarehouseSettings | None = None,
    warehouse: Path | None = None,
) -> list[tuple[Path, Path]]:
    """Export tonight's state next to its final place; return (staged, final) pairs to promote.
    Without `warehouse`, only the restricted store's state."""
    staged: list[tuple[Path, Path]] = []
    settings = settings or WarehouseSettings.from_env(home)
    with settings.connect(restricted, read_only=True) as con:
        if warehouse is not None:
            con.execute(f"attach '{warehouse}' as warehouse (read_only)")
        present = {
            (catalog == "warehouse", name)
            for catalog, name in con.execute(
                "select table_catalog, table_name from information_schema.tables"
            ).fetchall()
        }
        for table in STATE_TABLES:
            if (table.in_warehouse, table.model) not in present:
                continue  # a build of part of the project
            final = snapshot_path(home, table, business_date)
            final.parent.mkdir(parents=True, exist_ok=True)
            scratch = final.with_name(final.name + ".staged")
            columns = ", ".join(f'"{c}"' for c in table.schema)
            con.execute(
                f"copy (select {columns} from {'warehouse.' if table.in_warehouse else ''}main.\"{table.model}\" order by all) "
                f"to '{scratch}' (format parquet, compression zstd)"
            )
            staged.append((scratch, final))
    return staged


def promote(staged: list[tuple[Path, Path]]) -> None:
    for scratch, final in staged:
        os.replace(scratch, final)


def discard_staged(staged: list[tuple[Path, Path]]) -> None:
    for scratch, _ in staged:
        scratch.unlink(missing_ok=True)


def prune(home: Home, keep: int = RETAINED_SNAPSHOTS) -> None:
    """Keep the newest `keep` snapshots of each table (reruns older than that rebuild from scratch)."""
    for table in STATE_TABLES:
        snapshots = sorted((home.state / table.name).glob("business_date=*.parquet"))
        for old in snapshots[:-keep]:
            old.unlink()
