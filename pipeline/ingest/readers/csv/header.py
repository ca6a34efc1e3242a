"""The header line of a delivered CSV file."""

from __future__ import annotations

import csv
from dataclasses import dataclass


@dataclass(frozen=True)
class CsvHeader:
    line: int  # physical line number of the header (the first non-blank line)
    text: str
    body_offset: int  # byte offset of the line after the header
    crlf: bool  # the header line ends with \r\n (so, most likely, every line)


def find_header(text: bytes) -> CsvHeader | None:
    """The first non-blank line of UTF-8 `text`, or None for an empty file."""
    position, number = 0, 1
    while position < len(text):
        end = text.find(b"\n", position)
        end = len(text) if end < 0 else end
        line = text[position:end].decode("utf-8")
        if line.strip():
            return CsvHeader(number, line.removesuffix("\r"), min(end + 1, len(text)), line.endswith("\r"))
        position, number = end + 1, number + 1
    return None


def split_header(line: str) -> list[str]:
    try:
        return next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return line.split(",")
