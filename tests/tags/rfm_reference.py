"""An independent recomputation of R, F, M, the quintile scores and the RFM
segment, in plain Python over the staged order lines of a published home.

It follows the rules as docs/tags.md states them, not the SQL: each source's
statuses are mapped to money here from the contract, so a drift in either
implementation shows up as a disagreement.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb

CHINA_OFFSET = timedelta(hours=8)
ZERO = Decimal("0.00")


@dataclass
class Order:
    oneid: str
    ordered_on: date
    net: Decimal = ZERO
    has_valid_line: bool = False

    @property
    def is_valid(self) -> bool:
        return self.has_valid_line and self.net > 0


@dataclass(frozen=True)
class Rfm:
    recency_days: int | None
    frequency: int
    monetary: Decimal
    r_score: int | None
    f_score: int | None
    m_score: int | None
    segment: str


def _china_date(utc: datetime) -> date:
    return (utc + CHINA_OFFSET).date()


def _money(value: Decimal | None) -> Decimal:
    return ZERO if value is None else Decimal(value)


def _line(status: str, amount: Decimal, refund: Decimal) -> tuple[Decimal, bool]:
    """(net amount, is a valid line) of one line in the common status vocabulary."""
    if status in ("unpaid", "cancelled"):
        return ZERO, False
    if status == "refunded":
        return ZERO, False
    if status == "returned":
        return -abs(amount), False
    refund = min(refund, amount)
    return amount - refund, amount - refund > 0


def _tmall_status(status: str, paid_at: datetime | None) -> str:
    if status == "等待买家付款" or (status == "交易关闭" and paid_at is None):
        return "unpaid"
    if status == "交易关闭":
        return "refunded"
    return "paid"


def _jd_status(status: str) -> str:
    return {"已取消": "cancelled", "退款成功": "refunded"}.get(status, "paid")


def _eshop_status(status: str, paid_at: datetime | None) -> str:
    if status in ("cancelled", "refunded"):
        return status
    if status == "paid" and paid_at is None:
        return "unpaid"
    return "paid"


def load_orders(restricted: Path) -> list[Order]:
    con = duckdb.connect(str(restricted), read_only=True)
    try:
        oneids = {
            (source, key): oneid
            for source, key, oneid in con.execute(
                "select source_name, record_key, oneid from int_record_oneids"
                " where source_name in ('tmall_orders', 'jd_orders', 'eshop_orders', 'pos_sales')"
            ).fetchall()
        }
        lines: list[tuple[str, str, datetime, str, Decimal, Decimal]] = []
        for order_id, status, paid_at, paid, refund, created in con.execute(
            "select order_id, order_status, paid_at, paid_amount, refund_amount, created_at from stg_tmall__order_lines"
        ).fetchall():
            lines.append(("tmall_orders", order_id, created, _tmall_status(status, paid_at), _money(paid), _money(refund)))
        for order_id, status, payable, ordered in con.execute(
            "select order_id, order_status, payable_amount, ordered_at from stg_jd__order_lines"
        ).fetchall():
            lines.append(("jd_orders", order_id, ordered, _jd_status(status), _money(payable), ZERO))
        for order_id, status, paid_at, paid, refund, created in con.execute(
            "select order_id, order_status, paid_at, paid_amount, refund_amount, created_at from stg_eshop__order_lines"
        ).fetchall():
            lines.append(("eshop_orders", order_id, created, _eshop_status(status, paid_at), _money(paid), _money(refund)))
        for store, receipt, quantity, amount, sold in con.execute(
            "select store_code, receipt_no, quantity, amount, sold_at from stg_pos__sales_lines"
        ).fetchall():
            returned = (amount is not None and amount < 0) or (quantity is not None and quantity < 0)
            lines.append(("pos_sales", f"{store}/{receipt}", sold, "returned" if returned else "paid", _money(amount), ZERO))
    finally:
        con.close()

    orders: dict[tuple[str, str], Order] = {}
    for source, key, at, status, amount, refund in lines:
        oneid = oneids.get((source, key))
        if oneid is None or at is None:
            continue
        order = orders.get((source, key))
        if order is None:
            order = orders[(source, key)] = Order(oneid, _china_date(at))
        order.ordered_on = min(order.ordered_on, _china_date(at))
        net, valid = _line(status, amount, refund)
        order.net += net
        order.has_valid_line |= valid
    return list(orders.values())


def _scores(values: dict[str, float]) -> dict[str, int]:
    """Quintile score per person: ties share the score of their first position."""
    ordered = sorted(values.values())
    n = len(ordered)
    first_position: dict[float, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {oneid: math.floor(5 * (first_position[value] - 1) / n) + 1 for oneid, value in values.items()}


SEGMENTS = {
    (True, True, True): "important_value",
    (False, True, True): "important_retain",
    (True, False, True): "important_develop",
    (False, False, True): "important_winback",
    (True, True, False): "general_value",
    (False, True, False): "general_retain",
    (True, False, False): "general_develop",
    (False, False, False): "general_winback",
}


def recompute(orders: list[Order], persons: list[str], business_date: date, window_days: int = 365) -> dict[str, Rfm]:
    last: dict[str, date] = {}
    frequency: dict[str, int] = defaultdict(int)
    monetary: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for order in orders:
        if order.ordered_on > business_date:
            continue
        in_window = (business_date - order.ordered_on).days < window_days
        if order.is_valid:
            last[order.oneid] = max(last.get(order.oneid, order.ordered_on), order.ordered_on)
            if in_window:
                frequency[order.oneid] += 1
        if in_window:
            monetary[order.oneid] += order.net

    recency = {oneid: (business_date - day).days for oneid, day in last.items()}
    buyers = [oneid for oneid in persons if frequency[oneid] > 0]
    r_scores = _scores({oneid: -recency[oneid] for oneid in buyers})
    f_scores = _scores({oneid: frequency[oneid] for oneid in buyers})
    m_scores = _scores({oneid: float(monetary[oneid]) for oneid in buyers})
    count = len(buyers) or 1
    mean_r = sum(recency[o] for o in buyers) / count
    mean_f = sum(frequency[o] for o in buyers) / count
    mean_m = sum(monetary[o] for o in buyers) / count

    result: dict[str, Rfm] = {}
    for oneid in persons:
        if oneid in r_scores:
            high = (recency[oneid] <= mean_r, frequency[oneid] >= mean_f, monetary[oneid] >= mean_m)
            result[oneid] = Rfm(
                recency[oneid], frequency[oneid], monetary[oneid],
                r_scores[oneid], f_scores[oneid], m_scores[oneid], SEGMENTS[high],
            )
        else:
            result[oneid] = Rfm(recency.get(oneid), 0, monetary[oneid], None, None, None, "non_buyer")
    return result
