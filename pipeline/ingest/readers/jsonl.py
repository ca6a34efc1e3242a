"""Read delivered JSON Lines files into raw rows, many files at once.

Contract headers of a JSON source are dotted paths (`device.oaid`). A path
that is itself a column and also has columns below it (`properties` and
`properties.sku`) is kept whole as JSON text, and its children are read from
that text. Every value lands as text first: numbers keep their JSON spelling,
objects and arrays become JSON text, JSON null becomes null.

polars reads whole files in one go; only when it refuses a file (a broken
line somewhere) is the file re-read in chunks, and only chunks that still
fail are parsed line by line in Python to find the culprits.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from pipeline.ingest.readers.lines import count_lines, read_lines
from pipeline.ingest.readers.raw_rows import (
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

# Schema drift (unknown keys) is looked for in the first lines of each file.
DRIFT_SAMPLE_LINES = 1000
CHUNK_LINES = 20_000
_JSON_BLANK = r"^[ \t\r]*$"


@dataclass(frozen=True)
class JsonLayout:
    """How the dotted contract headers of a source sit in a JSON object."""

    headers: tuple[str, ...]
    whole_text: frozenset[str]  # paths kept as JSON text that also have children

    @classmethod
    def of(cls, source: Source) -> "JsonLayout":
        headers = tuple(dict.fromkeys(c.header for c in source.columns))
        whole = frozenset(h for h in headers if any(o.startswith(h + ".") for o in headers))
        return cls(headers, whole)

    def schema(self) -> dict[str, pl.DataType]:
        """polars read schema: struct for plain parents, text for whole-text paths."""
        tree: dict[str, Any] = {}
        for header in self.headers:
            if self.below_whole_text(header):
                continue
            node = tree
            parts = header.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node.setdefault(parts[-1], None)
        return {key: _dtype(child) for key, child in tree.items()}

    def children_of(self, parent: str) -> tuple[str, ...]:
        return tuple(h for h in self.headers if h.startswith(parent + "."))

    def below_whole_text(self, header: str) -> bool:
        return any(header.startswith(w + ".") for w in self.whole_text)

    def known_path(self, path: str) -> bool:
        return path in self.headers or any(h.startswith(path + ".") for h in self.headers) or any(
            path.startswith(w + ".") for w in self.whole_text
        )


def _dtype(node: dict[str, Any] | None) -> pl.DataType:
    if node is None:
        return pl.String()
    return pl.Struct({key: _dtype(child) for key, child in node.items()})


def read_jsonl_batch(source: Source, texts: Sequence[bytes]) -> ReadBatch:
    """Rows of UTF-8 JSON Lines files (no byte-order mark)."""
    layout = JsonLayout.of(source)
    shapes = [FileShape(extra_columns=_drift(layout, text)) for text in texts]
    counts = [count_lines(text) for text in texts]
    frame = _read_all_at_once(layout, texts, counts)
    if frame is None:
        frame = pl.concat(
            [_read_one_file(layout, text, index) for index, text in enumerate(texts)], how="diagonal_relaxed"
        )
    records = dict(frame.group_by(FILE).len().iter_rows())
    for index, shape in enumerate(shapes):
        blank = counts[index] - records.get(index, 0)
        if blank:
            shape.notes.append(f"{blank} blank line(s) skipped")
    if frame.height == 0:
        return ReadBatch(empty_rows(source), shapes)
    return ReadBatch(conform(_with_children(layout, frame), source), shapes)


def _read_all_at_once(layout: JsonLayout, texts: Sequence[bytes], counts: list[int]) -> pl.DataFrame | None:
    """The fast path: valid when polars reads one row per physical line."""
    joined = b"".join(t if t.endswith(b"\n") else t + b"\n" for t in texts if t)
    if not joined:
        return _frame_of(layout, pl.DataFrame(schema=layout.schema()), [], [], [])
    try:
        parsed = pl.read_ndjson(joined, schema=layout.schema())
    except pl.exceptions.PolarsError:
        return None
    if parsed.height != sum(counts):  # blank lines: map rows to lines file by file
        return None
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    files = np.repeat(np.arange(len(texts), dtype=np.int32), counts)
    lines = np.arange(parsed.height, dtype=np.int64) - np.repeat(starts, counts) + 1
    return _frame_of(layout, parsed, files, lines, None)


def _read_one_file(layout: JsonLayout, text: bytes, index: int) -> pl.DataFrame:
    try:
        parsed = pl.read_ndjson(text, schema=layout.schema()) if text.strip() else None
    except pl.exceptions.PolarsError:
        parsed = None
    # Blank lines at the very end (a common export artefact) keep rows and lines aligned.
    if parsed is not None and parsed.height == count_lines(text.rstrip(b" \t\r\n")):
        files = np.full(parsed.height, index, dtype=np.int32)
        return _frame_of(layout, parsed, files, np.arange(1, parsed.height + 1, dtype=np.int64), None)
    lines = read_lines(text)
    records = pl.DataFrame({LINE: np.arange(1, lines.len() + 1, dtype=np.int64), RAW: lines}).filter(
        pl.col(RAW).is_not_null() & ~pl.col(RAW).str.contains(_JSON_BLANK)
    )
    parts = []
    for offset in range(0, records.height, CHUNK_LINES):
        chunk = records.slice(offset, CHUNK_LINES)
        parts.append(_read_chunk(layout, chunk, index))
    if not parts:
        return _frame_of(layout, pl.DataFrame(schema=layout.schema()), [], [], [])
    return pl.concat(parts, how="diagonal_relaxed")


def _read_chunk(layout: JsonLayout, chunk: pl.DataFrame, index: int) -> pl.DataFrame:
    files = np.full(chunk.height, index, dtype=np.int32)
    try:
        parsed = pl.read_ndjson(chunk[RAW].str.join("\n").item().encode(), schema=layout.schema())
        if parsed.height == chunk.height:
            return _frame_of(layout, parsed, files, chunk[LINE], chunk[RAW])
    except pl.exceptions.PolarsError:
        pass
    return _read_lines_in_python(layout, chunk, index)


def _frame_of(
    layout: JsonLayout,
    parsed: pl.DataFrame,
    files: np.ndarray | list[int],
    lines: np.ndarray | pl.Series | list[int],
    raw: pl.Series | list[str] | None,
) -> pl.DataFrame:
    """Rows polars parsed, with their FILE, LINE and (when known) RAW."""
    columns = [_extract(header).alias(header) for header in layout.headers if not layout.below_whole_text(header)]
    frame = parsed.select(columns)
    return frame.with_columns(
        pl.Series(FILE, files, dtype=pl.Int32),
        pl.Series(LINE, lines, dtype=pl.Int64),
        pl.Series(RAW, raw, dtype=pl.String) if raw is not None else pl.lit(None, dtype=pl.String).alias(RAW),
        pl.lit(None, dtype=pl.String).alias(PROBLEM),
        pl.lit(None, dtype=pl.String).alias(PROBLEM_DETAIL),
    )


def _extract(header: str) -> pl.Expr:
    parts = header.split(".")
    expr = pl.col(parts[0])
    for part in parts[1:]:
        expr = expr.struct.field(part)
    return expr


def _read_lines_in_python(layout: JsonLayout, chunk: pl.DataFrame, index: int) -> pl.DataFrame:
    headers = [h for h in layout.headers if not layout.below_whole_text(h)]
    out: dict[str, list] = {name: [] for name in (LINE, RAW, PROBLEM, PROBLEM_DETAIL, *headers)}
    for line, raw in chunk.select(LINE, RAW).iter_rows():
        values, problem = _parse_line(layout, headers, raw)
        out[LINE].append(line)
        out[RAW].append(raw)
        out[PROBLEM].append(None if problem is None else RowReason.MALFORMED_JSON.value)
        out[PROBLEM_DETAIL].append(problem)
        for header in headers:
            out[header].append(values.get(header) if values is not None else None)
    frame = pl.DataFrame(out, schema={LINE: pl.Int64, **{k: pl.String for k in out if k != LINE}})
    return frame.with_columns(pl.lit(index, dtype=pl.Int32).alias(FILE))


def _parse_line(
    layout: JsonLayout, headers: list[str], raw: str
) -> tuple[dict[str, str | None] | None, str | None]:
    try:
        record = json.loads(raw, object_pairs_hook=_first_key_wins, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as failure:
        return None, f"not valid JSON: {failure}"
    if not isinstance(record, dict):
        return None, f"not a JSON object but {type(record).__name__}"
    values: dict[str, str | None] = {}
    for header in headers:
        value: Any = record
        parts = header.split(".")
        for depth, part in enumerate(parts):
            if value is None:
                break
            if not isinstance(value, dict):
                return None, f"{'.'.join(parts[:depth])} is not a JSON object"
            value = value.get(part)
        values[header] = _as_text(value)
    return values, None


def _first_key_wins(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # polars keeps the first of repeated keys; the slow path must agree.
    record: dict[str, Any] = {}
    for key, value in pairs:
        record.setdefault(key, value)
    return record


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _as_text(value: Any) -> str | None:
    """A JSON value as polars spells it when read into a String column."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


