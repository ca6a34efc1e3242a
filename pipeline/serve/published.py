"""Read-only connections to the published warehouse, restricted store and profile
store that follow the nightly publish.

Publish (pipeline/publish.py) replaces the files by atomic rename (the
restricted store, the profile store, the warehouse last), so a new night is
a new inode under the same path. Each request stats the warehouse and the
profile store; when either changed, the request opens the new files while
requests already running finish on the old connections, which are closed
when their last request ends. An open file keeps its inode alive after the
rename, so no request fails because of a publish. The profile store must
name the warehouse's last run, or the files are not one night (a publish
half-way, or cut short): the old night goes on serving, and the same files
are not tried again until one of them changes.

Both files are attached to a private in-memory DuckDB (never opened by path
as the main database): DuckDB caches database instances by path within a
process, and a reconnect by path could hand back the old file.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipeline.home import Home
from pipeline.serve.night import WAREHOUSE, PublishedNight, attach_night, read_night
from pipeline.serve.profile_store import StoreNight, document_of, oneid_of, open_store

log = logging.getLogger("oneid.serve")

FileId = tuple[int, int] | None  # (device, inode); None: no such file
FileIds = tuple[FileId, FileId]  # the warehouse and the profile store


class NotPublished(Exception):
    """The warehouse or the restricted store is not there (no night has published yet)."""


@dataclass
class _Opened:
    """One published night's files, open, and how many requests read them now."""

    connection: duckdb.DuckDBPyConnection
    profiles: sqlite3.Connection
    store: StoreNight
    file_ids: FileIds
    night: PublishedNight
    readers: int = 0
    retired: bool = False
    # One SQLite connection for every request thread: each look-up is one short statement.
    profiles_lock: threading.Lock = field(default_factory=threading.Lock)

    def close(self) -> None:
        self.connection.close()
        self.profiles.close()


@dataclass
class Reader:
    """What a request reads with: the night it belongs to, its profile store, and a DuckDB
    cursor of its own, opened when first used (a profile look-up needs none)."""

    opened: _Opened
    _cursor: duckdb.DuckDBPyConnection | None = None

    @property
    def night(self) -> PublishedNight:
        return self.opened.night

    @property
    def store(self) -> StoreNight:
        return self.opened.store

    @property
    def cursor(self) -> duckdb.DuckDBPyConnection:
        if self._cursor is None:
            self._cursor = self.opened.connection.cursor()
            self._cursor.execute(f"use {WAREHOUSE}")
        return self._cursor

    def oneid_of(self, identifier_hash: str) -> str | None:
        with self.opened.profiles_lock:
            return oneid_of(self.opened.profiles, identifier_hash)

    def document_of(self, oneid: str) -> bytes | None:
        with self.opened.profiles_lock:
            return document_of(self.opened.profiles, oneid)

    def close(self) -> None:
        if self._cursor is not None:
            self._cursor.close()


@dataclass
class PublishedFiles:
    home: Home
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _current: _Opened | None = None
    _opening: bool = False
    _failed: FileIds | None = None  # the files that last failed to open as one night

    def file_ids(self) -> FileIds:
        if not (self.home.warehouse.is_file() and self.home.restricted.is_file()):
            raise NotPublished("no published warehouse and restricted store yet; run `oneid run` first")
        return _file_id(self.home.warehouse), _file_id(self.home.profile_store)

    @contextmanager
    def reading(self) -> Iterator[Reader]:
        opened = self._acquire()
        reader = Reader(opened)
        try:
            yield reader
        finally:
            reader.close()
            self._release(opened)

    def night(self) -> PublishedNight:
        with self.reading() as reader:
            return reader.night

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.retired = True
                if self._current.readers == 0:
                    self._current.close()
                self._current = None

    def _acquire(self) -> _Opened:
        ids = self.file_ids()
        with self._lock:
            current = self._current
            # One request opens a new night; the others keep reading the old one meanwhile.
            if current is not None and (current.file_ids == ids or ids == self._failed or self._opening):
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
                self._failed = ids
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
                    previous.close()
        log.info("serving the night of %s", fresh.night.business_date)
        if not fresh.night.hash_key_matches:
            log.error("ONEID_HASH_KEY is not the key the published night hashed identifiers with: look-ups find no one")
        return fresh

    def _release(self, opened: _Opened) -> None:
        with self._lock:
            opened.readers -= 1
            if opened.retired and opened.readers == 0:
                opened.close()


def _open(home: Home, ids: FileIds) -> _Opened:
    # One thread per query: point queries gain nothing from intra-query
    # parallelism, and concurrent requests already keep the cores busy.
    connection = duckdb.connect(":memory:", config={"threads": 1})
    try:
        attach_night(connection, home.warehouse, home.restricted)
        night = read_night(connection)
        if not home.profile_store.is_file():
            raise NotPublished("no published profile store yet; the next night writes it (`oneid run`)")
        profiles, store = open_store(home.profile_store)
    except BaseException:
        connection.close()
        raise
    if store.run_id != night.run_id:
        profiles.close()
        connection.close()
        # A publish between its renames, or one cut short: the warehouse's run wins once its store is there.
        raise NotPublished(f"the profile store is of run {store.run_id}, the warehouse of run {night.run_id}")
    return _Opened(connection, profiles, store, ids, night)


def _file_id(path: Path) -> FileId:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino
