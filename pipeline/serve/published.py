"""Read-only connections to the published warehouse and restricted store that
follow the nightly publish.

Publish (pipeline/publish.py) replaces both files by atomic rename, so a new
night is a new inode under the same path. Each request stats both paths; when
either inode changed, the next request opens the new pair while requests
already running finish on the old connection, which is closed when its last
request ends. An open file keeps its inode alive after the rename, so no
request fails because of a publish.

Both files are attached to a private in-memory DuckDB (never opened by path
as the main database): DuckDB caches database instances by path within a
process, and a reconnect by path could hand back the old file.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipeline.home import Home
from pipeline.serve.night import RESTRICTED, WAREHOUSE, PublishedNight, read_night

log = logging.getLogger("oneid.serve")

FileIds = tuple[tuple[int, int], tuple[int, int]]  # (device, inode) of the warehouse and the restricted store


class NotPublished(Exception):
    """The warehouse or the restricted store is not there (no night has published yet)."""


@dataclass
class _Opened:
    """One published pair of files, open, and how many requests read it now."""

    connection: duckdb.DuckDBPyConnection
    file_ids: FileIds
    night: PublishedNight
    readers: int = 0
    retired: bool = False


@dataclass(frozen=True)
class Reader:
    """What a request reads with: its own cursor, and the night it belongs to."""

    cursor: duckdb.DuckDBPyConnection
    night: PublishedNight


@dataclass
class PublishedFiles:
    home: Home
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _current: _Opened | None = None
    _opening: bool = False

    def file_ids(self) -> FileIds:
        try:
            warehouse, restricted = os.stat(self.home.warehouse), os.stat(self.home.restricted)
        except FileNotFoundError:
            raise NotPublished("no published warehouse and restricted store yet; run `oneid run` first") from None
        return (warehouse.st_dev, warehouse.st_ino), (restricted.st_dev, restricted.st_ino)

    @contextmanager
    def reading(self) -> Iterator[Reader]:
        opened = self._acquire()
        cursor = opened.connection.cursor()
        try:
            cursor.execute(f"use {WAREHOUSE}")
            yield Reader(cursor, opened.night)
        finally:
            cursor.close()
            self._release(opened)

    def night(self) -> PublishedNight:
        with self.reading() as reader:
            return reader.night

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.retired = True
                if self._current.readers == 0:
                    self._current.connection.close()
                self._current = None

    def _acquire(self) -> _Opened:
        ids = self.file_ids()
        with self._lock:
            current = self._current
            # One request opens a new night; the others keep reading the old one meanwhile.
            # Publish renames the restricted store first and the warehouse last: a new
            # night is there only when the warehouse changed, never a mixed pair.
            if current is not None and (current.file_ids[0] == ids[0] or self._opening):
                current.readers += 1
                return current
            self._opening = True
        try:
            fresh = _open(self.home, ids)
        except Exception as failure:  # whatever went wrong, the previous night still serves
            with self._lock:
                self._opening = False
                if self._current is None:
                    raise NotPublished(f"the published files cannot be opened: {failure}") from None
                # E.g. a file replaced again while it was being opened: read the old night, retry next request.
                log.warning("could not open the newly published files (%s); still serving the previous night", failure)
                self._current.readers += 1
                return self._current
        with self._lock:
            self._opening = False
            previous, self._current = self._current, fresh
            fresh.readers += 1
            if previous is not None:
                previous.retired = True
                if previous.readers == 0:
                    previous.connection.close()
        log.info("serving the night of %s", fresh.night.business_date)
        if not fresh.night.hash_key_matches:
            log.error("ONEID_HASH_KEY is not the key the published night hashed identifiers with: look-ups find no one")
        return fresh

    def _release(self, opened: _Opened) -> None:
        with self._lock:
            opened.readers -= 1
            if opened.retired and opened.readers == 0:
                opened.connection.close()


def _open(home: Home, ids: FileIds) -> _Opened:
    # One thread per query: point queries gain nothing from intra-query
    # parallelism, and concurrent requests already keep the cores busy.
    connection = duckdb.connect(":memory:", config={"threads": 1})
    try:
        connection.execute(f"attach {_quoted(home.warehouse)} as {WAREHOUSE} (read_only)")
        connection.execute(f"attach {_quoted(home.restricted)} as {RESTRICTED} (read_only)")
        connection.execute(f"use {WAREHOUSE}")
        return _Opened(connection, ids, read_night(connection))
    except BaseException:
        connection.close()
        raise


def _quoted(path: Path) -> str:
    # A path from the home (operator configuration), never request input.
    return "'" + str(path).replace("'", "''") + "'"
