"""Encodings are detected from the bytes, never assumed; line endings do not matter."""

from __future__ import annotations

import pytest

from pipeline.ingest.readers.decoding import UnreadableFile, decode_text
from tests.ingest.conftest import Lake
from tests.ingest.samples import TMALL_ORDER, TMALL_ORDER_HEADER

TEXT = "\n".join([",".join(TMALL_ORDER_HEADER), ",".join(TMALL_ORDER)]) + "\n"


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.replace("\n", "\r\n").encode("gb18030"), "gb18030"),
        ((b"\xef\xbb\xbf" + TEXT.replace("\n", "\r\n").encode("utf-8")), "utf-8-sig"),
    ],
    ids=["utf-8", "utf-8 with BOM", "gb18030", "gb18030 crlf", "bom crlf"],
)
def test_every_encoding_lands_the_same_row(lake: Lake, content: bytes, encoding: str) -> None:
    lake.deliver("tmall_orders", "orders.csv", content)
    outcome = lake.outcome(lake.land(), "orders.csv")
    assert (outcome.status, outcome.encoding, outcome.rows_landed) == ("loaded", encoding, 1)
    row = lake.landed("tmall_orders").row(0, named=True)
    assert row["shop_name"] == "美的官方旗舰店"
    assert row["order_status"] == "交易成功"
    assert row["paid_at"].isoformat() == "2026-11-22T02:01:30+00:00"


def test_the_usual_encoding_is_not_trusted(lake: Lake) -> None:
    # tmall_members usually comes with a BOM; this one is GB18030 and must still read right.
    text = "ouid,nick,mobile,brand,level,points,join_time\nou1,小明,,美的,V1,10,2025-01-01 00:00:00\n"
    lake.deliver("tmall_members", "members.csv", text.encode("gb18030"))
    outcome = lake.outcome(lake.land(), "members.csv")
    assert outcome.encoding == "gb18030"
    assert lake.landed("tmall_members").row(0, named=True)["brand"] == "美的"


def test_header_matching_tolerates_bom_spaces_and_case(lake: Lake) -> None:
    text = "\ufeff Order_ID ,line_no,USER_ID,phone,brand,sku,qty,paid_amount,refund_amount,status,created_at,paid_at\u3000\n"
    text += "E1,1,u1,,midea,S1,1,1.00,,paid,2026-11-22 10:00:00,\n"
    lake.deliver("eshop_orders", "orders.csv", text.encode("utf-8"))
    outcome = lake.outcome(lake.land(), "orders.csv")
    assert (outcome.status, outcome.rows_landed, outcome.extra_columns) == ("loaded", 1, None)


def test_detection_rules() -> None:
    assert decode_text("订单".encode("utf-8")).encoding == "utf-8"
    assert decode_text("订单".encode("gb18030")).encoding == "gb18030"
    assert decode_text("订单".encode("gb18030")).data == "订单".encode("utf-8")
    assert decode_text(b"\xef\xbb\xbfa,b").data == b"a,b"
    with pytest.raises(UnreadableFile, match="UTF-16"):
        decode_text("a,b".encode("utf-16"))
    with pytest.raises(UnreadableFile, match="neither UTF-8 nor GB18030"):
        decode_text(b"a,b\n\xff\xfe\xfd")
    with pytest.raises(UnreadableFile, match="NUL"):
        decode_text(b"a,b\n\x00\x00")
