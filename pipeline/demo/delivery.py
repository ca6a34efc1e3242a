"""Putting files into the inbox the way channels really deliver them.

Renderers hand over a `FileSpec`: the delivered columns of one file for one
business day. Here each file gets its format-level mess (encoding, BOM, CRLF,
an unknown extra column, broken rows, the one broken file) and its
delivery-level mess (arriving a day or two late, being re-sent under another
name or date, sitting next to a header-only or zero-byte file), then is
written to `<inbox>/<source>/<delivery date>/<name>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Callable

import numpy as np
import polars as pl

from pipeline.demo import breakage
from pipeline.demo.calendar import Window
from pipeline.demo.randomness import stream
from pipeline.demo.writers import CsvStyle, XlsxColumn, csv_text, encode_text, jsonl_bytes, jsonl_text, xlsx_bytes

RATES = {
    "late_1_day": 0.05,  # files delivered in the next day's folder
    "late_2_days": 0.015,  # files delivered two days late
    "resent": 0.012,  # files delivered again, same bytes, in a later folder (same or other name)
    "header_only_extra": 0.01,  # an extra header-only file next to the day's file
    "zero_byte_extra": 0.005,  # an extra zero-byte file next to the day's file
    "extra_column": 0.03,  # CSV/XLSX files with an unknown extra column (schema drift)
    "utf8_bom": 0.03,  # plain UTF-8 CSV sources that sometimes arrive with a BOM (saved from Excel)
}
# source -> (encoding, share of files with CRLF line endings)
CSV_ENCODINGS: dict[str, tuple[str, float]] = {
    "tmall_orders": ("gb18030", 0.7),
    "pos_sales": ("gb18030", 0.5),
    "tmall_members": ("utf-8-sig", 0.3),
}
DEFAULT_CSV_ENCODING = ("utf-8", 0.15)
BOM_PRONE = ("crm_members", "eshop_orders", "consents")
EXTRA_COLUMNS_CN = (("备注", ("", "", "加急", "VIP客户", "已核对")), ("渠道来源", ("", "直播间", "小程序", "门店")))
EXTRA_COLUMNS_EN = (("remark", ("", "", "vip", "checked", "manual fix")), ("ext_info", ("", "{}", "v2", "batch-7")))
KNOWN_EXTENSIONS = (".jsonl.gz", ".jsonl", ".csv", ".xlsx")


@dataclass(frozen=True)
class FileSpec:
    source: str
    day: int  # business day of the data (window day index)
    name: str  # file name with extension
    frame: pl.DataFrame  # delivered columns as text, named by their delivered header
    json_lines: Callable[[pl.DataFrame], pl.Series] | None = None  # JSON Lines: frame -> one line per row
    gzipped: bool = False
    quote_never: bool = False  # the file carries Excel's unquoted `="…"` values
    xlsx_numbers: dict[str, pl.DataType] = field(default_factory=dict)  # XLSX number cells (when they parse)
    xlsx_times: tuple[str, ...] = ()  # XLSX headers written as date cells (in files that do so)


@dataclass
class InboxStats:
    files: int = 0
    bytes: int = 0
    rows_by_source: dict[str, int] = field(default_factory=dict)


def _split_name(name: str) -> tuple[str, str]:
    for extension in KNOWN_EXTENSIONS:
        if name.endswith(extension):
            return name[: -len(extension)], extension
    raise ValueError(f"unexpected extension in {name!r}")


class Inbox:
    """Writes files into `<inbox>/<source>/<YYYY-MM-DD>/`, late and re-sent as real channels do."""

    def __init__(self, root: Path, window: Window, seed: int) -> None:
        self.root = root
        self.window = window
        self.seed = seed
        self.stats = InboxStats()
        self._folders: set[Path] = set()

    def _write(self, source: str, day: int, name: str, payload: bytes) -> None:
        folder = self.root / source / self.window.date_of(day).isoformat()
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        path = folder / name
        copy = 0
        while path.exists():  # a late or re-sent file meeting one of the same name, as browsers save it
            copy += 1
            stem, extension = _split_name(name)
            path = folder / f"{stem} ({copy}){extension}"
        path.write_bytes(payload)
        self.stats.files += 1
        self.stats.bytes += len(payload)

    def put(self, source: str, day: int, name: str, payload: bytes, header_only: Callable[[], bytes]) -> None:
        """Deliver `payload`; `header_only` makes the header-only twin when one is delivered beside it."""
        rng = stream(self.seed, "delivery", source, day, name)
        last = self.window.days - 1
        u = rng.random()
        late = 2 if u < RATES["late_2_days"] else 1 if u < RATES["late_1_day"] + RATES["late_2_days"] else 0
        folder_day = min(day + late, last)
        self._write(source, folder_day, name, payload)
        stem, extension = _split_name(name)
        if rng.random() < RATES["resent"] and folder_day < last:
            again = int(min(folder_day + rng.integers(1, 8), last))
            resent_name = name if rng.random() < 0.5 else f"{stem}_resend{extension}"
            self._write(source, again, resent_name, payload)
        if rng.random() < RATES["header_only_extra"]:
            self._write(source, day, f"{stem}_p2{extension}", header_only())
        if rng.random() < RATES["zero_byte_extra"]:
            self._write(source, day, f"{stem}_p9{extension}", b"")


def _with_extra_column(frame: pl.DataFrame, rng: np.random.Generator, chinese: bool) -> pl.DataFrame:
    options = [o for o in (EXTRA_COLUMNS_CN if chinese else EXTRA_COLUMNS_EN) if o[0] not in frame.columns]
    if not options:  # every drift column is already there
        return frame
    header, values = options[int(rng.integers(0, len(options)))]
    column = pl.Series(header, values, dtype=pl.String).gather(rng.integers(0, len(values), frame.height))
    position = int(rng.integers(0, frame.width + 1))
    return frame.insert_column(position, column)


def _csv_style(spec: FileSpec, rng: np.random.Generator) -> CsvStyle:
    encoding, crlf_rate = CSV_ENCODINGS.get(spec.source, DEFAULT_CSV_ENCODING)
    if spec.source in BOM_PRONE and rng.random() < RATES["utf8_bom"]:
        encoding = "utf-8-sig"
    return CsvStyle(encoding=encoding, crlf=bool(rng.random() < crlf_rate), quote_never=spec.quote_never)


def _chinese_headers(frame: pl.DataFrame) -> bool:
    return any(ord(ch) > 127 for ch in "".join(frame.columns))


def _cell_values(series: pl.Series, parsed: pl.Series) -> list[object]:
    """Parsed values where they parse, the delivered text elsewhere (a broken value stays text)."""
    text = series.to_numpy().astype(object)
    typed = parsed.to_numpy()
    missing = np.isnat(typed) if typed.dtype.kind == "M" else parsed.is_null().to_numpy()
    return np.where(missing, text, typed.astype(object)).tolist()


def xlsx_payload(
    frame: pl.DataFrame, numbers: dict[str, pl.DataType], times: tuple[str, ...], created: datetime, date_cells: bool
) -> bytes:
    columns = []
    for header in frame.columns:
        series = frame[header]
        if header in numbers:
            values = _cell_values(series, series.cast(numbers[header], strict=False))
        elif header in times and date_cells:
            values = _cell_values(series, series.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False))
        else:
            values = series.to_list()
        columns.append(XlsxColumn(header, values, width=20 if header in times else 14))
    return xlsx_bytes(columns, created)


class Dispatcher:
    """Gives each file its format-level mess and hands it to the inbox."""

    def __init__(self, inbox: Inbox, breaks: breakage.Breakage) -> None:
        self.inbox = inbox
        self.breaks = breaks

    def send(self, spec: FileSpec) -> None:
        inbox = self.inbox
        rng = stream(inbox.seed, "file", spec.source, spec.day, spec.name)
        frame = spec.frame
        rows = frame.height
        if self.breaks.take_broken_file(spec.source, spec.day):
            frame = frame.drop(breakage.BROKEN_FILE_MISSING_HEADER)
        kinds = self.breaks.take_rows(spec.source, spec.day, rows)
        frame, truncate = breakage.corrupt(frame, spec.source, kinds, rng) if kinds else (frame, [])
        inbox.stats.rows_by_source[spec.source] = inbox.stats.rows_by_source.get(spec.source, 0) + rows

        if spec.json_lines is not None:
            text = breakage.truncate_lines(jsonl_text(spec.json_lines(frame)), truncate, "\n")
            inbox.put(spec.source, spec.day, spec.name, jsonl_bytes(text, spec.gzipped), lambda: jsonl_bytes("", spec.gzipped))
        elif spec.name.endswith(".xlsx"):
            self._send_xlsx(spec, self._maybe_extra_column(frame, rng), rng)
        else:
            frame = self._maybe_extra_column(frame, rng)
            style = _csv_style(spec, rng)
            ending = "\r\n" if style.crlf else "\n"
            text = breakage.truncate_lines(csv_text(frame, style), [row + 1 for row in truncate], ending)
            header = frame.clear()
            inbox.put(
                spec.source, spec.day, spec.name, encode_text(text, style.encoding), lambda: encode_text(csv_text(header, style), style.encoding)
            )

    @staticmethod
    def _maybe_extra_column(frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
        if rng.random() < RATES["extra_column"]:
            return _with_extra_column(frame, rng, _chinese_headers(frame))
        return frame

    def _send_xlsx(self, spec: FileSpec, frame: pl.DataFrame, rng: np.random.Generator) -> None:
        created = datetime.combine(self.inbox.window.date_of(spec.day), time(23, 30))
        date_cells = bool(rng.random() < 0.6)
        options = (spec.xlsx_numbers, spec.xlsx_times, created, date_cells)
        self.inbox.put(
            spec.source, spec.day, spec.name, xlsx_payload(frame, *options), lambda: xlsx_payload(frame.clear(), *options)
        )
