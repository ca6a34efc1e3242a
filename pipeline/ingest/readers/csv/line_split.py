"""Read CSV files line by line: exact for any quoting, slower.

Every physical line becomes one row of a column first. Lines without quotes,
or with only `"…"`/`="…"` fields holding no comma or quote, are split with
vectorized string operations; the rare rest (a quoted comma, a doubled
quote, a quoted field running over several lines, a broken quote) go
through Python's csv module, one line at a time.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence

import numpy as np
import polars as pl

from pipeline.ingest.readers.csv.header import CsvHeader
from pipeline.ingest.readers.headers import HeaderMatch
from pipeline.ingest.readers.lines import BLANK_LINE, count_lines, read_lines
from pipeline.ingest.readers.raw_rows import FILE, LINE, PROBLEM, PROBLEM_DETAIL, RAW
from pipeline.ingest.reasons import RowReason

# A line is "simple" when every field is unquoted and quote-free, `"…"` or
# `="…"` without a comma or quote inside: splitting on commas is then exact.
_SIMPLE_FIELD = r'(?:[^",]*|=?"[^",]*")'
_SIMPLE_LINE = rf"^{_SIMPLE_FIELD}(?:,{_SIMPLE_FIELD})*$"

# How far a quoted field may run over line breaks before the opening quote is
# judged broken; keeps one stray quote from swallowing the rest of a file.
MAX_CONTINUATION_LINES = 100


def _with_final_newline(data: bytes) -> bytes:
    return data if not data or data.endswith(b"\n") else data + b"\n"


def rejected_rows(
    texts: Sequence[bytes], headers: list[CsvHeader | None], rejected: dict[int, str]
) -> tuple[pl.DataFrame, pl.Series]:
    frame, _, _ = _lines_frame(texts, sorted(rejected))
    body, blank_files = _records_after_header(frame, headers)
    rows = body.with_columns(
        pl.lit(RowReason.FILE_REJECTED.value).alias(PROBLEM),
        pl.col(FILE).replace_strict(rejected, return_dtype=pl.String).alias(PROBLEM_DETAIL),
    )
    return rows, blank_files


def _lines_frame(
    texts: Sequence[bytes], members: list[int]
) -> tuple[pl.DataFrame, pl.Series, dict[int, tuple[int, int]]]:
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


def _records_after_header(frame: pl.DataFrame, headers: list[CsvHeader | None]) -> tuple[pl.DataFrame, pl.Series]:
    """(the lines after each file's header that are not blank, FILE of each blank one)."""
    header_lines = pl.Series([h.line if h else 0 for h in headers], dtype=pl.Int64)
    after_header = frame.filter(pl.col(LINE) > pl.lit(header_lines).gather(pl.col(FILE)))
    blank = after_header.select(pl.col(RAW).is_null() | pl.col(RAW).str.contains(BLANK_LINE))[:, 0]
    return after_header.filter(~blank), after_header[FILE].filter(blank)


def read_line_by_line(
    match: HeaderMatch, texts: Sequence[bytes], headers: list[CsvHeader | None], members: list[int]
) -> tuple[pl.DataFrame, pl.Series]:
    """(rows, FILE of each blank line), line by line."""
    frame, lines, spans = _lines_frame(texts, members)
    body, blank_files = _records_after_header(frame, headers)
    quoted = body[RAW].str.contains('"', literal=True)
    odd = quoted.clone()
    positions = quoted.arg_true()
    if positions.len():
        simple = body[RAW].gather(positions).str.contains(_SIMPLE_LINE)
        odd.scatter(positions.filter(simple), False)
    plain, odd_rows = body.filter(~odd), body.filter(odd)
    parts = [_split_simple(plain, match)]
    if odd_rows.height:
        parsed, consumed = _split_with_csv_module(odd_rows, match, lines, spans)
        if consumed:
            taken = pl.DataFrame(consumed, schema={FILE: pl.Int32, LINE: pl.Int64}, orient="row")
            parts[0] = parts[0].join(taken, on=[FILE, LINE], how="anti")
        parts.append(parsed)
        return pl.concat(parts, how="diagonal_relaxed").sort(FILE, LINE), blank_files
    return parts[0], blank_files


def _split_simple(rows: pl.DataFrame, match: HeaderMatch) -> pl.DataFrame:
    """Split lines whose quotes (if any) only wrap whole fields without commas.

    Every comma of such a line separates fields, so counting them checks the
    width; polars' CSV reader, given the lines back, does the splitting and
    unquoting (`="…"` stays as it is: its quote does not open the field).
    """
    width = match.width
    names = [f"field_{k}" for k in range(width + 1)]
    if rows.height:
        fields = pl.read_csv(
            (rows[RAW].str.join("\n").item() + "\n").encode(),
            has_header=False,
            quote_char='"',
            schema={name: pl.String for name in names},
            truncate_ragged_lines=True,
        )
    else:
        fields = pl.DataFrame(schema={name: pl.String for name in names})
    separators = rows[RAW].str.count_matches(",", literal=True)
    wrong_width = (separators != width - 1).alias("__wrong")
    detail = pl.format("expected {} fields, found {}", pl.lit(width), pl.col("__separators") + 1)
    return rows.select(FILE, LINE, RAW).hstack(fields).with_columns(
        wrong_width, separators.alias("__separators")
    ).select(
        FILE,
        LINE,
        RAW,
        pl.when("__wrong").then(pl.lit(RowReason.MALFORMED_ROW.value)).alias(PROBLEM),
        pl.when("__wrong").then(detail).alias(PROBLEM_DETAIL),
        *(pl.col(f"field_{position}").alias(header) for header, position in match.positions.items()),
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
