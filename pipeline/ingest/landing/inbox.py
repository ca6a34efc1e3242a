"""Find the delivered files of a night in `<inbox>/<source>/<YYYY-MM-DD>/<file>`.

Everything that does not fit the layout is reported, never silently skipped:
an operator who drops a file in the wrong folder must hear about it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.ingest.sources import SOURCES_BY_NAME, Source

_DATE_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Delivery:
    """One delivered file."""

    path: Path
    file_path: str  # relative to the inbox, with `/` separators
    source: Source
    delivery_date: date

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class InboxNotice:
    """Something in the inbox that is not a delivery this run can take."""

    path: str  # relative to the inbox
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class InboxScan:
    deliveries: list[Delivery]
    notices: list[InboxNotice]
    later_folders: list[str]  # delivery folders dated after the business date, left for later


def scan_inbox(inbox: Path, business_date: date, sources: Sequence[Source]) -> InboxScan:
    scan = InboxScan(deliveries=[], notices=[], later_folders=[])
    if not inbox.is_dir():
        scan.notices.append(InboxNotice(".", f"inbox folder {inbox} does not exist"))
        return scan
    for entry in sorted(inbox.iterdir()):
        if not entry.is_dir():
            scan.notices.append(InboxNotice(entry.name, "file outside any source folder; ignored"))
        elif entry.name not in SOURCES_BY_NAME:
            known = ", ".join(SOURCES_BY_NAME)
            scan.notices.append(
                InboxNotice(entry.name, f"unknown source folder; ignored (known sources: {known})")
            )
    for source in sources:
        _scan_source(inbox, source, business_date, scan)
    return scan


def _scan_source(inbox: Path, source: Source, business_date: date, scan: InboxScan) -> None:
    folder = inbox / source.name
    if not folder.is_dir():
        return
    for entry in sorted(folder.iterdir()):
        relative = f"{source.name}/{entry.name}"
        if not entry.is_dir():
            scan.notices.append(
                InboxNotice(relative, "file outside any delivery-date folder (YYYY-MM-DD); ignored")
            )
            continue
        delivery_date = _folder_date(entry.name)
        if delivery_date is None:
            scan.notices.append(
                InboxNotice(relative, "folder name is not a delivery date (YYYY-MM-DD); ignored")
            )
            continue
        if delivery_date > business_date:
            scan.later_folders.append(relative)
            continue
        for item in sorted(entry.iterdir()):
            item_relative = f"{relative}/{item.name}"
            refusal = _not_a_delivery(inbox, item)
            if refusal:
                scan.notices.append(InboxNotice(item_relative, refusal))
                continue
            scan.deliveries.append(Delivery(item, item_relative, source, delivery_date))


def _not_a_delivery(inbox: Path, item: Path) -> str | None:
    """Why an entry of a delivery folder is not a file to read, if it is not.

    A named pipe would block the night forever, and a link out of the inbox
    would copy some other file's lines (say /etc/passwd) into the quarantine.
    """
    if item.is_symlink():
        if not item.exists():
            return "broken symbolic link; ignored"
        if not item.resolve().is_relative_to(inbox.resolve()):
            return "symbolic link to a file outside the inbox; ignored"
    if item.is_dir():
        return "nested folder in a delivery folder; ignored"
    if not item.is_file():
        return "not a regular file (a pipe, socket or device); ignored"
    return None


def _folder_date(name: str) -> date | None:
    if not _DATE_FOLDER.match(name):
        return None
    try:
        return date.fromisoformat(name)
    except ValueError:
        return None
