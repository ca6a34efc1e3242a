"""Land the night's deliveries: inbox -> lake (Parquet) + quarantine + file registry.

`land_deliveries` takes every delivery dated on or before the business date
that no earlier load has looked at and records each file in the registry.
Files of one source are read, validated and written in batches (one landed
and one quarantine Parquet file per batch, every row carrying its delivered
file and line), so a thousand small files cost about what one large file of
the same size costs.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.errors import BadInputError, ConfigurationError
from pipeline.home import Home
from pipeline.ingest.readers.csv.reader import read_csv_batch
from pipeline.ingest.readers.decoding import UnreadableFile
from pipeline.ingest.landing.inbox import Delivery, InboxNotice, scan_inbox
from pipeline.ingest.readers.jsonl import read_jsonl_batch
from pipeline.ingest.lake_layout import landed_path, load_data_files, quarantine_path, registry_file, write_schema_files
from pipeline.ingest.landing.writing import DeliveredFile, LoadStamp, lake_rows, quarantine_rows, rows_per_file, write_files
from pipeline.ingest.readers.lines import line_offsets, line_text
from pipeline.ingest.readers.opening import OpenedFile, has_accepted_extension, open_delivery
from pipeline.ingest.readers.raw_rows import FILE, LINE, RAW, FileShape, ReadBatch
from pipeline.ingest.reasons import FileRejection, FileStatus
from pipeline.ingest.file_registry import (
    FileOutcome,
    History,
    KnownContent,
    content_verdicts,
    forget_earlier,
    write_registry,
)
from pipeline.ingest.rows.rules import REASON, judge
from pipeline.ingest.sources import SOURCES, Source, get_source
from pipeline.ingest.readers.xlsx import read_xlsx_batch

__all__ = ["FileOutcome", "LoadResult", "land_deliveries", "rollback_load"]

# Files of one source are landed together until their text reaches this size
# (docs/benchmarks.md: larger batches cost more memory and no less time).
BATCH_BYTES = 32 * 1024 * 1024
# Files read and hashed ahead of the one being triaged.
READ_AHEAD_FILES = 2
# Batches landed side by side while the next one is read: polars releases the
# GIL, so two batches keep both cores of a small machine busy. The batches in
# flight (these plus the one being read) bound the memory a load needs.
LANDING_THREADS = 2

_ROW_COUNTS = ("rows_read", "rows_landed", "rows_quarantined")

READERS: dict[str, Callable[[Source, Any], ReadBatch]] = {
    "csv": read_csv_batch,
    "jsonl": read_jsonl_batch,
    "xlsx": read_xlsx_batch,
}


@dataclass
class LoadResult:
    load_id: str
    business_date: date
    files: list[FileOutcome]
    seconds: float
    forced: bool = False
    notices: list[InboxNotice] = field(default_factory=list)  # inbox entries that are not deliveries
    later_folders: list[str] = field(default_factory=list)  # dated after the business date, left alone

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_landed(self) -> int:
        return sum(f.rows_landed for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    @property
    def per_source(self) -> dict[str, dict[str, int]]:
        totals: dict[str, dict[str, int]] = {}
        for outcome in self.files:
            entry = totals.setdefault(
                outcome.source,
                {"files": 0, **{s.value: 0 for s in FileStatus}, **dict.fromkeys(_ROW_COUNTS, 0)},
            )
            entry["files"] += 1
            entry[outcome.status] += 1
            for counter in _ROW_COUNTS:
                entry[counter] += getattr(outcome, counter)
        return totals

    def to_record(self) -> dict[str, Any]:
        by_status = {s.value: sum(f.status == s.value for f in self.files) for s in FileStatus}
        return {
            "load_id": self.load_id,
            "business_date": self.business_date.isoformat(),
            "forced": self.forced,
            "seconds": round(self.seconds, 3),
            "files": len(self.files),
            "files_by_status": by_status,
            "rows_read": self.rows_read,
            "rows_landed": self.rows_landed,
            "rows_quarantined": self.rows_quarantined,
            "per_source": self.per_source,
            "notices": [str(n) for n in self.notices],
            "later_folders": self.later_folders,
            "file_outcomes": [f.to_record() for f in self.files],
        }


@dataclass(frozen=True)
class _Load:
    """The constants of one load."""

    home: Home
    load_id: str
    business_date: date
    loaded_at: datetime

    def outcome(
        self,
        delivery: Delivery,
        file_sha256: str,
        file_bytes: int,
        status: FileStatus,
        message: str,
        *,
        encoding: str | None = None,
        rejection: FileRejection | None = None,
        rows: tuple[int, int, int] = (0, 0, 0),
        extra_columns: tuple[str, ...] = (),
        duplicate_of: str | None = None,
    ) -> FileOutcome:
        return FileOutcome(
            file_path=delivery.file_path,
            source=delivery.source.name,
            delivery_date=delivery.delivery_date,
            file_sha256=file_sha256,
            file_bytes=file_bytes,
            encoding=encoding,
            status=status.value,
            rejection_code=rejection.value if rejection else None,
            message=message,
            rows_read=rows[0],
            rows_landed=rows[1],
            rows_quarantined=rows[2],
            extra_columns=", ".join(extra_columns) or None,
            duplicate_of=duplicate_of,
            load_id=self.load_id,
            load_date=self.business_date,
            loaded_at=self.loaded_at,
        )


@dataclass(frozen=True)
class _SameBytes:
    """A file carrying the same bytes as an earlier file of this load."""

    delivery: Delivery
    file_sha256: str
    file_bytes: int
    original: str  # file_path of the earlier file


_Item = FileOutcome | OpenedFile | _SameBytes


def land_deliveries(
    home: Home,
    business_date: date,
    *,
    load_id: str,
    force: bool = False,
    sources: Sequence[str] | None = None,
    progress: Callable[[FileOutcome], None] | None = None,
) -> LoadResult:
    """Land every delivery dated <= business_date that no earlier load has seen.

    With force=True, files seen before are loaded again and replace what
    earlier loads landed for them (their registry rows and Parquet files).
    Raises BadInputError if a file's rows do not reconcile.
    """
    started = time.perf_counter()
    chosen = _chosen_sources(sources)
    home.ensure()
    write_schema_files(home)
    if registry_file(home, load_id).exists():
        raise ConfigurationError(f"load {load_id} already exists in {home.file_registry}; roll it back first")
    load = _Load(home, load_id, business_date, datetime.now(timezone.utc))
    history = History.read(home)
    scan = scan_inbox(home.inbox, business_date, chosen)
    known = {} if force else history.contents
    first_of_content: dict[str, str] = {}
    finished: dict[str, FileOutcome] = {}
    outcomes: list[FileOutcome] = []
    landing: deque[tuple[list[_Item], Future[dict[str, FileOutcome]]]] = deque()

    def settle_oldest() -> None:
        items, future = landing.popleft()
        outcomes.extend(_settle(load, items, future.result(), finished, progress))

    pool = ThreadPoolExecutor(max_workers=LANDING_THREADS, thread_name_prefix="landing")
    try:
        for source in chosen:
            todo = [
                d for d in scan.deliveries if d.source is source and (force or d.file_path not in history.paths)
            ]
            triaged = (_triage(load, *read, known, first_of_content) for read in _read_ahead(todo))
            for part, items in enumerate(_batches(triaged)):
                landing.append((items, pool.submit(_land_opened, load, source, part, items)))
                while len(landing) > LANDING_THREADS:
                    settle_oldest()
        while landing:
            settle_oldest()
    finally:
        # After a failure, no new batch starts and the running ones end before anything is rolled back.
        pool.shutdown(wait=True, cancel_futures=True)
    write_registry(home, load_id, outcomes)
    if force:
        forget_earlier(
            home,
            load_id,
            paths={o.file_path for o in outcomes},
            contents=content_verdicts(outcomes),
        )
    return LoadResult(
        load_id=load_id,
        business_date=business_date,
        files=outcomes,
        seconds=time.perf_counter() - started,
        forced=force,
        notices=scan.notices,
        later_folders=scan.later_folders,
    )


def rollback_load(home: Home, load_id: str) -> None:
    """Delete everything one load wrote: landed and quarantined files and its registry.

    A forced load already removed what earlier loads had landed for the files it
    reloaded; after rolling it back those files are simply new again and the
    next load picks them up.
    """
    folders = set()
    for path in load_data_files(home, load_id):
        path.unlink()
        folders.add(path.parent)
    registry_file(home, load_id).unlink(missing_ok=True)
    for folder in folders:
        if not any(folder.iterdir()):
            folder.rmdir()


def _chosen_sources(names: Sequence[str] | None) -> tuple[Source, ...]:
    if names is None:
        return SOURCES
    try:
        wanted = {get_source(n).name for n in names}
    except KeyError as unknown:
        raise ConfigurationError(str(unknown.args[0])) from None
    return tuple(s for s in SOURCES if s.name in wanted)


def _read_ahead(deliveries: list[Delivery]) -> Iterator[tuple[Delivery, bytes, str]]:
    """(delivery, bytes, SHA-256) in order; the next files are read and hashed in the
    background (both release the GIL) while the current batch is parsed."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending: deque[tuple[Delivery, Future[tuple[bytes, str]]]] = deque()
        for delivery in deliveries:
            pending.append((delivery, pool.submit(_read_and_hash, delivery.path)))
            if len(pending) > READ_AHEAD_FILES:
                earliest, future = pending.popleft()
                yield earliest, *future.result()
        while pending:
            earliest, future = pending.popleft()
            yield earliest, *future.result()


