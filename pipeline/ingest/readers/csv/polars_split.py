"""Read CSV files in which no field starts with a quote: polars splits, arithmetic proves.

With no field starting with a quote, splitting on commas is exactly what a
CSV parser does (Excel's `="…"` is fine: its quote is not first), so polars'
multi-threaded reader splits the fields with quoting switched off: each
physical line is one row. Whether each line holds exactly the header's
number of fields is then proven without looking at every byte: see
`_predicted_geometry`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from pipeline.ingest.readers.csv.header import CsvHeader
from pipeline.ingest.readers.headers import HeaderMatch
from pipeline.ingest.readers.lines import BLANK_LINE
from pipeline.ingest.readers.raw_rows import FILE, LINE, PROBLEM, PROBLEM_DETAIL, RAW
from pipeline.ingest.reasons import RowReason


@dataclass(frozen=True)
class _Body:
    """The lines after the headers of some files, in one buffer."""

    buffer: bytes
    offset: int  # where the lines start in the buffer
    skip_lines: int  # lines polars must skip to get there
    starts: np.ndarray  # where each file's lines start, counted from `offset`


def _bodies(texts: Sequence[bytes], headers: list[CsvHeader | None], members: list[int]) -> _Body:
    if len(members) == 1:
        header = headers[members[0]]
        assert header is not None
        return _Body(texts[members[0]], header.body_offset, header.line, np.zeros(1, dtype=np.int64))
    pieces: list[bytes | memoryview] = []
    starts = []
    size = 0
    for index in members:
        header = headers[index]
        assert header is not None
        body = memoryview(texts[index])[header.body_offset :]
        starts.append(size)
        pieces.append(body)
        size += len(body)
        if len(body) and body[-1] != ord("\n"):
            ending = b"\r\n" if header.crlf else b"\n"
            pieces.append(ending)
            size += len(ending)
    return _Body(b"".join(pieces), 0, 0, np.asarray(starts, dtype=np.int64))


def read_quote_free(
    match: HeaderMatch, texts: Sequence[bytes], headers: list[CsvHeader | None], members: list[int]
) -> tuple[pl.DataFrame, pl.Series] | None:
    """(rows, FILE of each blank line) as polars splits them, or None when a
    field starts with a quote (then only a real CSV parser reads it right) or
    polars does not see one row per physical line."""
    body = _bodies(texts, headers, members)
    width = match.width
    names = [f"field_{k}" for k in range(width + 1)]  # one spare column catches surplus fields
    try:
        fields = pl.read_csv(
            body.buffer,
            has_header=False,
            quote_char=None,
            schema={name: pl.String for name in names},
            truncate_ragged_lines=True,
            raise_if_empty=False,
            skip_lines=body.skip_lines,
        )
    except pl.exceptions.PolarsError:
        return None
    if b'"' in body.buffer and fields.select(
        pl.any_horizontal(pl.col(n).str.starts_with('"').any() for n in names)
    ).item():
        return None
    shape = fields.select(
        pl.all_horizontal(pl.col(n).is_null() for n in names).alias("empty"),
        pl.sum_horizontal(pl.col(n).str.len_bytes().fill_null(0) for n in names).cast(pl.Int64).alias("bytes"),
    )
    # The bytes a well-formed line holds: its fields and the separators between them.
    expected = np.where(shape["empty"].to_numpy(), 0, shape["bytes"].to_numpy() + (width - 1))
    raw = np.frombuffer(body.buffer, dtype=np.uint8, offset=body.offset)
    crlf = headers[members[0]].crlf  # type: ignore[union-attr]
    geometry = _predicted_geometry(expected, raw, body.buffer, body.offset, crlf) or _scanned_geometry(fields, raw)
    if geometry is None:  # polars saw the lines differently: leave it to the line-by-line reading
        return None
    starts, ends = geometry
    fits = (ends - starts) == np.where(expected == 0, width - 1, expected)
    blank = pl.Series(((ends - starts) == 0) | _whitespace_lines(fields, names, starts, ends), dtype=pl.Boolean)
    fits |= blank.to_numpy()
    member_of_row = np.searchsorted(body.starts, starts, side="right") - 1
    first_row = np.searchsorted(member_of_row, np.arange(len(members)))
    header_lines = np.asarray([headers[i].line for i in members], dtype=np.int64)  # type: ignore[union-attr]
    lines = np.arange(fields.height) - first_row[member_of_row] + header_lines[member_of_row] + 1
    frame = fields.with_columns(
        pl.Series(FILE, np.asarray(members, dtype=np.int32)[member_of_row], dtype=pl.Int32),
        pl.Series(LINE, lines, dtype=pl.Int64),
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


# Lines found not to be what their fields predict, before a full scan is cheaper.
MAX_SURPRISES = 16


def _predicted_geometry(
    expected: np.ndarray, raw: np.ndarray, buffer: bytes, offset: int, crlf: bool
) -> tuple[np.ndarray, np.ndarray] | None:
    """Start and end (without `\\r`) of every line, or None when the rows polars
    found do not cover the lines exactly or too many lines surprise.

    The lines are laid end to end with the lengths their fields predict (field
    bytes plus separators, 0 for a row of nothing); a prediction holds if a
    line break sits exactly where the predicted line ends. Where one does not
    (a malformed line), the real end of that line is looked up and the
    prediction starts again from the next line. Much cheaper than looking at
    every byte for line breaks.
    """
    rows, size = expected.size, raw.size
    starts = np.empty(rows, dtype=np.int64)
    ends = np.empty(rows, dtype=np.int64)
    if rows == 0:
        return (starts, ends) if size == 0 else None
    terminator = 2 if crlf else 1
    row, start = 0, 0
    for _ in range(MAX_SURPRISES + 1):
        lengths = expected[row:] + terminator
        line_starts = start + np.cumsum(lengths) - lengths
        line_ends = line_starts + expected[row:]
        within = np.minimum(line_ends, size - 1)
        ok = (line_ends < size) & (raw[within] == (ord("\r") if crlf else ord("\n")))
        if crlf:
            ok &= raw[np.minimum(within + 1, size - 1)] == ord("\n")
        else:
            # polars drops a `\r` before the line break: that byte is then not in any field.
            ok &= (line_ends == line_starts) | (raw[np.maximum(within - 1, 0)] != ord("\r"))
        # A last line without a line break (polars drops a `\r` there too).
        ok[-1] |= (line_ends[-1] == size) & (raw[size - 1] != ord("\n")) & (raw[size - 1] != ord("\r"))
        surprises = np.flatnonzero(~ok)
        if surprises.size == 0:
            starts[row:], ends[row:] = line_starts, line_ends
            consumed = min(int(line_ends[-1]) + terminator, size)
            return (starts, ends) if consumed == size else None
        first = int(surprises[0])
        starts[row : row + first], ends[row : row + first] = line_starts[:first], line_ends[:first]
        surprise_start = int(line_starts[first])
        if surprise_start >= size:
            return None
        line_break = buffer.find(b"\n", offset + surprise_start) - offset
        line_break = size if line_break < 0 else line_break
        carriage = line_break > surprise_start and raw[line_break - 1] == ord("\r")
        starts[row + first], ends[row + first] = surprise_start, line_break - carriage
        row, start = row + first + 1, line_break + 1
        if row == rows:
            return (starts, ends) if start >= size else None
    return None


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
        whitespace = fields[names[0]].gather(positions).str.contains(BLANK_LINE).to_numpy()
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
