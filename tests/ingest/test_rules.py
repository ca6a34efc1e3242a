"""The order of row rules, and the rule across columns: POS signs."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pipeline.ingest.reasons import FileRejection, FileStatus, RowReason
from tests.ingest.conftest import Lake, csv_text
from tests.ingest.samples import CSV_RECORDS

POS_HEADER = list(CSV_RECORDS["pos_sales"])
ESHOP_HEADER = list(CSV_RECORDS["eshop_orders"])


def pos(receipt: str, quantity: str, amount: str) -> list[str]:
    return list(dict(CSV_RECORDS["pos_sales"], 小票号=receipt, 数量=quantity, 金额=amount).values())


def eshop(order_id: str, **changes: str) -> list[str]:
    return list(dict(CSV_RECORDS["eshop_orders"], order_id=order_id, **changes).values())


def test_pos_returns_land_and_signs_must_agree(lake: Lake) -> None:
    rows = [
        pos("R1", "1", "3999.00"),
        pos("R2", "-1", "-3999.00"),  # a return
        pos("R3", "2", "0.00"),  # a free gift
        pos("R4", "0", "0.00"),
        pos("R5", "-1", "3999.00"),
        pos("R6", "1", "-3999.00"),
    ]
    text = csv_text(POS_HEADER, *rows)
    lake.deliver("pos_sales", "pos.csv", text.encode("gb18030"))
    lake.land()
    landed = lake.landed("pos_sales")
    assert landed.select("receipt_no", "quantity", "amount").rows() == [
        ("R1", 1, Decimal("3999.00")),
        ("R2", -1, Decimal("-3999.00")),
        ("R3", 2, Decimal("0.00")),
    ]
    assert lake.quarantined("pos_sales").select("_file_line", "reason_code", "reason_detail").rows() == [
        (5, "sign_mismatch", "quantity is 0"),
        (6, "sign_mismatch", "quantity -1 and amount 3999.00 have different signs"),
        (7, "sign_mismatch", "quantity 1 and amount -3999.00 have different signs"),
    ]


def test_a_row_with_several_problems_gets_the_first_in_rule_order(lake: Lake) -> None:
    rows = [
        "E0,1",  # malformed first of all
        eshop("", brand="", qty="x", status="nope"),  # missing_required before anything else
        eshop("E2", qty="x", paid_amount="1.234", status="nope"),  # column order: qty before paid_amount
        eshop("E3", paid_amount="1.234", created_at="soon", status="nope"),  # paid_amount before status
        eshop("E4", status="nope", created_at="soon"),  # status comes before created_at
    ]
    lake.deliver("eshop_orders", "orders.csv", csv_text(ESHOP_HEADER, *rows))
    lake.land()
    assert lake.quarantined("eshop_orders").select("reason_code", "reason_detail").rows() == [
        ("malformed_row", "expected 12 fields, found 2"),
        ("missing_required", "order_id is empty"),
        ("bad_number", "quantity (qty): not an integer: 'x'"),
        ("bad_amount", "paid_amount: not a yuan amount with at most 2 decimals: '1.234'"),
        ("bad_value", "order_status (status): not one of paid, cancelled, refunded, completed: 'nope'"),
    ]


def test_sign_rule_comes_after_the_column_rules(lake: Lake) -> None:
    lake.deliver("pos_sales", "pos.csv", csv_text(POS_HEADER, pos("R1", "0", "abc")))
    lake.land()
    assert lake.quarantined("pos_sales")["reason_code"].to_list() == ["bad_amount"]


def test_every_reason_code_and_status_is_documented() -> None:
    text = (Path(__file__).parents[2] / "docs" / "ingestion.md").read_text(encoding="utf-8")
    for reason in [*RowReason, *FileStatus, *FileRejection]:
        assert f"`{reason.value}`" in text