def _read_and_hash(path: Path) -> tuple[bytes, str]:
    data = path.read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def _triage(
    load: _Load,
    delivery: Delivery,
    data: bytes,
    sha: str,
    known: dict[str, KnownContent],
    first_of_content: dict[str, str],
) -> _Item:
    """Decide what a file is before any row is read: an outcome already, or a file to read."""
    size = len(data)
    if not has_accepted_extension(delivery):
        expected = " or ".join(delivery.source.accepted_extensions())
        return load.outcome(
            delivery,
            sha,
            size,
            FileStatus.REJECTED,
            f"file extension not accepted for {delivery.source.name} (expected {expected})",
            rejection=FileRejection.UNKNOWN_EXTENSION,
        )
    if size == 0:
        return load.outcome(delivery, sha, size, FileStatus.EMPTY, "zero bytes: an empty delivery")
    if sha in first_of_content:
        return _SameBytes(delivery, sha, size, first_of_content[sha])
    if sha in known:
        earlier = known[sha]
        if earlier.status == FileStatus.EMPTY.value:
            return load.outcome(
                delivery, sha, size, FileStatus.EMPTY, f"no records (same bytes as {earlier.file_path})"
            )
        return load.outcome(
            delivery,
            sha,
            size,
            FileStatus.DUPLICATE,
            f"same bytes as {earlier.file_path} (load {earlier.load_id}); skipped",
            duplicate_of=earlier.file_path,
        )
    first_of_content[sha] = delivery.file_path
    try:
        return open_delivery(delivery, data, sha)
    except UnreadableFile as failure:
        return load.outcome(
            delivery, sha, size, FileStatus.REJECTED, str(failure), rejection=FileRejection.UNREADABLE
        )


