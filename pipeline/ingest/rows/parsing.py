"""Turn raw text rows into cleaned text and typed columns, cheaply.

Free text must be trimmed everywhere, so those columns are cleaned up front.
Every other column is first parsed as delivered: a value that parses (a
number, a time, an accepted status) was clean already. Only the values that
do not parse are cleaned (trimmed, Excel's `="…"` unwrapped) and parsed
again, then given a tolerant parser (`¥1,234.50`, `3.0`). Real exports are
mostly clean, so most values are touched once.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from pipeline.ingest.readers.headers import contract_headers
from pipeline.ingest.readers.raw_rows import FILE, LINE, PROBLEM, PROBLEM_DETAIL, RAW
from pipeline.ingest.sources import Column, Kind, Source
from pipeline.ingest.rows.timestamps import parse_timestamps
from pipeline.ingest.rows.values import DIGITS, SECOND_LOOK, text_column, typed_value, unwrap_excel_escape

_FREE_TEXT = (Kind.TEXT, Kind.JSON, Kind.DATE)  # no parse failure tells that they need cleaning
_HEX = r"^[0-9A-Fa-f]+$"


def parse_rows(source: Source, rows: pl.DataFrame) -> pl.DataFrame:
    """Structural columns, the text of every header (`text_column`) and every typed column."""
    by_header: dict[str, list[Column]] = {}
    for column in source.columns:
        by_header.setdefault(column.header, []).append(column)
    cleaned_first = [h for h, cs in by_header.items() if any(_is_free_text(c) for c in cs)]
    excel_serials = source.file_format == "xlsx"
    texts = _texts(source, rows, cleaned_first)
    typed = texts.with_columns(_first_parse(source.columns, excel_serials, texts))
    for header, columns in by_header.items():
        if header not in cleaned_first:
            typed = _reparse_unclean(typed, header, columns, excel_serials)
    return typed


def _is_free_text(column: Column) -> bool:
    return column.kind in _FREE_TEXT and column.values is None


def _texts(source: Source, rows: pl.DataFrame, cleaned_first: list[str]) -> pl.DataFrame:
    headers = contract_headers(source)
    texts = rows.select(
        FILE,
        LINE,
        RAW,
        PROBLEM,
        PROBLEM_DETAIL,
        *((pl.col(h).str.strip_chars() if h in cleaned_first else pl.col(h)).alias(text_column(h)) for h in headers),
    )
    names = [text_column(h) for h in cleaned_first]
    if names:
        escaped = texts.select(pl.col(n).str.starts_with('="').any() for n in names).row(0)
        texts = texts.with_columns(unwrap_excel_escape(n) for n, found in zip(names, escaped) if found)
    # Empty text is no value. CSV empty fields are null already, XLSX and JSON
    # can hold "": only the columns that do are rewritten.
    names = [text_column(h) for h in headers]
    has_empty = texts.select((pl.col(n).str.len_bytes() == 0).any() for n in names).row(0)
    return texts.with_columns(
        pl.when(pl.col(n).str.len_bytes() > 0).then(pl.col(n)).alias(n) for n, found in zip(names, has_empty) if found
    )


def _first_parse(
    columns: Sequence[Column], excel_serials: bool, texts: pl.DataFrame
) -> list[pl.Series | pl.Expr]:
    parsed: list[pl.Series | pl.Expr] = []
    for column in columns:
        if column.kind is Kind.TIMESTAMP:
            text = texts[text_column(column.header)]
            parsed.append(parse_timestamps(text, excel_serials=excel_serials).alias(column.name))
        else:
            parsed.append(typed_value(column).cast(column.lake_type).alias(column.name))
    return parsed


def _unparsed(column: Column) -> pl.Expr:
    """True where the first parse says the delivered text may need cleaning."""
    text = pl.col(text_column(column.header))
    if column.kind in (Kind.TEXT, Kind.JSON):
        return ~text.is_in(column.values or ())
    if column.kind is Kind.DIGITS:
        return ~text.str.contains(DIGITS)
    if column.kind is Kind.HEX_DIGEST:
        return ~text.str.contains(_HEX)
    return pl.col(column.name).is_null()


def _reparse_unclean(typed: pl.DataFrame, header: str, columns: list[Column], excel_serials: bool) -> pl.DataFrame:
    name = text_column(header)
    suspect = pl.col(name).is_not_null() & pl.any_horizontal(_unparsed(c) for c in columns)
    positions = typed.select(suspect.fill_null(False)).to_series().arg_true()
    if positions.len() == 0:
        return typed
    raw = typed[name].gather(positions)
    texts = pl.DataFrame({name: raw.str.strip_chars()}).with_columns(unwrap_excel_escape(name))
    texts = texts.with_columns(pl.when(pl.col(name).str.len_bytes() > 0).then(pl.col(name)).alias(name))
    cleaned = texts[name]
    updates = [typed[name].clone().scatter(positions, cleaned)]
    values = texts.with_columns(_first_parse(columns, excel_serials, texts))
    for column in columns:
        value = values[column.name]
        tolerant = SECOND_LOOK.get(column.kind)
        if tolerant is not None:
            retry = (cleaned.is_not_null() & value.is_null()).arg_true()
            if retry.len():
                fixed = tolerant(cleaned.gather(retry)).cast(column.lake_type)
                value = value.scatter(retry, fixed)
        updates.append(typed[column.name].clone().scatter(positions, value))
    return typed.with_columns(updates)
