"""File formats of the deliveries, as bytes: CSV in three encodings, JSON Lines (plain or gzip), XLSX.

Every writer is deterministic: no timestamps from the clock end up in a file
(gzip mtime 0, XLSX creation time set from the delivery), so the same data
always gives the same bytes.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from datetime import datetime

import polars as pl
import xlsxwriter

GZIP_LEVEL = 1  # any level decodes the same; the fastest keeps a year of events quick to write
BOM = "\ufeff"


@dataclass(frozen=True)
class CsvStyle:
    encoding: str = "utf-8"  # "utf-8", "utf-8-sig" (with BOM) or "gb18030"
    crlf: bool = False
    quote_never: bool = False  # Excel-style exports write `="…"` unquoted; such files carry no commas in values


def csv_text(frame: pl.DataFrame, style: CsvStyle) -> str:
    return frame.write_csv(
        None,
        line_terminator="\r\n" if style.crlf else "\n",
        quote_style="never" if style.quote_never else "necessary",
    )


def encode_text(text: str, encoding: str) -> bytes:
    if encoding == "utf-8-sig":
        return (BOM + text).encode("utf-8")
    return text.encode(encoding)


def jsonl_text(lines: pl.Series, crlf: bool = False) -> str:
    if lines.len() == 0:
        return ""
    ending = "\r\n" if crlf else "\n"
    return lines.str.join(ending).item() + ending


def jsonl_bytes(text: str, gzipped: bool) -> bytes:
    data = text.encode("utf-8")
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0) if gzipped else data


@dataclass(frozen=True)
class XlsxColumn:
    header: str
    values: list[object]  # str, int, float, datetime or None per row
    width: float = 14


def xlsx_bytes(columns: list[XlsxColumn], created: datetime, sheet_name: str = "订单数据") -> bytes:
    """A one-sheet workbook; datetime values become real Excel date cells, strings stay text."""
    buffer = io.BytesIO()
    options = {
        "in_memory": True,  # also gives the zip members a fixed timestamp
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "default_date_format": "yyyy-mm-dd hh:mm:ss",  # datetime cells get a date style, so readers see dates
    }
    workbook = xlsxwriter.Workbook(buffer, options)
    workbook.set_properties({"created": created, "author": "jd-export"})
    sheet = workbook.add_worksheet(sheet_name)
    header_format = workbook.add_format({"bold": True})
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, column.header, header_format)
        sheet.write_column(1, index, column.values)
    workbook.close()
    return buffer.getvalue()