def _batches(items: Iterator[_Item]) -> Iterator[list[_Item]]:
    """Items in batches whose opened files hold about BATCH_BYTES (the last one may be empty)."""
    batch: list[_Item] = []
    pending_bytes = 0
    for item in items:
        batch.append(item)
        if isinstance(item, OpenedFile):
            pending_bytes += item.payload_bytes
        if pending_bytes >= BATCH_BYTES:
            yield batch
            batch, pending_bytes = [], 0
    yield batch


def _land_opened(load: _Load, source: Source, part: int, items: list[_Item]) -> dict[str, FileOutcome]:
    """Outcomes of the opened files among `items`, by file path, once they are landed. A source
    delivered in several formats lands each format's files apart (one reader each)."""
    opened = [item for item in items if isinstance(item, OpenedFile)]
    outcomes: dict[str, FileOutcome] = {}
    for file_format in sorted({source.format_of(o.delivery.name) for o in opened}):
        chosen = [o for o in opened if source.format_of(o.delivery.name) == file_format]
        label = f"part{part:04d}" if file_format == source.file_format else f"part{part:04d}-{file_format}"
        outcomes |= {o.file_path: o for o in _land_batch(load, source, label, file_format, chosen)}
    return outcomes


def _settle(
    load: _Load,
    items: list[_Item],
    landed: dict[str, FileOutcome],
    finished: dict[str, FileOutcome],
    progress: Callable[[FileOutcome], None] | None,
) -> list[FileOutcome]:
    """The outcome of every item of a landed batch, in delivery order."""
    results = []
    for item in items:
        if isinstance(item, FileOutcome):
            outcome = item
        elif isinstance(item, OpenedFile):
            outcome = landed[item.delivery.file_path]
        else:
            outcome = _same_bytes_outcome(load, item, finished[item.original])
        finished[outcome.file_path] = outcome
        results.append(outcome)
        if progress is not None:
            progress(outcome)
    return results


def _same_bytes_outcome(load: _Load, item: _SameBytes, original: FileOutcome) -> FileOutcome:
    if original.status == FileStatus.EMPTY.value:
        message = f"no records (same bytes as {item.original})"
        return load.outcome(item.delivery, item.file_sha256, item.file_bytes, FileStatus.EMPTY, message)
    return load.outcome(
        item.delivery,
        item.file_sha256,
        item.file_bytes,
        FileStatus.DUPLICATE,
        f"same bytes as {item.original} in this load; skipped",
        duplicate_of=item.original,
    )


