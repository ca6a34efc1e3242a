"""Run settings read from the environment, with defaults for a 2-core, 24 GiB machine."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.errors import ConfigurationError
from pipeline.home import Home

_MEMORY = re.compile(r"^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
ENGINES = ("duckdb", "spark")
# ONEID_DUCKDB_MEMORY_LIMIT is the night's whole budget; DuckDB's own
# memory_limit is this share of it. DuckDB's resident memory runs past its
# limit (allocations it does not count, its allocator's caches: 1.12x at
# 1M persons, docs/benchmarks.md), and dbt's process and this one live
# beside it.
DUCKDB_SHARE = 0.8


@dataclass(frozen=True)
class WarehouseSettings:
    memory_limit: str
    duckdb_threads: int
    dbt_threads: int
    temp_directory: str
    # Which engine dbt builds on (docs/spark.md); the published files are
    # DuckDB files either way.
    engine: str = "duckdb"

    @classmethod
    def from_env(cls, home: Home, engine: str | None = None) -> "WarehouseSettings":
        chosen = (engine or os.environ.get("ONEID_ENGINE") or "duckdb").strip().lower()
        if chosen not in ENGINES:
            raise ConfigurationError(f"engine {chosen!r} is not one of {', '.join(ENGINES)}")
        memory_limit = os.environ.get("ONEID_DUCKDB_MEMORY_LIMIT", "12GB")
        if not _MEMORY.match(memory_limit.strip()):
            raise ConfigurationError(
                f"ONEID_DUCKDB_MEMORY_LIMIT={memory_limit!r} is not a size such as 12GB or 800MB"
            )
        return cls(
            memory_limit=memory_limit.strip(),
            duckdb_threads=_positive_int("ONEID_DUCKDB_THREADS", 2),
            dbt_threads=_positive_int("ONEID_DBT_THREADS", 2),
            temp_directory=os.environ.get("ONEID_DUCKDB_TEMP_DIR", str(home.tmp / "duckdb")),
            engine=chosen,
        )

    @property
    def duckdb_memory_limit(self) -> str:
        """DuckDB's memory_limit: its share of the night's budget, in MB."""
        number, unit = _MEMORY.match(self.memory_limit).groups()  # type: ignore[union-attr]
        return f"{int(float(number) * _UNITS[unit.lower()] * DUCKDB_SHARE) // 10**6}MB"

    def connect(self, database: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection held to DuckDB's share of the budget, its threads and spill folder.

        A connection's own default is 80% of the machine's memory: at 5M
        persons, exporting the state alone took 14 GiB without a limit.
        """
        con = duckdb.connect(str(database), read_only=read_only)
        con.execute(f"set memory_limit = '{self.duckdb_memory_limit}'")
        con.execute(f"set threads = {self.duckdb_threads}")
        Path(self.temp_directory).mkdir(parents=True, exist_ok=True)
        con.execute("set temp_directory = ?", [self.temp_directory])
        return con

    @property
    def dbt_target(self) -> str:
        """The profiles.yml output: a local Spark session, or a cluster's Thrift server."""
        if self.engine == "duckdb":
            return "duckdb"
        return "spark_thrift" if os.environ.get("ONEID_SPARK_HOST") else "spark"

    def dbt_env(self) -> dict[str, str]:
        """The variables profiles.yml reads."""
        return {
            "ONEID_DUCKDB_MEMORY_LIMIT": self.duckdb_memory_limit,
            "ONEID_DUCKDB_THREADS": str(self.duckdb_threads),
            "ONEID_DBT_THREADS": str(self.dbt_threads),
            "ONEID_DUCKDB_TEMP_DIR": self.temp_directory,
            "ONEID_DBT_TARGET": self.dbt_target,
        }


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number") from None
    if value < 1:
        raise ConfigurationError(f"{name}={raw!r} must be at least 1")
    return value
