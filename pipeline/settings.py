"""Run settings read from the environment, with defaults for a 2-core, 24 GiB machine."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from pipeline.errors import ConfigurationError
from pipeline.home import Home

_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)


@dataclass(frozen=True)
class WarehouseSettings:
    memory_limit: str
    duckdb_threads: int
    dbt_threads: int
    temp_directory: str

    @classmethod
    def from_env(cls, home: Home) -> "WarehouseSettings":
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
        )

    def dbt_env(self) -> dict[str, str]:
        """The variables profiles.yml reads."""
        return {
            "ONEID_DUCKDB_MEMORY_LIMIT": self.memory_limit,
            "ONEID_DUCKDB_THREADS": str(self.duckdb_threads),
            "ONEID_DBT_THREADS": str(self.dbt_threads),
            "ONEID_DUCKDB_TEMP_DIR": self.temp_directory,
        }

    def duckdb_config(self) -> dict[str, str]:
        return {
            "memory_limit": self.memory_limit,
            "threads": str(self.duckdb_threads),
            "temp_directory": self.temp_directory,
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
