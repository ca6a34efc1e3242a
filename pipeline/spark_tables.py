"""Copy the tables a Spark build wrote into the night's two DuckDB files.

A night on Spark ends where a DuckDB night ends: an analyst warehouse and a
restricted store, each one DuckDB file that publish swaps in, so analysts,
exports, the report, `oneid profile` and the state snapshots see no
difference. Spark keeps each table as a folder of Parquet files,
`<spark warehouse>/<schema>.db/<table>/`; DuckDB reads those files itself,
never through Spark. Marts are in `<schema>`, staging and intermediate
models in `<schema>_restricted` (macros/engine/stores.sql).

Spark's timestamps are instants, written as Parquet timestamps adjusted to
UTC; the DuckDB build's are zone-less UTC timestamps (macros/timestamps.sql),
so they are converted back at UTC.
"""

from __future__ import annotations

import os
from pathlib import Path


from pipeline.errors import ConfigurationError, StageFailed
from pipeline.publish import BuildFiles
from pipeline.settings import WarehouseSettings

SCHEMA_ENV = "ONEID_SPARK_SCHEMA"


def spark_schema() -> str:
    return os.environ.get(SCHEMA_ENV) or "oneid"


def spark_warehouse(files: BuildFiles, settings: WarehouseSettings) -> Path:
    """Where the build's tables are: the run's own folder for a local session;
    for a cluster, its warehouse as this machine sees it (a mount of the
    cluster's HDFS or object store, ONEID_SPARK_WAREHOUSE)."""
    if settings.dbt_target == "spark":
        return files.spark_warehouse
    mounted = os.environ.get("ONEID_SPARK_WAREHOUSE")
    if not mounted:
        raise ConfigurationError(
            "ONEID_SPARK_HOST is set but ONEID_SPARK_WAREHOUSE is not: publish reads the tables "
            "the cluster built from its warehouse folder, mounted on this machine (docs/spark.md)"
        )
    return Path(mounted)


def copy_spark_tables(files: BuildFiles, settings: WarehouseSettings) -> None:
    """Write every table of the Spark build into the DuckDB build files."""
    folder = spark_warehouse(files, settings)
    schema = spark_schema()
    copy_schema(folder / f"{schema}.db", files.warehouse, settings)
    copy_schema(folder / f"{schema}_restricted.db", files.restricted, settings)


def keep_restricted_tables(files: BuildFiles, settings: WarehouseSettings) -> None:
    """A local session's restricted tables, for the next night to extend
    (docs/incremental.md): publish moves them next to the restricted store.
    A cluster keeps its tables in its own warehouse; its nights are full."""
    if settings.dbt_target != "spark":
        return
    os.replace(spark_warehouse(files, settings) / f"{spark_schema()}_restricted.db", files.spark_tables)


def _table_folders(schema_folder: Path) -> list[Path]:
    if not schema_folder.is_dir():
        raise StageFailed(f"the Spark build wrote no {schema_folder.name} under {schema_folder.parent}")
    return sorted(p for p in schema_folder.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def _parts(table_folder: Path) -> list[str]:
    # Spark's own markers (_SUCCESS, .crc) start with `_` or `.`.
    return sorted(
        str(p) for p in table_folder.rglob("*.parquet") if not p.name.startswith(("_", "."))
    )


def copy_schema(schema_folder: Path, database: Path, settings: WarehouseSettings) -> None:
    """Every table of one Spark schema folder into `main` of a DuckDB file."""
    database.parent.mkdir(parents=True, exist_ok=True)
    with settings.connect(database) as con:
        con.execute("set TimeZone = 'UTC'")
        for folder in _table_folders(schema_folder):
            parts = _parts(folder)
            if not parts:
                raise StageFailed(f"Spark table {schema_folder.name}/{folder.name} has no Parquet file")
            columns = con.execute("describe select * from read_parquet(?)", [parts]).fetchall()
            selected = ", ".join(_as_duckdb(name, kind) for name, kind, *_ in columns)
            con.execute(
                f'create table main."{folder.name}" as select {selected} from read_parquet(?)', [parts]
            )
        con.execute("checkpoint")


def _as_duckdb(name: str, kind: str) -> str:
    quoted = '"' + name.replace('"', '""') + '"'
    if kind == "TIMESTAMP WITH TIME ZONE":
        return f"cast({quoted} as timestamp) as {quoted}"
    return quoted
