"""One well-formed delivered record per source, spelled the way the vendor spells it."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import xlsxwriter

from pipeline.ingest.sources import get_source

TMALL_ORDER_HEADER = [c.header for c in get_source("tmall_orders").columns]
TMALL_ORDER = [
    '="2026112212345678"',
    "3026112212345678",
    "ouid_abc",
    "t**1",
    "138****1234",
    "美的官方旗舰店",
    "KFR-35GW",
    "美的空调 大1匹",
    "1",
    "2599.00",
    "",
    "交易成功",
    "2026-11-22 10:00:00",
    "2026-11-22 10:01:30",
]

CSV_RECORDS: dict[str, dict[str, str]] = {
    "tmall_orders": dict(zip(TMALL_ORDER_HEADER, TMALL_ORDER)),
    "tmall_members": {
        "ouid": "ouid_abc",
        "nick": "t**1",
        "mobile": "13812345678",
        "brand": "midea",
        "level": "V2",
        "points": "120",
        "join_time": "2025-01-05 08:30:00",
    },
    "wechat_oa_followers": {
        "appid": "wx01",
        "openid": "o_abc",
        "unionid": "u_abc",
        "subscribe": "1",
        "subscribe_time": "1732245000",
        "unsubscribe_time": "",
        "brand": "midea",
    },
    "eshop_orders": {
        "order_id": "E1001",
        "line_no": "1",
        "user_id": "u1",
        "phone": "13812345678",
        "brand": "midea",
        "sku": "SKU1",
        "qty": "2",
        "paid_amount": "199.90",
        "refund_amount": "0.00",
        "status": "paid",
        "created_at": "2026-11-22T10:00:00+08:00",
        "paid_at": "2026-11-22T10:05:00+08:00",
    },
    "pos_sales": {
        "门店编码": "SH001",
        "门店名称": "上海一店",
        "品牌": "midea",
        "经销商编码": "D01",
        "小票号": "R0001",
        "会员卡号": "M0001",
        "手机号": "138 1234 5678",
        "商品编码": "SKU1",
        "数量": "1",
        "金额": "3999.00",
        "销售时间": "2026/11/22 10:00",
        "导购工号": "C07",
    },
    "crm_members": {
        "member_id": "M0001",
        "brand": "midea",
        "phone": "13812345678",
        "email": "a@example.com",
        "name": "张*",
        "gender": "女",
        "birthday": "1990-05-06",
        "city": "上海",
        "tier": "金卡",
        "points": "300",
        "member_type": "brand",
        "dealer_code": "",
        "store_code": "SH001",
        "joined_at": "2024-03-01 09:00:00",
        "status": "active",
    },
    "ad_backflow": {
        "platform": "tencent",
        "ad_campaign_id": "C1",
        "creative_id": "CR1",
        "event": "click",
        "event_time": "2026-11-22 10:00:00",
        "id_type": "oaid_md5",
        "id_value": hashlib.md5(b"oaid-1").hexdigest().upper(),
        "cost": "0.35",
    },
    "consents": {
        "channel": "sms",
        "id_type": "phone",
        "id_value": "13812345678",
        "action": "opt_out",
        "event_time": "2026-11-22 10:00:00",
        "source": "sms_reply",
    },
    "campaign_touches": {
        "touch_id": "T1",
        "campaign_id": "CP1",
        "channel": "sms",
        "id_type": "phone",
        "id_value": "13812345678",
        "sent_at": "2026-11-22 10:00:00",
        "delivered": "1",
        "opened_at": "",
        "clicked_at": "",
    },
    "guide_tags": {
        "tag_event_id": "GT1",
        "brand": "qingdai",
        "store_code": "QD0001",
        "guide_id": "E00001",
        "id_type": "openid",
        "id_value": "o_guest",
        "appid": "wxmini",
        "tag_code": "skin_type",
        "tag_value": "干性",
        "action": "set",
        "tagged_at": "2026-11-22T10:00:00+08:00",
    },
    "products": {
        "sku": "SKU1",
        "brand": "midea",
        "product_name": "净水器滤芯",
        "category_l1": "家电",
        "category_l2": "净水",
        "list_price": "299.00",
        "is_ecosystem": "1",
    },
}

JSON_RECORDS: dict[str, dict[str, Any]] = {
    "wechat_miniapp_users": {
        "appid": "wxmini",
        "openid": "o_mini",
        "unionid": None,
        "phone": "+8613812345678",
        "nickname": "小明",
        "brand": "midea",
        "created_at": 1732245000123,
    },
    "app_events": {
        "event_id": "ev-1",
        "event_time": "2026-11-22T10:00:00+08:00",
        "event": "view_item",
        "user_id": "u1",
        "phone": None,
        "device": {"oaid": "oaid-1", "idfa": None, "imei": None, "os": "android"},
        "brand": "midea",
        "properties": {"sku": "SKU1", "price": 12.5},
    },
}

JD_HEADER = [c.header for c in get_source("jd_orders").columns]
JD_ORDER = ["2026112299", "jd_pin_1", "张*", "138****1234", "美的京东自营", "100012", "美的冰箱", 1, 4999.0, "完成", "2026-11-22 10:00:00"]


def csv_of(source: str, *records: dict[str, str]) -> str:
    header = list(records[0])
    lines = [",".join(header)] + [",".join(r[h] for h in header) for r in records]
    return "\n".join(lines) + "\n"


def jsonl_of(*records: dict[str, Any]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def xlsx_of(rows: list[list[Any]], *, first_row: int = 0, dates: dict[tuple[int, int], Any] | None = None) -> bytes:
    """A workbook whose first sheet holds `rows` from sheet row `first_row + 1`."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("订单")
    date_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in (dates or {}):
                sheet.write_datetime(first_row + r, c, dates[(r, c)], date_format)  # type: ignore[index]
            elif value is None:
                continue
            elif isinstance(value, str):
                sheet.write_string(first_row + r, c, value)
            else:
                sheet.write(first_row + r, c, value)
    book.add_worksheet("说明").write(0, 0, "not read: only the first sheet counts")
    book.close()
    return buffer.getvalue()
