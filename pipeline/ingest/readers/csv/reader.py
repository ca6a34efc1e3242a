"""Read delivered CSV files into raw rows, many files at once.

Files sharing a header and line endings are read together (those holding a
quote character apart from the others), in one of two ways that give the
same rows, lines and reasons (a randomized test checks): quote-free files by
polars (csv_polars_split), the others line by line (csv_line_split). LINE
is the physical line in the file (1 = header).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from pipeline.ingest.readers.csv.header import find_header, split_header
from pipeline.ingest.readers.csv.line_split import read_line_by_line, rejected_rows
from pipeline.ingest.readers.csv.polars_split import read_quote_free
from pipeline.ingest.readers.headers import HeaderMatch, match_header
from pipeline.ingest.readers.raw_rows import FileShape, ReadBatch, conform, empty_rows
from pipeline.ingest.sources import Source


def read_csv_batch(source: Source, texts: Sequence[bytes]) -> ReadBatch:
    """Rows of UTF-8 CSV files (no byte-order mark)."""
    headers = [find_header(text) for text in texts]
    shapes = [FileShape() for _ in texts]
    groups: dict[tuple[str, bool], tuple[HeaderMatch, list[int]]] = {}
    rejected: dict[int, str] = {}
    for index, header in enumerate(headers):
        if header is None:  # zero bytes or only blank lines
            continue
        match = match_header(source, split_header(header.text))
        shapes[index] = FileShape(extra_columns=match.extra, notes=match.notes())
        if match.missing_required:
            shapes[index].rejection = rejected[index] = match.rejection_message
        else:
            # Files are read together when they share a header and line endings.
            groups.setdefault((header.text, header.crlf), (match, []))[1].append(index)

    parts: list[tuple[pl.DataFrame, pl.Series]] = []
    if rejected:
        parts.append(rejected_rows(texts, headers, rejected))
    for match, members in groups.values():
        # Files without a single quote are certainly quote-free: one file with
        # quoted fields must not send the others down the slow path with it.
        for subgroup in _split_by_quotes(texts, members):
            fast = read_quote_free(match, texts, headers, subgroup)
            parts.append(fast if fast is not None else read_line_by_line(match, texts, headers, subgroup))
    for index, header in enumerate(headers):
        if header is not None and header.line > 1:
            shapes[index].notes.append(f"{header.line - 1} blank line(s) before the header skipped")
    if not parts:
        return ReadBatch(empty_rows(source), shapes)
    for index, count in pl.concat([blank for _, blank in parts]).value_counts().iter_rows():
        shapes[index].notes.append(f"{count} blank line(s) skipped")
    rows = pl.concat([conform(part, source) for part, _ in parts])
    return ReadBatch(rows, shapes)


def _split_by_quotes(texts: Sequence[bytes], members: list[int]) -> list[list[int]]:
    """The members without any quote, and those with one (each list only if not empty)."""
    has_quote = {index: b'"' in texts[index] for index in members}
    plain = [index for index in members if not has_quote[index]]
    quoted = [index for index in members if has_quote[index]]
    return [subgroup for subgroup in (plain, quoted) if subgroup]
