"""The file registry: one Parquet file per load listing every delivered file it
looked at, keyed by the content hash so that the same bytes never land twice.

Each inbox path has at most one row across all loads: a forced reload
replaces the earlier rows (and landed files) of what it reloads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.home import Home
from pipeline.ingest.lake_layout import FILE_REGISTRY_SCHEMA, SCHEMA_FILE, load_parts, registry_file
from pipeline.ingest.reasons import FileRejection, FileStatus


@dataclass
class FileOutcome:
    """One row of the file registry (FILE_REGISTRY_SCHEMA)."""

    file_path: str
    source: str
    delivery_date: date
    file_sha256: str
    file_bytes: int
    encoding: str | None
    status: str  # FileStatus value
    rejection_code: str | None  # FileRejection value
    message: str
    rows_read: int
    rows_landed: int
    rows_quarantined: int
    extra_columns: str | None
    duplicate_of: str | None
    load_id: str
    load_date: date
    loaded_at: datetime

    def to_row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FILE_REGISTRY_SCHEMA.names()}

    def to_record(self) -> dict[str, Any]:
        """JSON-serializable form for the run record."""
        return {k: v.isoformat() if isinstance(v, (date, datetime)) else v for k, v in self.to_row().items()}


def registry_frame(outcomes: list[FileOutcome]) -> pl.DataFrame:
    columns = {name: [getattr(o, name) for o in outcomes] for name in FILE_REGISTRY_SCHEMA.names()}
    return pl.DataFrame(columns, schema=FILE_REGISTRY_SCHEMA)


def write_registry(home: Home, load_id: str, outcomes: list[FileOutcome]) -> None:
    write_parquet_atomically(registry_frame(outcomes), registry_file(home, load_id))


def write_parquet_atomically(frame: pl.DataFrame, path: os.PathLike[str] | str) -> None:
    """Readers (dbt, a concurrent report) never see a half-written file."""
    target = os.fspath(path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    temporary = f"{target}.tmp"
    # zstd level 1: as small as the default level here, and a good deal faster to write.
    frame.write_parquet(temporary, compression="zstd", compression_level=1)
    os.replace(temporary, target)


def read_registry(home: Home) -> pl.DataFrame:
    files = sorted(p for p in home.file_registry.glob("*.parquet") if p.name != SCHEMA_FILE)
    if not files:
        return pl.DataFrame(schema=FILE_REGISTRY_SCHEMA)
    return pl.concat([pl.read_parquet(f) for f in files], how="vertical_relaxed").cast(
        dict(FILE_REGISTRY_SCHEMA)
    )


# A rejection for the content (not for the file name) is a verdict on the bytes.
_CONTENT_VERDICTS = (FileStatus.LOADED.value, FileStatus.EMPTY.value, FileStatus.REJECTED.value)


def _is_content_verdict() -> pl.Expr:
    name_only = pl.col("rejection_code").fill_null("") == FileRejection.UNKNOWN_EXTENSION.value
    return pl.col("status").is_in(_CONTENT_VERDICTS) & ~name_only


def content_verdicts(outcomes: list[FileOutcome]) -> set[str]:
    """Hashes of the contents these outcomes judged (not duplicates, not names rejected unread)."""
    return {
        o.file_sha256
        for o in outcomes
        if o.status in _CONTENT_VERDICTS and o.rejection_code != FileRejection.UNKNOWN_EXTENSION.value
    }


@dataclass(frozen=True)
class KnownContent:
    file_path: str
    status: str
    load_id: str


@dataclass
class History:
    """What earlier loads already did, by inbox path and by content hash."""

    paths: set[str]
    contents: dict[str, KnownContent]

    @classmethod
    def read(cls, home: Home) -> "History":
        rows = read_registry(home)
        verdicts = rows.filter(_is_content_verdict()).sort("loaded_at", "file_path")
        contents: dict[str, KnownContent] = {}
        for sha, path, status, load_id in verdicts.select(
            "file_sha256", "file_path", "status", "load_id"
        ).iter_rows():
            contents.setdefault(sha, KnownContent(path, status, load_id))
        return cls(paths=set(rows["file_path"].to_list()), contents=contents)


def forget_earlier(home: Home, load_id: str, paths: set[str], contents: set[str]) -> None:
    """After a forced reload: drop what earlier loads recorded and landed for the same files.

    `paths` are the inbox paths this load looked at; `contents` the hashes it
    gave a verdict on (`content_verdicts`). The earlier registry rows of those paths
    and contents go, and with them the landed and quarantined rows they
    account for, so that no row is doubled.
    """
    for path in sorted(home.file_registry.glob("*.parquet")):
        if path.name == SCHEMA_FILE or path.stem == load_id:
            continue
        rows = pl.read_parquet(path)
        replaced = pl.col("file_path").is_in(list(paths)) | (
            pl.col("file_sha256").is_in(list(contents)) & _is_content_verdict()
        )
        gone = rows.filter(replaced)
        if gone.height == 0:
            continue
        for (source, load_date, earlier_load), files in gone.group_by("source", "load_date", "load_id"):
            for data_file in load_parts(home, source, load_date, earlier_load):
                _drop_rows_of(data_file, files["file_path"])
        write_parquet_atomically(rows.filter(~replaced), path)


def _drop_rows_of(data_file: Path, file_paths: pl.Series) -> None:
    rows = pl.read_parquet(data_file)
    kept = rows.filter(~pl.col("_file_path").is_in(file_paths.implode()))
    if kept.height == rows.height:
        return
    if kept.height == 0:
        data_file.unlink()
    else:
        write_parquet_atomically(kept, data_file)
