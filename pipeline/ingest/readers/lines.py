"""Physical lines of UTF-8 text, with their exact line numbers.

Quarantine reports point at the real line of the delivered file, so lines are
split before any CSV or JSON parsing: line N of the result is line N of the
file, blank lines included.
"""

from __future__ import annotations

import numpy as np
import polars as pl

# A line of nothing but whitespace is no record.
BLANK_LINE = r"^\s*$"

# Control bytes that never occur in real text; one that is absent from the
# data serves as the "field separator", so the reader yields whole lines.
_UNUSED_BYTE_CANDIDATES = (b"\x1f", b"\x1e", b"\x1d", b"\x1c", b"\x01", b"\x02", b"\x03", b"\x04")


def count_lines(data: bytes) -> int:
    """Physical lines in `data`; a last line without a newline counts too."""
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def read_lines(data: bytes) -> pl.Series:
    """Every physical line of valid UTF-8 `data` (`\\r\\n` and `\\n` endings).

    Blank lines come back as null or whitespace. polars' multi-threaded CSV
    reader does the splitting: with no quote character and a separator byte
    that does not occur, each line is one field (verified in tests, including
    `\\r\\n` endings, blank lines and a missing final newline).
    """
    if not data:
        return pl.Series("line", [], dtype=pl.String)
    separator = next((b for b in _UNUSED_BYTE_CANDIDATES if b not in data), None)
    if separator is None:
        raise ValueError("no unused control byte to split lines with; the data is not text")
    frame = pl.read_csv(
        data,
        has_header=False,
        separator=separator.decode(),
        quote_char=None,
        schema={"line": pl.String},
        raise_if_empty=False,
    )
    lines = frame.to_series()
    expected = count_lines(data)
    if lines.len() != expected:
        raise ValueError(f"line split mismatch: {lines.len()} lines read, {expected} in the data")
    return lines


def line_offsets(data: bytes) -> np.ndarray:
    """Start offset of every physical line, plus len(data) as the final end."""
    newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
    starts = np.concatenate(([0], newlines + 1))
    if not data.endswith(b"\n"):
        starts = np.append(starts, len(data))
    return starts


def line_text(data: bytes, offsets: np.ndarray, index: int) -> str:
    """The text of line `index` (0-based) without its line ending."""
    raw = data[offsets[index] : offsets[index + 1]]
    return raw.rstrip(b"\n").removesuffix(b"\r").decode("utf-8", errors="replace")