def _with_children(layout: JsonLayout, frame: pl.DataFrame) -> pl.DataFrame:
    """Fill `properties.sku` and friends from the JSON text of `properties`."""
    for parent in sorted(layout.whole_text):
        children = layout.children_of(parent)
        names = [child[len(parent) + 1 :] for child in children]
        # A parent that is not an object (a bare string, a number) has no children.
        is_object = pl.col(parent).str.starts_with("{").fill_null(False)
        payload = frame.select(pl.when(is_object).then(pl.col(parent)).otherwise(pl.lit("{}")))[parent]
        try:
            values = pl.read_ndjson(
                payload.str.join("\n").item().encode(), schema={n: _dtype(None) for n in names}
            )
            if values.height != frame.height:
                raise ValueError("row count changed")
        except (pl.exceptions.PolarsError, ValueError):
            values = _children_in_python(payload, names)
        frame = frame.with_columns(values[name].alias(child) for name, child in zip(names, children))
    return frame


def _children_in_python(payload: pl.Series, names: list[str]) -> pl.DataFrame:
    out: dict[str, list[str | None]] = {name: [] for name in names}
    for text in payload:
        try:
            record = json.loads(text, object_pairs_hook=_first_key_wins, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            record = None
        for name in names:
            out[name].append(_as_text(record.get(name)) if isinstance(record, dict) else None)
    return pl.DataFrame(out, schema={name: pl.String for name in names})


def _drift(layout: JsonLayout, text: bytes) -> tuple[str, ...]:
    """Unknown key paths in the first lines of a file (schema drift)."""
    sample = _first_lines(text, DRIFT_SAMPLE_LINES)
    if not sample.strip():
        return ()
    unknown: dict[str, None] = {}
    try:
        inferred = pl.read_ndjson(sample, infer_schema_length=None).schema
        _unknown_in_schema(layout, inferred, "", unknown)
    except pl.exceptions.PolarsError:  # a broken line among them: look line by line
        for line in sample.split(b"\n"):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                _unknown_in_record(layout, record, "", unknown)
    return tuple(unknown)


def _first_lines(text: bytes, count: int) -> bytes:
    """The first `count` lines of `text` without their final line break (split
    with a limit would also copy the whole rest of a large file)."""
    end = -1
    for _ in range(count):
        end = text.find(b"\n", end + 1)
        if end < 0:
            return text
    return text[:end]


def _unknown_in_schema(layout: JsonLayout, schema: pl.Schema | dict, prefix: str, unknown: dict[str, None]) -> None:
    for key, dtype in schema.items():
        path = f"{prefix}{key}"
        if not layout.known_path(path):
            unknown[path] = None
        elif isinstance(dtype, pl.Struct) and path not in layout.headers:
            _unknown_in_schema(layout, {f.name: f.dtype for f in dtype.fields}, path + ".", unknown)


def _unknown_in_record(layout: JsonLayout, record: dict[str, Any], prefix: str, unknown: dict[str, None]) -> None:
    for key, value in record.items():
        path = f"{prefix}{key}"
        if not layout.known_path(path):
            unknown[path] = None
        elif isinstance(value, dict) and path not in layout.headers:
            _unknown_in_record(layout, value, path + ".", unknown)
