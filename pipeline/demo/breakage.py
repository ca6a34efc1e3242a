"""The few broken rows and the one broken file of a generated inbox.

A loader must quarantine a broken row and reject a broken file with a clear
reason, so the demo carries some of each: per kind about one broken row per
month of data (at least two), spread over the sources that can show that
kind, and exactly one `tmall_orders` file whose header lacks the required
`买家OUID` column. A break planned for a day without rows moves on to the
source's next day with rows.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from pipeline.demo.calendar import Window
from pipeline.demo.randomness import stream

TRUNCATED_LINE = "truncated_line"
BAD_TIMESTAMP = "bad_timestamp"
UNKNOWN_STATUS = "unknown_status"
BAD_AMOUNT = "bad_amount"

# source -> kind -> delivered header to corrupt (None: the line itself is cut short)
BREAKABLE: dict[str, dict[str, str | None]] = {
    "tmall_orders": {TRUNCATED_LINE: None, BAD_TIMESTAMP: "订单创建时间", UNKNOWN_STATUS: "订单状态", BAD_AMOUNT: "买家实际支付金额"},
    "jd_orders": {BAD_TIMESTAMP: "下单时间", UNKNOWN_STATUS: "订单状态", BAD_AMOUNT: "应付金额"},
    "eshop_orders": {TRUNCATED_LINE: None, BAD_TIMESTAMP: "created_at", UNKNOWN_STATUS: "status", BAD_AMOUNT: "paid_amount"},
    "pos_sales": {TRUNCATED_LINE: None, BAD_TIMESTAMP: "销售时间", BAD_AMOUNT: "金额"},
    "app_events": {TRUNCATED_LINE: None, BAD_TIMESTAMP: "event_time", UNKNOWN_STATUS: "event"},
    "ad_backflow": {TRUNCATED_LINE: None, BAD_TIMESTAMP: "event_time", UNKNOWN_STATUS: "event", BAD_AMOUNT: "cost"},
    "crm_members": {TRUNCATED_LINE: None, UNKNOWN_STATUS: "status"},
}
BAD_VALUES: dict[str, tuple[str, ...]] = {
    BAD_TIMESTAMP: ("2026-13-45 25:61:00", "昨天 18:30", "N/A", "31/02/2026 10:00"),
    BAD_AMOUNT: ("12.345", "¥59.00", "abc", "1,299.00"),
}
UNKNOWN_STATUSES = {
    "tmall_orders": "已签收",
    "jd_orders": "已锁定",
    "eshop_orders": "shipped",
    "app_events": "page_view",
    "ad_backflow": "install",
    "crm_members": "deleted",
}
BROKEN_FILE_SOURCE = "tmall_orders"
BROKEN_FILE_MISSING_HEADER = "买家OUID"


class Breakage:
    """Which broken rows are still to be placed, and where the broken file goes."""

    def __init__(self, seed: int, window: Window) -> None:
        rng = stream(seed, "breakage")
        per_kind = max(2, math.ceil(window.days / 30))
        self._pending: dict[str, list[tuple[int, str]]] = {source: [] for source in BREAKABLE}
        for kind in (TRUNCATED_LINE, BAD_TIMESTAMP, UNKNOWN_STATUS, BAD_AMOUNT):
            eligible = [source for source, kinds in BREAKABLE.items() if kind in kinds]
            for _ in range(per_kind):
                source = eligible[int(rng.integers(0, len(eligible)))]
                self._pending[source].append((int(rng.integers(0, window.days)), kind))
        for plan in self._pending.values():
            plan.sort()
        self.broken_file_day = int(rng.integers(window.days // 3, max(window.days * 2 // 3, window.days // 3 + 1)))
        self._broken_file_done = False

    def take_broken_file(self, source: str, day: int) -> bool:
        """True exactly once: for the first file of the broken file's source on or after its day."""
        if self._broken_file_done or source != BROKEN_FILE_SOURCE or day < self.broken_file_day:
            return False
        self._broken_file_done = True
        return True

    def take_rows(self, source: str, day: int, rows: int) -> list[str]:
        """Kinds of broken rows to place in a file of `source` for `day` that has `rows` rows."""
        plan = self._pending.get(source, [])
        if rows == 0 or not plan:
            return []
        due = [kind for planned, kind in plan if planned <= day][:rows]
        for kind in due:
            index = next(i for i, (planned, k) in enumerate(plan) if k == kind and planned <= day)
            plan.pop(index)
        return due


def corrupt(
    frame: pl.DataFrame, source: str, kinds: list[str], rng: np.random.Generator
) -> tuple[pl.DataFrame, list[int]]:
    """The frame with one row broken per kind, and the rows whose line must be cut short."""
    rows = rng.choice(frame.height, size=len(kinds), replace=False)
    truncate: list[int] = []
    for row, kind in zip(rows.tolist(), kinds):
        header = BREAKABLE[source][kind]
        if header is None:
            truncate.append(row)
            continue
        if kind == UNKNOWN_STATUS:
            bad = UNKNOWN_STATUSES[source]
        else:
            choices = BAD_VALUES[kind]
            bad = choices[int(rng.integers(0, len(choices)))]
        at_row = pl.int_range(pl.len()) == row
        frame = frame.with_columns(pl.when(at_row).then(pl.lit(bad)).otherwise(pl.col(header).cast(pl.String)).alias(header))
    return frame, truncate


def truncate_lines(text: str, line_indexes: list[int], ending: str) -> str:
    """Cut the given lines (0-based) at a field boundary before their middle."""
    if not line_indexes:
        return text
    lines = text.split(ending)
    for index in line_indexes:
        line = lines[index]
        cut = line.rfind(",", 0, max(1, len(line) // 2))
        lines[index] = line[: cut if cut > 0 else max(1, len(line) // 2)]
    return ending.join(lines)
