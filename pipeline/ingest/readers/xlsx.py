"""Read the first sheet of delivered XLSX workbooks into raw rows.

Cells are read as text by calamine (through fastexcel): numbers in their
shortest spelling (`2`, `12.5`, `13812345678`), date cells as
`YYYY-MM-DD HH:MM:SS[.fff]` wall-clock time. calamine drops the empty rows
and columns around the used range, so the sheet row of the first used row is
read from the sheet XML to keep `LINE` equal to the row number Excel shows.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from xml.etree import ElementTree

import fastexcel
import polars as pl

from pipeline.ingest.readers.decoding import UnreadableFile
from pipeline.ingest.readers.headers import match_header
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

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_ROW = re.compile(r"(\d+)$")


@dataclass(frozen=True)
class Sheet:
    cells: pl.DataFrame  # the used range of the first sheet, every cell as text
    first_row: int  # sheet row number (1-based) of the first row of `cells`


def open_workbook(data: bytes) -> Sheet:
    try:
        cells = fastexcel.read_excel(data).load_sheet(0, header_row=None, dtypes="string").to_polars()
    except fastexcel.FastExcelError as failure:
        first_line = str(failure).splitlines()[0] if str(failure) else type(failure).__name__
        raise UnreadableFile(f"not a readable XLSX workbook ({first_line})") from None
    return Sheet(cells=cells, first_row=_first_used_row(data))


def _first_used_row(data: bytes) -> int:
    """Row number of the first cell with a value in the first sheet (1 when unknown)."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as book:
            sheet_path = _first_sheet_path(book)
            with book.open(sheet_path) as sheet:
                for _, element in ElementTree.iterparse(sheet, events=("end",)):
                    if element.tag == f"{_MAIN}c" and _has_value(element):
                        found = _CELL_ROW.search(element.get("r", ""))
                        if found:
                            return int(found.group(1))
                    if element.tag == f"{_MAIN}row":
                        element.clear()
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        pass
    return 1


def _first_sheet_path(book: zipfile.ZipFile) -> str:
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    first = workbook.find(f"{_MAIN}sheets/{_MAIN}sheet")
    if first is None:
        raise KeyError("workbook has no sheet")
    relation_id = first.get(f"{_REL}id")
    relations = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    for relation in relations.iter(f"{_PKG_REL}Relationship"):
        if relation.get("Id") == relation_id:
            target = relation.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise KeyError(f"relationship {relation_id} not found")


def _has_value(cell: ElementTree.Element) -> bool:
    value = cell.find(f"{_MAIN}v")
    if value is not None and value.text:
        return True
    return cell.find(f"{_MAIN}is") is not None


def read_xlsx_batch(source: Source, sheets: Sequence[Sheet]) -> ReadBatch:
    shapes: list[FileShape] = []
    parts: list[pl.DataFrame] = []
    for index, sheet in enumerate(sheets):
        shape, rows = _read_sheet(source, sheet, index)
        shapes.append(shape)
        if rows is not None:
            parts.append(rows)
    if not parts:
        return ReadBatch(empty_rows(source), shapes)
    return ReadBatch(pl.concat(parts, how="diagonal_relaxed"), shapes)


def _read_sheet(source: Source, sheet: Sheet, index: int) -> tuple[FileShape, pl.DataFrame | None]:
    cells = sheet.cells
    if cells.width == 0:
        return FileShape(), None
    names = cells.columns
    blank = pl.all_horizontal((pl.col(n).is_null() | (pl.col(n).str.strip_chars() == "")) for n in names)
    rows = cells.with_row_index(LINE, offset=sheet.first_row).with_columns(pl.col(LINE).cast(pl.Int64))
    rows = rows.filter(~blank)
    if rows.height == 0:
        return FileShape(), None
    header = [value or "" for value in rows.row(0)[1:]]
    match = match_header(source, header)
    shape = FileShape(extra_columns=match.extra, notes=match.notes())
    skipped = cells.height - rows.height
    if skipped:
        shape.notes.append(f"{skipped} blank row(s) skipped")
    body = rows.slice(1).with_columns(
        pl.lit(index, dtype=pl.Int32).alias(FILE),
        pl.concat_str([_as_csv_field(n) for n in names], separator=",").alias(RAW),
    )
    if match.missing_required:
        shape.rejection = match.rejection_message
        frame = body.select(
            FILE,
            LINE,
            RAW,
            pl.lit(RowReason.FILE_REJECTED.value).alias(PROBLEM),
            pl.lit(match.rejection_message).alias(PROBLEM_DETAIL),
        )
    else:
        frame = body.select(
            FILE,
            LINE,
            RAW,
            pl.lit(None, dtype=pl.String).alias(PROBLEM),
            pl.lit(None, dtype=pl.String).alias(PROBLEM_DETAIL),
            *(pl.col(names[position]).alias(h) for h, position in match.positions.items()),
        )
    return shape, conform(frame, source)


def _as_csv_field(name: str) -> pl.Expr:
    """A cell spelled as a CSV field, for the raw text of quarantined rows."""
    value = pl.col(name).fill_null("")
    needs_quotes = value.str.contains(r'[",\n\r]')
    quoted = pl.concat_str([pl.lit('"'), value.str.replace_all('"', '""', literal=True), pl.lit('"')])
    return pl.when(needs_quotes).then(quoted).otherwise(value)
