"""Files that come out byte-identical for the same values: UTF-8 without BOM,
LF line endings, values sorted and deduplicated, zip entries with a fixed
timestamp and permissions."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

# The earliest time a zip entry can carry; any fixed value makes reruns identical.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def sorted_unique(values: Iterable[str]) -> list[str]:
    return sorted(set(values))


def lines_bytes(values: Sequence[str]) -> bytes:
    return "".join(f"{value}\n" for value in values).encode("utf-8")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def zip_bytes(entry_name: str, content: bytes) -> bytes:
    entry = zipfile.ZipInfo(entry_name, date_time=ZIP_TIMESTAMP)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.create_system = 3  # Unix, whatever machine writes it
    entry.external_attr = 0o644 << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(entry, content, compresslevel=9)
    return buffer.getvalue()


def write_file(path: Path, content: bytes) -> str:
    """Write and return the SHA-256 of what was written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return hashlib.sha256(content).hexdigest()
