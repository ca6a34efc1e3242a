"""Run settings read from the environment, with defaults for a 2-core, 24 GiB machine."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from pipeline.errors import ConfigurationError
from pipeline.home import Home

_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)
ENGINES = ("duckdb", "spark")


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
    def dbt_target(self) -> str:
        """The profiles.yml output: a local Spark session, or a cluster's Thrift server."""
        if self.engine == "duckdb":
            return "duckdb"
        return "spark_thrift" if os.environ.get("ONEID_SPARK_HOST") else "spark"

    def dbt_env(self) -> dict[str, str]:
        """The variables profiles.yml reads."""
        return {
            "ONEID_DUCKDB_MEMORY_LIMIT": self.memory_limit,
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