def _land_batch(
    load: _Load, source: Source, part: str, file_format: str, opened: list[OpenedFile]
) -> list[FileOutcome]:
    """Read, judge and write the opened files of one batch (`part` names the batches of a source)."""
    batch = READERS[file_format](source, [o.payload for o in opened])
    landed, quarantined = judge(source, batch.frame)
    quarantined = _recover_raw_text(quarantined, opened)
    read, landed_rows, quarantined_rows = (rows_per_file(f) for f in (batch.frame, landed, quarantined))
    reasons: dict[int, dict[str, int]] = {}
    for file, reason, count in quarantined.group_by(FILE, REASON).len().sort(FILE, REASON).iter_rows():
        reasons.setdefault(file, {})[reason] = count
    counts = [(read.get(i, 0), landed_rows.get(i, 0), quarantined_rows.get(i, 0)) for i in range(len(opened))]
    for item, (rows_read, rows_landed, rows_quarantined) in zip(opened, counts):
        if rows_read != rows_landed + rows_quarantined:
            raise BadInputError(
                f"{item.delivery.file_path}: rows do not reconcile: read {rows_read}, "
                f"landed {rows_landed}, quarantined {rows_quarantined}"
            )
    files = [DeliveredFile(o.delivery.file_path, o.file_sha256, o.delivery.delivery_date) for o in opened]
    stamp = LoadStamp(load.load_id, load.business_date, load.loaded_at)
    where = (load.home, source.name, load.business_date, load.load_id, part)
    jobs = []
    if landed.height:
        jobs.append((partial(lake_rows, source, landed, files, stamp), landed_path(*where)))
    if quarantined.height:
        jobs.append((partial(quarantine_rows, source, quarantined, files, stamp), quarantine_path(*where)))
    write_files(jobs)
    return [
        _read_outcome(load, item, batch.shapes[index], counts[index], reasons.get(index, {}))
        for index, item in enumerate(opened)
    ]


def _read_outcome(
    load: _Load, item: OpenedFile, shape: FileShape, counts: tuple[int, int, int], reasons: dict[str, int]
) -> FileOutcome:
    read, landed, quarantined = counts
    notes = list(shape.notes)
    if shape.extra_columns:
        notes.append("extra column(s) ignored: " + ", ".join(shape.extra_columns))
    if shape.rejection is not None:
        status, rejection = FileStatus.REJECTED, FileRejection.MISSING_REQUIRED_COLUMN
        message = f"{shape.rejection}; nothing loaded, {quarantined:,} record(s) quarantined as file_rejected"
    elif read == 0:
        status, rejection = FileStatus.EMPTY, None
        header_only = item.delivery.source.format_of(item.delivery.name) != "jsonl"
        message = "no records (header only)" if header_only else "no records"
    else:
        status, rejection = FileStatus.LOADED, None
        message = f"landed {landed:,} of {read:,} record(s)"
        if quarantined:
            listed = ", ".join(f"{reason} {n:,}" for reason, n in reasons.items())
            message += f"; quarantined {quarantined:,} ({listed})"
    return load.outcome(
        item.delivery,
        item.file_sha256,
        item.file_bytes,
        status,
        "; ".join([message, *notes]),
        encoding=item.encoding,
        rejection=rejection,
        rows=counts,
        extra_columns=shape.extra_columns,
    )


def _recover_raw_text(quarantined: pl.DataFrame, opened: list[OpenedFile]) -> pl.DataFrame:
    """Readers that skip keeping every line (JSON Lines) leave RAW null; read it back here."""
    missing = quarantined.filter(pl.col(RAW).is_null())
    if missing.height == 0:
        return quarantined
    offsets: dict[int, Any] = {}
    texts = []
    for file, line in missing.select(FILE, LINE).iter_rows():
        payload = opened[file].payload
        if not isinstance(payload, bytes):
            raise TypeError(f"{opened[file].delivery.file_path}: a sheet reader must keep the raw text")
        if file not in offsets:
            offsets[file] = line_offsets(payload)
        texts.append(line_text(payload, offsets[file], line - 1))
    recovered = missing.select(FILE, LINE).with_columns(pl.Series("__recovered", texts, dtype=pl.String))
    return (
        quarantined.join(recovered, on=[FILE, LINE], how="left")
        .with_columns(pl.coalesce(RAW, "__recovered").alias(RAW))
        .drop("__recovered")
    )
