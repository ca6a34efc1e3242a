"""Values: what lands as delivered, what is normalized, what breaks the contract."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pytest

from tests.ingest.conftest import Lake, csv_text
from tests.ingest.samples import CSV_RECORDS, TMALL_ORDER, TMALL_ORDER_HEADER

PHONES = [
    "13812345678",
    "+86 138 1234 5678",
    "0086-138-1234-5678",
    "86-13812345678",
    "138-1234-5678",
    "１３８１２３４５６７８",
    "1.38123E+10",
]
MASKED = ["138****1234", "t**1", "张*"]
JUNK = ["00000000000", "13800138000", "11111111111", "test@test.com", "null", "NULL", "-", "无", "0", "00000000-0000-0000-0000-000000000000"]


def crm_row(member_id: str, **changes: str) -> list[str]:
    record = dict(CSV_RECORDS["crm_members"], member_id=member_id)
    record.update(changes)
    return list(record.values())


CRM_HEADER = list(CSV_RECORDS["crm_members"])


def test_every_phone_spelling_lands_unchanged(lake: Lake) -> None:
    rows = [crm_row(f"M{i}", phone=phone) for i, phone in enumerate(PHONES)]
    lake.deliver("crm_members", "members.csv", csv_text(CRM_HEADER, *rows))
    outcome = lake.outcome(lake.land(), "members.csv")
    assert outcome.rows_quarantined == 0
    assert lake.landed("crm_members")["phone"].to_list() == PHONES


def test_masked_and_junk_identifiers_are_kept_as_delivered(lake: Lake) -> None:
    values = MASKED + JUNK
    rows = [crm_row(value, phone=value, email=value, name=value) for value in values]
    lake.deliver("crm_members", "members.csv", csv_text(CRM_HEADER, *rows))
    outcome = lake.outcome(lake.land(), "members.csv")
    assert (outcome.rows_landed, outcome.rows_quarantined) == (len(values), 0)
    landed = lake.landed("crm_members")
    assert landed["member_id"].to_list() == values
    assert landed["phone"].to_list() == values
    # The same junk in a JSON source, where null is a real JSON null.
    lake.deliver("wechat_miniapp_users", "users.jsonl", "".join(
        f'{{"appid":"wx","openid":"o{i}","phone":"{v}","brand":"midea","created_at":1732245000000}}\n'
        for i, v in enumerate(values)
    ) + '{"appid":"wx","openid":"o_null","phone":null,"brand":"midea","created_at":1732245000000}\n', day=date(2026, 11, 21))
    lake.land(load_id="L2")
    assert lake.landed("wechat_miniapp_users")["phone"].to_list() == [*values, None]


def test_excel_escaped_numbers_are_unwrapped_in_text_and_digit_fields(lake: Lake) -> None:
    record = dict(zip(TMALL_ORDER_HEADER, TMALL_ORDER))
    record["子订单编号"] = '="0026112212345678"'
    record["联系手机"] = '="13812345678"'
    record["商家编码"] = '=" KFR-35GW "'
    lake.deliver("tmall_orders", "orders.csv", csv_text(TMALL_ORDER_HEADER, list(record.values())))
    lake.land()
    row = lake.landed("tmall_orders").row(0, named=True)
    assert (row["order_id"], row["sub_order_id"]) == ("2026112212345678", "0026112212345678")
    assert (row["contact_phone"], row["sku"]) == ("13812345678", "KFR-35GW")


def test_text_is_trimmed_and_empty_text_is_null(lake: Lake) -> None:
    lake.deliver("crm_members", "members.csv", csv_text(CRM_HEADER, crm_row("  M1 ", city="   ", tier=" 金卡\u3000")))
    lake.land()
    row = lake.landed("crm_members").row(0, named=True)
    assert (row["member_id"], row["city"], row["tier"]) == ("M1", None, "金卡")


@pytest.mark.parametrize(
    ("delivered", "expected"),
    [("12.5", "12.50"), ("¥1,234.50", "1234.50"), ("￥ 99", "99.00"), ("-0.01", None), ("0", "0.00"), ("12.", "12.00")],
)
def test_amount_spellings(lake: Lake, delivered: str, expected: str | None) -> None:
    record = dict(CSV_RECORDS["eshop_orders"], paid_amount=delivered)
    lake.deliver("eshop_orders", "orders.csv", csv_text(list(record), ['"' + v + '"' for v in record.values()]))
    lake.land()
    landed, quarantined = lake.landed("eshop_orders"), lake.quarantined("eshop_orders")
    if expected is None:  # below the minimum of 0
        assert quarantined["reason_code"].to_list() == ["bad_amount"]
        assert "below minimum 0" in quarantined["reason_detail"][0]
    else:
        assert landed["paid_amount"].to_list() == [Decimal(expected)]
        assert landed["paid_amount"].dtype.scale == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize("delivered", ["12.345", "1.0E+3", "12,34", "abc", "12.340"])
def test_bad_amounts(lake: Lake, delivered: str) -> None:
    record = dict(CSV_RECORDS["eshop_orders"], refund_amount=delivered)
    lake.deliver("eshop_orders", "orders.csv", csv_text(list(record), ['"' + v + '"' for v in record.values()]))
    lake.land()
    quarantined = lake.quarantined("eshop_orders")
    assert quarantined["reason_code"].to_list() == ["bad_amount"]
    assert quarantined["reason_detail"][0].startswith("refund_amount: not a yuan amount with at most 2 decimals")


def test_integers(lake: Lake) -> None:
    rows = [
        list(dict(CSV_RECORDS["eshop_orders"], order_id=f"E{i}", qty=qty).values())
        for i, qty in enumerate(["3", "3.0", "+2", "0", "2.5", "x"])
    ]
    lake.deliver("eshop_orders", "orders.csv", csv_text(list(CSV_RECORDS["eshop_orders"]), *rows))
    lake.land()
    assert lake.landed("eshop_orders")["quantity"].to_list() == [3, 3, 2]
    quarantined = lake.quarantined("eshop_orders")
    assert quarantined["reason_code"].to_list() == ["bad_number"] * 3
    assert "below minimum 1" in quarantined["reason_detail"][0]


def test_unknown_status_is_bad_value(lake: Lake) -> None:
    rows = [
        list(dict(CSV_RECORDS["eshop_orders"], order_id=f"E{i}", status=status).values())
        for i, status in enumerate(["paid", "shipped", "PAID", " refunded "])
    ]
    lake.deliver("eshop_orders", "orders.csv", csv_text(list(CSV_RECORDS["eshop_orders"]), *rows))
    lake.land()
    assert lake.landed("eshop_orders")["order_status"].to_list() == ["paid", "refunded"]
    quarantined = lake.quarantined("eshop_orders")
    assert quarantined["reason_code"].to_list() == ["bad_value", "bad_value"]
    assert quarantined["reason_detail"][0] == "order_status (status): not one of paid, cancelled, refunded, completed: 'shipped'"


def test_digits_fields_must_be_all_digits(lake: Lake) -> None:
    rows = []
    for i, order_id in enumerate(['="2026112212345678"', "2026112212345678", "1.38123E+10", "２０２６"]):
        record = dict(zip(TMALL_ORDER_HEADER, TMALL_ORDER))
        record["订单编号"], record["子订单编号"] = order_id, f"9{i}"
        rows.append(list(record.values()))
    lake.deliver("tmall_orders", "orders.csv", csv_text(TMALL_ORDER_HEADER, *rows))
    lake.land()
    assert lake.landed("tmall_orders")["order_id"].to_list() == ["2026112212345678"] * 2
    assert lake.quarantined("tmall_orders")["reason_code"].to_list() == ["bad_identifier"] * 2


def test_hex_digests_follow_their_id_type(lake: Lake) -> None:
    md5 = hashlib.md5(b"x").hexdigest()
    sha = hashlib.sha256(b"x").hexdigest()
    cases = [("oaid_md5", md5.upper()), ("phone_sha256", sha), ("phone_md5", sha), ("idfa_md5", md5[:-1] + "g"), ("imei_md5", "null")]
    rows = [list(dict(CSV_RECORDS["ad_backflow"], id_type=t, id_value=v).values()) for t, v in cases]
    lake.deliver("ad_backflow", "ads.csv", csv_text(list(CSV_RECORDS["ad_backflow"]), *rows))
    lake.land()
    assert lake.landed("ad_backflow")["id_value"].to_list() == [md5, sha]
    assert lake.quarantined("ad_backflow")["reason_code"].to_list() == ["bad_identifier"] * 3


def test_flags(lake: Lake) -> None:
    rows = [list(dict(CSV_RECORDS["products"], sku=f"S{i}", is_ecosystem=v).values()) for i, v in enumerate(["1", "0", "", "yes"])]
    lake.deliver("products", "products.csv", csv_text(list(CSV_RECORDS["products"]), *rows))
    lake.land()
    assert lake.landed("products")["is_ecosystem"].to_list() == [True, False, None]
    assert lake.quarantined("products")["reason_code"].to_list() == ["bad_value"]


def test_birthday_keeps_the_raw_text_and_parses_what_it_can(lake: Lake) -> None:
    spellings = ["1990-05-06", "19900506", "", "1990-02-30", "19901341", "unknown"]
    rows = [crm_row(f"M{i}", birthday=b) for i, b in enumerate(spellings)]
    lake.deliver("crm_members", "members.csv", csv_text(CRM_HEADER, *rows))
    outcome = lake.outcome(lake.land(), "members.csv")
    assert outcome.rows_quarantined == 0
    landed = lake.landed("crm_members")
    assert landed["birthday_raw"].to_list() == ["1990-05-06", "19900506", None, "1990-02-30", "19901341", "unknown"]
    assert landed["birthday"].to_list() == [date(1990, 5, 6), date(1990, 5, 6), None, None, None, None]


def test_missing_required_value(lake: Lake) -> None:
    rows = [crm_row("M1", brand=""), crm_row("", brand="")]
    lake.deliver("crm_members", "members.csv", csv_text(CRM_HEADER, *rows))
    lake.land()
    assert lake.quarantined("crm_members").select("reason_code", "reason_detail").rows() == [
        ("missing_required", "brand is empty"),
        ("missing_required", "member_id is empty"),
    ]
