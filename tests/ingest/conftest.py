"""Helpers for loader tests: a temporary home, deliveries written into its inbox,
and readers for what a load landed, quarantined and registered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipeline.home import Home
from pipeline.ingest.landing.night import LoadResult, land_deliveries
from pipeline.ingest.lake_layout import FILE_REGISTRY_SCHEMA, SCHEMA_FILE
from pipeline.ingest.sources import QUARANTINE_SCHEMA, get_source, lake_schema

DAY = date(2026, 11, 22)


@dataclass
class Lake:
    """A home under test, with short ways to deliver files and read results."""

    home: Home

    def deliver(self, source: str, name: str, content: bytes | str, day: date = DAY, encoding: str = "utf-8") -> Path:
        path = self.home.inbox / source / day.isoformat() / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
        return path

    def land(self, day: date = DAY, load_id: str = "L1", **options) -> LoadResult:
        return land_deliveries(self.home, day, load_id=load_id, **options)

    def landed(self, source: str) -> pl.DataFrame:
        return _read_all(self.home.raw / source, lake_schema(get_source(source)))

    def quarantined(self, source: str) -> pl.DataFrame:
        return _read_all(self.home.quarantine / source, QUARANTINE_SCHEMA)

    def registry(self) -> pl.DataFrame:
        return _read_all(self.home.file_registry, FILE_REGISTRY_SCHEMA)

    def outcome(self, result: LoadResult, name: str):
        matches = [f for f in result.files if f.file_path.endswith("/" + name)]
        assert len(matches) == 1, [f.file_path for f in result.files]
        return matches[0]


def _read_all(folder: Path, schema: pl.Schema) -> pl.DataFrame:
    files = sorted(p for p in folder.rglob("*.parquet") if p.name != SCHEMA_FILE)
    if not files:
        return pl.DataFrame(schema=schema)
    frames = [pl.read_parquet(f) for f in files]
    for frame in frames:
        assert frame.schema == schema, f"{frame.schema} != {schema}"
    return pl.concat(frames).sort(*(c for c in ("_file_path", "_file_line", "file_path") if c in schema))


def csv_text(header: Sequence[str], *rows: Sequence[str] | str, newline: str = "\n") -> str:
    lines = [",".join(header), *(r if isinstance(r, str) else ",".join(r) for r in rows)]
    return newline.join(lines) + newline


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    return Lake(Home(tmp_path / "home").ensure())
