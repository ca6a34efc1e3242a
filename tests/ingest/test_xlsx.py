"""JD's XLSX exports: first sheet, Excel dates, sheet row numbers."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from tests.ingest.conftest import Lake
from tests.ingest.samples import JD_HEADER, JD_ORDER, xlsx_of

UTC = timezone.utc


def jd(order_id: str, ordered_at: object = "2026-11-22 10:00:00", **changes: object) -> list[object]:
    row = dict(zip(JD_HEADER, JD_ORDER))
    row.update({"订单号": order_id, "下单时间": ordered_at, **changes})
    return list(row.values())


def test_date_cells_text_dates_and_serial_numbers(lake: Lake) -> None:
    rows = [
        JD_HEADER,
        jd("1001", None),  # a real Excel date cell, written below
        jd("1002", "2026-11-22 10:00:00"),  # a text date
        jd("1003", 46348.4375),  # a bare serial day number: 2026-11-22 10:30 CST
        jd("1004", "2026/11/22 10:00"),
        jd("1005", "not a date"),
    ]
    content = xlsx_of(rows, dates={(1, 10): datetime(2026, 11, 22, 9, 15, 30)})
    lake.deliver("jd_orders", "orders.xlsx", content)
    outcome = lake.outcome(lake.land(), "orders.xlsx")
    assert (outcome.encoding, outcome.rows_read, outcome.rows_landed) == ("xlsx", 5, 4)
    landed = lake.landed("jd_orders")
    assert landed.select("order_id", "ordered_at", "_file_line").rows() == [
        ("1001", datetime(2026, 11, 22, 1, 15, 30, tzinfo=UTC), 2),
        ("1002", datetime(2026, 11, 22, 2, 0, tzinfo=UTC), 3),
        ("1003", datetime(2026, 11, 22, 2, 30, tzinfo=UTC), 4),
        ("1004", datetime(2026, 11, 22, 2, 0, tzinfo=UTC), 5),
    ]
    quarantined = lake.quarantined("jd_orders")
    assert quarantined.select("_file_line", "reason_code").rows() == [(6, "bad_timestamp")]
    assert quarantined["raw_text"][0].startswith("1005,jd_pin_1,")


def test_numbers_in_cells(lake: Lake) -> None:
    rows = [JD_HEADER, jd(2026112299123, 订购数量=2, 应付金额=4999.5, 联系电话=13812345678), jd("1002", 应付金额=0.1 + 0.2)]
    lake.deliver("jd_orders", "orders.xlsx", xlsx_of(rows))
    lake.land()
    landed = lake.landed("jd_orders")
    first = landed.row(0, named=True)
    assert (first["order_id"], first["quantity"], first["contact_phone"]) == ("2026112299123", 2, "13812345678")
    assert first["payable_amount"] == Decimal("4999.50")
    assert landed["payable_amount"].to_list()[1] == Decimal("0.30")


def test_row_numbers_are_sheet_rows_even_with_leading_and_blank_rows(lake: Lake) -> None:
    rows = [JD_HEADER, jd("1001"), [None] * len(JD_HEADER), jd("1002", 订单状态="丢失")]
    lake.deliver("jd_orders", "orders.xlsx", xlsx_of(rows, first_row=2))
    outcome = lake.outcome(lake.land(), "orders.xlsx")
    assert (outcome.rows_read, outcome.rows_landed, outcome.rows_quarantined) == (2, 1, 1)
    assert lake.landed("jd_orders")["_file_line"].to_list() == [4]
    assert lake.quarantined("jd_orders").select("_file_line", "reason_code").rows() == [(6, "bad_value")]


def test_missing_required_column_in_a_workbook(lake: Lake) -> None:
    header = [h for h in JD_HEADER if h != "下单帐号"]
    rows = [header, [v for h, v in zip(JD_HEADER, jd("1001")) if h != "下单帐号"]]
    lake.deliver("jd_orders", "orders.xlsx", xlsx_of(rows))
    outcome = lake.outcome(lake.land(), "orders.xlsx")
    assert (outcome.status, outcome.rejection_code, outcome.rows_quarantined) == ("rejected", "missing_required_column", 1)
    assert "下单帐号 (jd_pin)" in outcome.message
    assert lake.quarantined("jd_orders")["reason_code"].to_list() == ["file_rejected"]


def test_not_a_workbook_and_empty_workbooks(lake: Lake) -> None:
    lake.deliver("jd_orders", "fake.xlsx", "订单号,下单帐号\n1,a\n")
    lake.deliver("jd_orders", "header_only.xlsx", xlsx_of([JD_HEADER]))
    lake.deliver("jd_orders", "blank.xlsx", xlsx_of([]))
    result = lake.land()
    fake = lake.outcome(result, "fake.xlsx")
    assert (fake.status, fake.rejection_code) == ("rejected", "unreadable")
    assert fake.message.startswith("not a readable XLSX workbook")
    assert lake.outcome(result, "header_only.xlsx").status == "empty"
    assert lake.outcome(result, "blank.xlsx").status == "empty"
