"""Read delivered CSV files into raw rows, many files at once.

Two ways to the same result:

* Fast: when no field of a file starts with a quote (Excel's `="…"` escapes
  are fine: the quote is not first), splitting on commas is exactly what a
  CSV parser does, so polars' multi-threaded reader splits the fields with
  quoting switched off. Each physical line is one row; the field count of
  every line is proven by comparing the line's byte length with the lengths
  of the fields polars found plus the separators between them.
* Exact: otherwise the file is read line by line into one column. Lines
  without quotes, or with only `"…"`/`="…"` fields holding no comma or quote,
  are split with vectorized string operations; the rare rest (a quoted comma,
  a doubled quote, a quoted field running over several lines, a broken
  quote) go through Python's csv module.

Either way LINE is the physical line in the file (1 = header).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from pipeline.ingest.headers import HeaderMatch, match_header
from pipeline.ingest.lines import count_lines, read_lines
from pipeline.ingest.raw_rows import (
    FILE,
    LINE,
    PROBLEM,
    PROBLEM_DETAIL,
    RAW,
    FileShape,
    ReadBatch,
    conform,
    empty_rows,
)
from pipeline.ingest.reasons import RowReason
from pipeline.ingest.sources import Source

# A line is "simple" when every field is unquoted and quote-free, `"…"` or
# `="…"` without a comma or quote inside: splitting on commas is then exact.
_SIMPLE_FIELD = r'(?:[^",]*|=?"[^",]*")'
_SIMPLE_LINE = rf"^{_SIMPLE_FIELD}(?:,{_SIMPLE_FIELD})*$"
_BLANK = r"^\s*$"

# How far a quoted field may run over line breaks before the opening quote is
# judged broken; keeps one stray quote from swallowing the rest of a file.
MAX_CONTINUATION_LINES = 100


@dataclass(frozen=True)
class _Header:
    line: int  # physical line number of the header (the first non-blank line)
    text: str
    body_offset: int  # byte offset of the line after the header


def read_csv_batch(source: Source, texts: Sequence[bytes]) -> ReadBatch:
    """Rows of UTF-8 CSV files (no byte-order mark)."""
    headers = [_find_header(text) for text in texts]
    shapes = [FileShape() for _ in texts]
    groups: dict[str, tuple[HeaderMatch, list[int]]] = {}
    rejected: dict[int, str] = {}
    for index, header in enumerate(headers):
        if header is None:  # zero bytes or only blank lines
            continue
        match = match_header(source, _split_header(header.text))
        shapes[index] = FileShape(extra_columns=match.extra, notes=match.notes())
        if match.missing_required:
            shapes[index].rejection = rejected[index] = match.rejection_message
        else:
            groups.setdefault(header.text, (match, []))[1].append(index)

    parts: list[tuple[pl.DataFrame, pl.Series]] = []
    if rejected:
        parts.append(_rejected_rows(texts, headers, rejected))
    for match, members in groups.values():
        fast = _read_fast(match, texts, headers, members)
        parts.append(fast if fast is not None else _read_exact(match, texts, headers, members))
    for index, header in enumerate(headers):
        if header is not None and header.line > 1:
            shapes[index].notes.append(f"{header.line - 1} blank line(s) before the header skipped")
    if not parts:
        return ReadBatch(empty_rows(source), shapes)
    for index, count in pl.concat([blank for _, blank in parts]).value_counts().iter_rows():
        shapes[index].notes.append(f"{count} blank line(s) skipped")
    rows = pl.concat([conform(part, source) for part, _ in parts])
    return ReadBatch(rows, shapes)


def _find_header(text: bytes) -> _Header | None:
    position, number = 0, 1
    while position < len(text):
        end = text.find(b"\n", position)
        end = len(text) if end < 0 else end
        line = text[position:end].decode("utf-8").removesuffix("\r")
        if line.strip():
            return _Header(number, line, end + 1)
        position, number = end + 1, number + 1
    return None


def _split_header(line: str) -> list[str]:
    try:
        return next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return line.split(",")


def _with_final_newline(data: bytes) -> bytes:
    return data if not data or data.endswith(b"\n") else data + b"\n"


def _body_bytes(texts: Sequence[bytes], headers: list[_Header | None], members: list[int]) -> tuple[bytes, int]:
    """(buffer holding the member files' lines after their headers, lines to skip at its start)."""
    if len(members) == 1:
        header = headers[members[0]]
        assert header is not None
        return texts[members[0]], header.line
    pieces: list[bytes | memoryview] = []
    for index in members:
        header = headers[index]
        assert header is not None
        body = memoryview(texts[index])[header.body_offset :]
        pieces.append(body)
        if len(body) and body[-1] != ord("\n"):
            pieces.append(b"\n")
    return b"".join(pieces), 0


def _read_fast(
    match: HeaderMatch, texts: Sequence[bytes], headers: list[_Header | None], members: list[int]
) -> tuple[pl.DataFrame, pl.Series] | None:
    """(rows, FILE of each blank line) as polars splits them, or None when a
    field starts with a quote (then only a real CSV parser reads it right) or
    polars does not see one row per physical line."""
    buffer, skip = _body_bytes(texts, headers, members)
    width = match.width
    names = [f"field_{k}" for k in range(width + 1)]  # one spare column catches surplus fields
    try:
        fields = pl.read_csv(
            buffer,
            has_header=False,
            quote_char=None,
            schema={name: pl.String for name in names},
            truncate_ragged_lines=True,
            raise_if_empty=False,
            skip_lines=skip,
        )
    except pl.exceptions.PolarsError:
        return None
    if b'"' in buffer and fields.select(pl.any_horizontal(pl.col(n).str.starts_with('"').any() for n in names)).item():
        return None
    shape = fields.select(
        pl.all_horizontal(pl.col(n).is_null() for n in names).alias("empty"),
        pl.sum_horizontal(pl.col(n).str.len_bytes().fill_null(0) for n in names).cast(pl.Int64).alias("bytes"),
    )
    # The bytes a well-formed line holds: its fields and the separators between them.
    expected = np.where(shape["empty"].to_numpy(), 0, shape["bytes"].to_numpy() + (width - 1))
    offset = headers[members[0]].body_offset if skip else 0  # type: ignore[union-attr]
    raw = np.frombuffer(buffer, dtype=np.uint8, offset=offset)
    geometry = _predicted_geometry(expected, raw) or _scanned_geometry(fields, raw)
    if geometry is None:  # polars saw the lines differently: leave it to the line-by-line reading
        return None
    starts, ends = geometry
    fits = (ends - starts) == np.where(expected == 0, width - 1, expected)
    blank = pl.Series(((ends - starts) == 0) | _whitespace_lines(fields, names, starts, ends), dtype=pl.Boolean)
    fits |= blank.to_numpy()
    counts = [count_lines(texts[i]) - headers[i].line for i in members] if len(members) > 1 else [fields.height]  # type: ignore[union-attr]
    first_line = np.repeat([headers[i].line + 1 for i in members], counts)  # type: ignore[union-attr]
    local = np.arange(fields.height) - np.repeat(np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    frame = fields.with_columns(
        pl.Series(FILE, np.repeat(members, counts), dtype=pl.Int32),
        pl.Series(LINE, first_line + local, dtype=pl.Int64),
        pl.Series("__index", np.arange(fields.height), dtype=pl.Int64),
        pl.Series("__fits", fits, dtype=pl.Boolean),
    )
    blank_files = frame[FILE].filter(blank)
    if blank_files.len():
        frame = frame.filter(~blank)
    columns = [pl.col(f"field_{p}").alias(h) for h, p in match.positions.items()]
    misfit_rows = frame["__fits"].not_().arg_true()
    if misfit_rows.len() == 0:
        rows = frame.select(
            FILE,
            LINE,
            *(pl.lit(None, dtype=pl.String).alias(n) for n in (RAW, PROBLEM, PROBLEM_DETAIL)),
            *columns,
        )
        return rows, blank_files
    raw_text, problem, detail = _explain_misfits(frame, misfit_rows, raw, starts, ends, width)
    # A line that does not fit keeps no field values: they would be misaligned.
    rows = frame.select(
        FILE,
        LINE,
        raw_text,
        problem,
        detail,
        *(pl.when(pl.col("__fits")).then(c).alias(h) for c, h in zip(columns, match.positions)),
    )
    return rows, blank_files


def _predicted_geometry(expected: np.ndarray, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Start and end of every line if every line is a well-formed row or empty, else None.

    The lines are laid end to end with their expected lengths, and the guess
    holds only if a line break sits exactly where each guessed line ends:
    much cheaper than looking at every byte for line breaks.
    """
    if expected.size == 0:
        return (np.zeros(0, np.int64), np.zeros(0, np.int64)) if raw.size == 0 else None
    first_break = raw[: min(raw.size, 1 << 20)].tobytes().find(b"\n")
    crlf = bool(first_break > 0 and raw[first_break - 1] == ord("\r"))
    terminator = 2 if crlf else 1
    starts = np.cumsum(expected + terminator) - (expected + terminator)
    ends = starts + expected
    size = raw.size
    inner = ends[:-1]
    if ends[-1] > size or (inner.size and inner.max() + terminator > size):
        return None
    ok = raw[inner] == (ord("\r") if crlf else ord("\n"))
    if crlf:
        ok &= raw[inner + 1] == ord("\n")
    tail = raw[int(ends[-1]) :].tobytes()
    if not ok.all() or tail not in (b"", b"\r\n" if crlf else b"\n"):
        return None
    return starts, ends


def _scanned_geometry(fields: pl.DataFrame, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Start and end (without `\\r`) of every line from the positions of all line breaks."""
    newlines = np.flatnonzero(raw == ord("\n"))
    if raw.size and raw[-1] != ord("\n"):
        newlines = np.append(newlines, raw.size)
    if newlines.size != fields.height:
        return None
    starts = np.concatenate(([0], newlines[:-1] + 1)).astype(np.int64)
    carriage = (newlines > starts) & (raw[np.maximum(newlines - 1, 0)] == ord("\r"))
    return starts, (newlines - carriage).astype(np.int64)


def _whitespace_lines(fields: pl.DataFrame, names: list[str], starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Lines holding nothing but whitespace (all of it lands in the first field)."""
    first = pl.col(names[0])
    only_first = pl.all_horizontal(pl.col(n).is_null() for n in names[1:])
    content = pl.Series(ends - starts, dtype=pl.Int64)
    candidates = fields.select(only_first & first.is_not_null() & (first.str.len_bytes() == content)).to_series()
    positions = candidates.arg_true()
    found = np.zeros(fields.height, dtype=bool)
    if positions.len():
        whitespace = fields[names[0]].gather(positions).str.contains(_BLANK).to_numpy()
        found[positions.to_numpy()[whitespace]] = True
    return found


def _explain_misfits(
    frame: pl.DataFrame, misfit_rows: pl.Series, raw: np.ndarray, starts: np.ndarray, ends: np.ndarray, width: int
) -> tuple[pl.Series, pl.Series, pl.Series]:
    """RAW, PROBLEM and PROBLEM_DETAIL columns: set for the lines whose field count is wrong."""
    texts = [
        raw[starts[index] : ends[index]].tobytes().decode("utf-8")
        for index in frame["__index"].gather(misfit_rows)
    ]
    details = [f"expected {width} fields, found {text.count(',') + 1}" for text in texts]
    empty = pl.Series([None] * frame.height, dtype=pl.String)
    raw = empty.clone().scatter(misfit_rows, pl.Series(texts, dtype=pl.String)).alias(RAW)
    problem = empty.clone().scatter(misfit_rows, RowReason.MALFORMED_ROW.value).alias(PROBLEM)
    detail = empty.clone().scatter(misfit_rows, pl.Series(details, dtype=pl.String)).alias(PROBLEM_DETAIL)
    return raw, problem, detail


def _rejected_rows(
    texts: Sequence[bytes], headers: list[_Header | None], rejected: dict[int, str]
) -> tuple[pl.DataFrame, pl.Series]:
    frame, _, _ = _lines_frame(texts, sorted(rejected))
    body, blank_files = _body(frame, headers)
    rows = body.with_columns(
        pl.lit(RowReason.FILE_REJECTED.value).alias(PROBLEM),
        pl.col(FILE).replace_strict(rejected, return_dtype=pl.String).alias(PROBLEM_DETAIL),
    )
    return rows, blank_files


def _lines_frame(texts: Sequence[bytes], members: list[int]) -> tuple[pl.DataFrame, pl.Series, dict[int, tuple[int, int]]]:
    """Every physical line of the member files: FILE, LINE, RAW; plus where each file's lines sit."""
    counts = [count_lines(texts[i]) for i in members]
    lines = read_lines(b"".join(_with_final_newline(texts[i]) for i in members))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    spans = {file: (int(start), int(start) + count) for file, start, count in zip(members, starts, counts)}
    frame = pl.DataFrame(
        {
            FILE: pl.Series(np.repeat(members, counts), dtype=pl.Int32),
            LINE: np.arange(lines.len(), dtype=np.int64) - np.repeat(starts, counts) + 1,
            RAW: lines,
        }
    )
    return frame, lines, spans


def _body(frame: pl.DataFrame, headers: list[_Header | None]) -> tuple[pl.DataFrame, pl.Series]:
    """(the lines after each file's header that are not blank, FILE of each blank one)."""
    header_lines = pl.Series([h.line if h else 0 for h in headers], dtype=pl.Int64)
    after_header = frame.filter(pl.col(LINE) > pl.lit(header_lines).gather(pl.col(FILE)))
    blank = after_header.select(pl.col(RAW).is_null() | pl.col(RAW).str.contains(_BLANK))[:, 0]
    return after_header.filter(~blank), after_header[FILE].filter(blank)


def _read_exact(
    match: HeaderMatch, texts: Sequence[bytes], headers: list[_Header | None], members: list[int]
) -> tuple[pl.DataFrame, pl.Series]:
    """(rows, FILE of each blank line), line by line."""
    frame, lines, spans = _lines_frame(texts, members)
    body, blank_files = _body(frame, headers)
    raw = body[RAW]
    has_quote = raw.str.contains('"', literal=True)
    if has_quote.any():
        odd = has_quote & ~raw.str.contains(_SIMPLE_LINE)
        plain, odd_rows = body.filter(~odd), body.filter(odd)
    else:
        plain, odd_rows = body, body.clear()
    parts = [_split_vectorized(plain, match)]
    if odd_rows.height:
        parsed, consumed = _split_with_csv_module(odd_rows, match, lines, spans)
        if consumed:
            taken = pl.DataFrame(consumed, schema={FILE: pl.Int32, LINE: pl.Int64}, orient="row")
            parts[0] = parts[0].join(taken, on=[FILE, LINE], how="anti")
        parts.append(parsed)
        return pl.concat(parts, how="diagonal_relaxed").sort(FILE, LINE), blank_files
    return parts[0], blank_files


def _split_vectorized(rows: pl.DataFrame, match: HeaderMatch) -> pl.DataFrame:
    width = match.width
    separators = pl.col(RAW).str.count_matches(",", literal=True)
    wrong_width = separators != width - 1
    fields = pl.col(RAW).str.split_exact(",", max(width - 1, 0))
    columns = []
    for header, position in match.positions.items():
        value = fields.struct.field(f"field_{position}")
        # Only `"…"` without quotes or commas inside reaches here; strip its quotes.
        unquoted = value.str.strip_prefix('"').str.strip_suffix('"')
        columns.append(pl.when(value.str.starts_with('"')).then(unquoted).otherwise(value).alias(header))
    return rows.select(
        FILE,
        LINE,
        RAW,
        pl.when(wrong_width).then(pl.lit(RowReason.MALFORMED_ROW.value)).alias(PROBLEM),
        pl.when(wrong_width)
        .then(pl.format("expected {} fields, found {}", pl.lit(width), separators + 1))
        .alias(PROBLEM_DETAIL),
        *columns,
    )


def _split_with_csv_module(
    rows: pl.DataFrame, match: HeaderMatch, lines: pl.Series, spans: dict[int, tuple[int, int]]
) -> tuple[pl.DataFrame, list[tuple[int, int]]]:
    """Parse the odd lines one by one; a quote left open may close on a later line."""
    headers = list(match.positions)
    positions = list(match.positions.values())
    out: dict[str, list] = {name: [] for name in (FILE, LINE, RAW, PROBLEM, PROBLEM_DETAIL, *headers)}
    consumed: list[tuple[int, int]] = []
    taken: set[tuple[int, int]] = set()
    for file, line, raw in rows.select(FILE, LINE, RAW).iter_rows():
        if (file, line) in taken:
            continue
        start, end = spans[file]
        text, fields, problem, used = _parse_record(raw, match.width, lines, start + line, end)
        continuation = [(file, line + extra) for extra in range(1, used + 1)]
        consumed += continuation
        taken.update(continuation)
        out[FILE].append(file)
        out[LINE].append(line)
        out[RAW].append(text)
        out[PROBLEM].append(None if problem is None else RowReason.MALFORMED_ROW.value)
        out[PROBLEM_DETAIL].append(problem)
        for header, position in zip(headers, positions):
            out[header].append(fields[position] if problem is None else None)
    schema = {FILE: pl.Int32, LINE: pl.Int64, **{name: pl.String for name in out if name not in (FILE, LINE)}}
    return pl.DataFrame(out, schema=schema), consumed


def _parse_record(
    first: str, width: int, lines: pl.Series, next_index: int, end_index: int
) -> tuple[str, list[str], str | None, int]:
    """(raw text, fields, problem, continuation lines used) of the record starting with `first`.

    `fields` is only meaningful when `problem` is None.
    """
    fields, error = _parse_strict(first)
    if error is None:
        return first, fields, _width_problem(fields, width), 0
    if first.count('"') % 2 == 1:
        text = first
        last = min(end_index, next_index + MAX_CONTINUATION_LINES)
        for used, index in enumerate(range(next_index, last), start=1):
            text = f"{text}\n{lines[index] or ''}"
            if text.count('"') % 2 == 1:
                continue
            joined, joined_error = _parse_strict(text)
            if joined_error is None and len(joined) == width:
                return text, joined, None, used
            break
        return first, [], "broken quoting: a quote opened on this line is never closed", 0
    return first, [], f"broken quoting: {error}", 0


def _parse_strict(text: str) -> tuple[list[str], str | None]:
    try:
        return next(csv.reader([text], strict=True)), None
    except csv.Error as failure:
        return [], str(failure)


def _width_problem(fields: list[str], width: int) -> str | None:
    if len(fields) == width:
        return None
    return f"expected {width} fields, found {len(fields)}"

