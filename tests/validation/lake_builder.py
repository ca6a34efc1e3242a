"""Small landed loads written straight from the contract (no loader code):
landed Parquet with exactly lake_schema(source), quarantine files and the
load's file registry, as pipeline/ingest/lake_layout.py lays them out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

import polars as pl

from pipeline.home import Home
from pipeline.ingest.lake_layout import FILE_REGISTRY_SCHEMA, landed_file_name, partition_dir
from pipeline.ingest.sources import QUARANTINE_SCHEMA, Kind, Source, get_source, lake_schema

LOAD_ID = "20260111T010203Z-abc123"
LOAD_DATE = date(2026, 1, 10)


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _value(source: Source, name: str, kind: Kind, values: tuple[str, ...] | None, row: int) -> Any:
    if values:
        return values[row % len(values)]
    if name == "appid":
        return "wx" + hashlib.md5(b"app").hexdigest()[:16]
    if source.name == "ad_backflow" and name == "id_value":
        id_type = source.column("id_type").values[row % len(source.column("id_type").values)]
        digest = hashlib.sha256 if id_type.endswith("sha256") else hashlib.md5
        return digest(f"device-{row}".encode()).hexdigest()
    return {
        Kind.TEXT: f"{name}-{row}",
        Kind.DIGITS: str(2026011100000000 + row),
        Kind.INT: 1 + row % 3,
        Kind.AMOUNT: Decimal("10.50"),
        Kind.TIMESTAMP: datetime.combine(LOAD_DATE, time(12), tzinfo=timezone.utc) - timedelta(hours=row % 5),
        Kind.DATE: date(1990, 1, 1),
        Kind.FLAG: True,
        Kind.HEX_DIGEST: hashlib.md5(f"{row}".encode()).hexdigest(),
        Kind.JSON: "{}",
    }[kind]


@dataclass
class DeliveredFile:
    """One delivered file of a load and what the loader did with it."""

    source: str
    rows: int
    name: str = "export.csv"
    quarantined: int = 0
    overrides: dict[str, list[Any]] = field(default_factory=dict)  # column -> values of the first rows
    status: str = "loaded"

    @property
    def file_path(self) -> str:
        return f"{self.source}/{(LOAD_DATE - timedelta(days=1)).isoformat()}/{self.name}"

    @property
    def sha256(self) -> str:
        return sha256_of(self.file_path)

    def landed(self) -> pl.DataFrame:
        source = get_source(self.source)
        data: dict[str, list[Any]] = {}
        for column in source.columns:
            data[column.name] = [
                _value(source, column.name, column.kind, column.values, row) if column.required else None
                for row in range(self.rows)
            ]
        for name, values in self.overrides.items():
            data[name][: len(values)] = values
        loaded_at = datetime.combine(LOAD_DATE + timedelta(days=1), time(1), tzinfo=timezone.utc)
        data.update(
            _file_path=[self.file_path] * self.rows,
            _file_line=[row + 2 for row in range(self.rows)],
            _file_sha256=[self.sha256] * self.rows,
            _load_id=[LOAD_ID] * self.rows,
            _delivery_date=[LOAD_DATE - timedelta(days=1)] * self.rows,
            _load_date=[LOAD_DATE] * self.rows,
            _loaded_at=[loaded_at] * self.rows,
        )
        return pl.DataFrame(data, schema=lake_schema(source))

    def quarantine(self) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "source": [self.source] * self.quarantined,
                "reason_code": ["missing_required"] * self.quarantined,
                "reason_detail": ["a required field is empty"] * self.quarantined,
                "raw_text": ["broken line"] * self.quarantined,
                "_file_path": [self.file_path] * self.quarantined,
                "_file_line": [self.rows + 2 + q for q in range(self.quarantined)],
                "_file_sha256": [self.sha256] * self.quarantined,
                "_load_id": [LOAD_ID] * self.quarantined,
                "_delivery_date": [LOAD_DATE - timedelta(days=1)] * self.quarantined,
                "_load_date": [LOAD_DATE] * self.quarantined,
                "_loaded_at": [datetime(2026, 1, 11, 1, tzinfo=timezone.utc)] * self.quarantined,
            },
            schema=QUARANTINE_SCHEMA,
        )

    def registry_row(self) -> dict[str, Any]:
        return {
            "file_path": self.file_path,
            "source": self.source,
            "delivery_date": LOAD_DATE - timedelta(days=1),
            "file_sha256": self.sha256,
            "file_bytes": 1000,
            "encoding": "utf-8",
            "status": self.status,
            "rejection_code": None,
            "message": None,
            "rows_read": self.rows + self.quarantined,
            "rows_landed": self.rows,
            "rows_quarantined": self.quarantined,
            "extra_columns": None,
            "duplicate_of": None,
            "load_id": LOAD_ID,
            "load_date": LOAD_DATE,
            "loaded_at": datetime(2026, 1, 11, 1, tzinfo=timezone.utc),
        }


def landed_path(home: Home, delivered: DeliveredFile, *, area: str = "raw") -> Path:
    root = home.raw if area == "raw" else home.quarantine
    return partition_dir(root, delivered.source, LOAD_DATE) / landed_file_name(LOAD_ID, delivered.sha256)


def write_frame(home: Home, delivered: DeliveredFile, frame: pl.DataFrame, *, area: str = "raw") -> Path:
    path = landed_path(home, delivered, area=area)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path)
    return path


def write_registry(home: Home, rows: list[dict[str, Any]]) -> Path:
    path = home.file_registry / f"{LOAD_ID}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(rows, schema=FILE_REGISTRY_SCHEMA).write_parquet(path)
    return path


def write_load(home: Home, files: list[DeliveredFile]) -> None:
    """Land `files` as a correct loader would: lake, quarantine and registry agree."""
    for delivered in files:
        if delivered.rows:
            write_frame(home, delivered, delivered.landed())
        if delivered.quarantined:
            write_frame(home, delivered, delivered.quarantine(), area="quarantine")
    write_registry(home, [delivered.registry_row() for delivered in files])
