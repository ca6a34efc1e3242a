"""The 14 channel exports of `shared/contracts/channel-exports.md`, as code.

This module is the single description of every source that the loaders, the
demo generator, the Great Expectations suites and the dbt sources share: the
delivered header of each column, the canonical English column it lands as,
its type in the lake, whether it is required and which values it accepts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import polars as pl


class Kind(str, Enum):
    """How a delivered text value is parsed into its lake type."""

    TEXT = "text"  # kept as delivered, trimmed; empty -> null
    DIGITS = "digits"  # long numeric id: `="…"` unwrapped, must be all digits
    INT = "int"  # integer
    AMOUNT = "amount"  # yuan with at most 2 decimals -> Decimal(18, 2)
    TIMESTAMP = "timestamp"  # any supported time format -> UTC; no zone = CST
    DATE = "date"  # calendar date; impossible dates -> null (raw kept beside it)
    FLAG = "flag"  # `1`/`0` -> boolean
    HEX_DIGEST = "hex_digest"  # MD5 / SHA-256 hex digest, lower-cased
    JSON = "json"  # a nested JSON object kept as its JSON text


LAKE_TYPES: dict[Kind, pl.DataType] = {
    Kind.TEXT: pl.String(),
    Kind.DIGITS: pl.String(),
    Kind.INT: pl.Int64(),
    Kind.AMOUNT: pl.Decimal(18, 2),
    Kind.TIMESTAMP: pl.Datetime("us", "UTC"),
    Kind.DATE: pl.Date(),
    Kind.FLAG: pl.Boolean(),
    Kind.HEX_DIGEST: pl.String(),
    Kind.JSON: pl.String(),
}


@dataclass(frozen=True)
class Column:
    name: str  # canonical snake_case name in the lake
    header: str  # header in the delivered file; for JSON a dotted path (`device.oaid`)
    kind: Kind = Kind.TEXT
    required: bool = False
    values: tuple[str, ...] | None = None  # accepted values (after trimming)
    min_value: int | None = None  # for INT and AMOUNT
    description: str = ""

    @property
    def lake_type(self) -> pl.DataType:
        return LAKE_TYPES[self.kind]


class Dedup(str, Enum):
    """How staging collapses repeated records (see the dbt staging models)."""

    LATEST = "latest"  # keep the latest delivered version per natural key
    FIRST = "first"  # keep the first delivered record per key (client retries)
    SAME_CONTENT = "same_content"  # the same row re-sent in another file counts once
    SNAPSHOT = "snapshot"  # every delivery is a full snapshot: the latest wins


@dataclass(frozen=True)
class Source:
    name: str  # folder name in the inbox and the lake
    system: str  # dbt source name (staging folder)
    entity: str  # dbt source table / staging entity
    file_format: str  # "csv", "xlsx" or "jsonl"
    description: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    dedup: Dedup
    extensions: tuple[str, ...] = field(default=())
    # Formats a delivery may come in besides file_format, told apart by the file's extension.
    other_formats: tuple[str, ...] = ()

    @property
    def staging_model(self) -> str:
        return f"stg_{self.system}__{self.entity}"

    @property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    def accepted_extensions(self) -> tuple[str, ...]:
        if self.extensions:
            return self.extensions
        return tuple(e for f in (self.file_format, *self.other_formats) for e in FORMAT_EXTENSIONS[f])

    def format_of(self, file_name: str) -> str:
        """The format a delivered file is read as: file_format, unless its extension names another."""
        lowered = file_name.lower()
        for other in self.other_formats:
            if lowered.endswith(FORMAT_EXTENSIONS[other]):
                return other
        return self.file_format


FORMAT_EXTENSIONS: dict[str, tuple[str, ...]] = {"csv": (".csv",), "xlsx": (".xlsx",), "jsonl": (".jsonl", ".jsonl.gz")}


# Lineage carried by every landed row.
LINEAGE_COLUMNS: dict[str, pl.DataType] = {
    "_file_path": pl.String(),  # path of the delivered file relative to the inbox
    "_file_line": pl.Int64(),  # 1-based line (CSV/JSONL) or sheet row (XLSX) of the record
    "_file_sha256": pl.String(),  # content hash of the delivered file
    "_load_id": pl.String(),  # the load (one per `oneid ingest`) that landed it
    "_delivery_date": pl.Date(),  # the delivery folder's date
    "_load_date": pl.Date(),  # the business date of the run that landed it
    "_loaded_at": pl.Datetime("us", "UTC"),  # wall-clock time of the load
}

PHONE_NOTE = "phone as delivered (may be masked, junk or oddly formatted); normalized in staging"

ORDER_STATUS_TMALL = (
    "交易成功",
    "交易关闭",
    "等待买家付款",
    "卖家已发货，等待买家确认",
    "买家已付款，等待卖家发货",
)
ORDER_STATUS_JD = ("完成", "已取消", "等待出库", "等待确认收货", "退款成功")
ORDER_STATUS_ESHOP = ("paid", "cancelled", "refunded", "completed")
APP_EVENTS = (
    "app_open",
    "view_item",
    "search",
    "favorite",
    "add_to_cart",
    "purchase",
    "live_view",
    "coupon_claim",
    "share",
    "review",
)
CONSENT_CHANNELS = ("sms", "wechat_template", "app_push", "email", "phone_call", "media")
TOUCH_CHANNELS = ("sms", "wechat_template", "app_push", "email")
CONSENT_ID_TYPES = ("phone", "openid", "email", "device", "member_id")
TOUCH_ID_TYPES = ("phone", "openid", "email", "device", "member_id", "user_id")
GUIDE_TAG_ID_TYPES = ("member_id", "phone", "openid", "unionid")
AD_PLATFORMS = ("tencent", "oceanengine", "alimama")
AD_EVENTS = ("impression", "click", "conversion")
AD_ID_TYPES = ("oaid_md5", "idfa_md5", "imei_md5", "phone_sha256", "phone_md5")
CATEGORY_L1 = ("家电", "数码", "母婴", "生鲜", "美妆", "服饰", "家居", "服务")
GENDERS = ("M", "F", "男", "女")
MEMBER_TYPES = ("group", "brand", "dealer", "store")
MEMBER_STATUSES = ("active", "frozen", "cancelled")
TMALL_LEVELS = ("V1", "V2", "V3", "V4")

C = Column
K = Kind

SOURCES: tuple[Source, ...] = (
    Source(
        name="tmall_orders",
        system="tmall",
        entity="order_lines",
        file_format="csv",
        description="Tmall/Taobao sub-order report: one row per order line.",
        columns=(
            C("order_id", "订单编号", K.DIGITS, True, description="Tmall order id"),
            C("sub_order_id", "子订单编号", K.DIGITS, True, description="Tmall sub-order (line) id"),
            C("buyer_ouid", "买家OUID", K.TEXT, True, description="opaque buyer id, per shop"),
            C("buyer_nick", "买家会员名", description="buyer nick, often masked"),
            C("contact_phone", "联系手机", description=PHONE_NOTE),
            C("shop_name", "店铺名称", K.TEXT, True, description="Tmall shop; maps to a brand"),
            C("sku", "商家编码", K.TEXT, True, description="merchant sku"),
            C("item_title", "宝贝标题"),
            C("quantity", "购买数量", K.INT, True, min_value=1),
            C("paid_amount", "买家实际支付金额", K.AMOUNT, True, min_value=0),
            C("refund_amount", "退款金额", K.AMOUNT, min_value=0),
            C("order_status", "订单状态", K.TEXT, True, values=ORDER_STATUS_TMALL),
            C("created_at", "订单创建时间", K.TIMESTAMP, True),
            C("paid_at", "订单付款时间", K.TIMESTAMP),
        ),
        natural_key=("sub_order_id",),
        dedup=Dedup.LATEST,
    ),
    Source(
        name="tmall_members",
        system="tmall",
        entity="members",
        file_format="csv",
        description="Tmall membership (会员通) list.",
        columns=(
            C("ouid", "ouid", K.TEXT, True),
            C("nick", "nick"),
            C("mobile", "mobile", description="plain 11 digits when the member consented, else empty"),
            C("brand", "brand", K.TEXT, True),
            C("level", "level", K.TEXT, values=TMALL_LEVELS),
            C("points", "points", K.INT, min_value=0),
            C("joined_at", "join_time", K.TIMESTAMP),
        ),
        natural_key=("brand", "ouid"),
        dedup=Dedup.LATEST,
    ),
    Source(
        name="jd_orders",
        system="jd",
        entity="order_lines",
        file_format="xlsx",
        description="JD order export: one row per order line (first sheet).",
        columns=(
            C("order_id", "订单号", K.DIGITS, True),
            C("jd_pin", "下单帐号", K.TEXT, True),
            C("customer_name", "客户姓名", description="masked"),
            C("contact_phone", "联系电话", description=PHONE_NOTE),
            C("shop_name", "店铺名称", K.TEXT, True),
            C("sku", "商品ID", K.TEXT, True),
            C("item_name", "商品名称"),
            C("quantity", "订购数量", K.INT, True, min_value=1),
            C("payable_amount", "应付金额", K.AMOUNT, True, min_value=0),
            C("order_status", "订单状态", K.TEXT, True, values=ORDER_STATUS_JD),
            C("ordered_at", "下单时间", K.TIMESTAMP, True, description="Excel date cell or text"),
        ),
        natural_key=("order_id", "sku"),
        dedup=Dedup.LATEST,
    ),
    Source(
        name="wechat_miniapp_users",
        system="wechat",
        entity="miniapp_users",
        file_format="jsonl",
        description="WeChat mini-program users.",
        columns=(
            C("appid", "appid", K.TEXT, True),
            C("openid", "openid", K.TEXT, True),
            C("unionid", "unionid"),
            C("phone", "phone", description=PHONE_NOTE),
            C("nickname", "nickname"),
            C("brand", "brand", K.TEXT, True),
            C("created_at", "created_at", K.TIMESTAMP, True, description="epoch milliseconds"),
        ),
        natural_key=("appid", "openid"),
        dedup=Dedup.LATEST,
    ),
    Source(
        name="wechat_oa_followers",
        system="wechat",
        entity="oa_followers",
        file_format="csv",
        description="WeChat official account followers.",
        columns=(
            C("appid", "appid", K.TEXT, True),
            C("openid", "openid", K.TEXT, True),
            C("unionid", "unionid"),
            C("is_subscribed", "subscribe", K.FLAG, True),
            C("subscribed_at", "subscribe_time", K.TIMESTAMP, description="epoch seconds"),
            C("unsubscribed_at", "unsubscribe_time", K.TIMESTAMP, description="epoch seconds"),
            C("brand", "brand", K.TEXT, True),
        ),
        natural_key=("appid", "openid"),
        dedup=Dedup.LATEST,
    ),
    Source(
        name="app_events",
        system="app",
        entity="events",
        file_format="jsonl",
        description="Own App behaviour events; client retries re-send the same event_id.",
        columns=(
            C("event_id", "event_id", K.TEXT, True),
            C("event_at", "event_time", K.TIMESTAMP, True, description="ISO 8601 with offset"),
            C("event_name", "event", K.TEXT, True, values=APP_EVENTS),
            C("user_id", "user_id", description="App account"),
            C("phone", "phone", description=PHONE_NOTE),
            C("device_oaid", "device.oaid"),
            C("device_idfa", "device.idfa"),
            C("device_imei", "device.imei"),
            C("device_os", "device.os"),
            C("brand", "brand", K.TEXT, True),
            C("item_sku", "properties.sku"),
            C("item_price", "properties.price", K.AMOUNT, min_value=0),
            C("live_id", "properties.live_id"),
            C("review_rating", "properties.rating", K.INT, min_value=0),
            C("search_keyword", "properties.keyword"),
            C("coupon_id", "properties.coupon_id"),
            C("properties_json", "properties", K.JSON, description="all properties as JSON text"),
        ),
        natural_key=("event_id",),
        dedup=Dedup.FIRST,
        extensions=(".jsonl", ".jsonl.gz"),
    ),
    Source(
        name="eshop_orders",
        system="eshop",
        entity="order_lines",
        file_format="csv",
        description="Own online mall order lines.",
        columns=(
            C("order_id", "order_id", K.TEXT, True),
            C("line_no", "line_no", K.INT, True, min_value=1),
            C("user_id", "user_id", description="App account"),
            C("phone", "phone", description=PHONE_NOTE),
            C("brand", "brand", K.TEXT, True),
            C("sku", "sku", K.TEXT, True),
            C("quantity", "qty", K.INT, True, min_value=1),
            C("paid_amount", "paid_amount", K.AMOUNT, True, min_value=0),
            C("refund_amount", "refund_amount", K.AMOUNT, min_value=0),
            C("order_status", "status", K.TEXT, True, values=ORDER_STATUS_ESHOP),
            C("created_at", "created_at", K.TIMESTAMP, True),
            C("paid_at", "paid_at", K.TIMESTAMP),
        ),
        natural_key=("order_id", "line_no"),
        dedup=Dedup.LATEST,
    ),
    Source(
        name="pos_sales",
        system="pos",
        entity="sales_lines",
        file_format="csv",
        description="Offline store POS lines; returns have negative quantity and amount.",
        columns=(
            C("store_code", "门店编码", K.TEXT, True),
            C("store_name", "门店名称"),
            C("brand", "品牌", description="may be empty or absent: the store name then names the brand (int_brand_names)"),
            C("dealer_code", "经销商编码"),
            C("receipt_no", "小票号", K.TEXT, True),
            C("member_id", "会员卡号", description="the brand's CRM member_id"),
            C("phone", "手机号", description=PHONE_NOTE),
            C("sku", "商品编码", K.TEXT, True),
            C("quantity", "数量", K.INT, True, description="negative for returns, never 0"),
            C("amount", "金额", K.AMOUNT, True, description="negative for returns"),
            C("sold_at", "销售时间", K.TIMESTAMP, True),
            C("clerk_id", "导购工号"),
        ),
        natural_key=("store_code", "receipt_no", "sku", "quantity", "amount", "sold_at"),
        dedup=Dedup.SAME_CONTENT,
    ),
    Source(
        name="crm_members",
        system="crm",
        entity="members",
        file_format="csv",
        description="Brand membership CRM.",
        columns=(
            C("member_id", "member_id", K.TEXT, True),
            C("brand", "brand", K.TEXT, True),
            C("phone", "phone", description=PHONE_NOTE),
            C("email", "email"),
            C("name", "name"),
            C("gender", "gender", K.TEXT, values=GENDERS),
            C("birthday_raw", "birthday", description="as delivered"),
            C("birthday", "birthday", K.DATE, description="parsed; null when empty or impossible"),
            C("city", "city"),
            C("tier", "tier", description="brand-specific tier name"),
            C("points", "points", K.INT, min_value=0),
            C("member_type", "member_type", K.TEXT, values=MEMBER_TYPES),
            C("dealer_code", "dealer_code"),
            C("store_code", "store_code"),
            C("joined_at", "joined_at", K.TIMESTAMP),
            C("member_status", "status", K.TEXT, values=MEMBER_STATUSES),
        ),
        natural_key=("brand", "member_id"),
        dedup=Dedup.LATEST,
    ),
    Source(
        name="ad_backflow",
        system="ads",
        entity="backflow_events",
        file_format="csv",
        description="Media backflow (impressions, clicks, conversions) keyed by hashed ids.",
        columns=(
            C("platform", "platform", K.TEXT, True, values=AD_PLATFORMS),
            C("ad_campaign_id", "ad_campaign_id", K.TEXT, True),
            C("creative_id", "creative_id"),
            C("event_name", "event", K.TEXT, True, values=AD_EVENTS),
            C("event_at", "event_time", K.TIMESTAMP, True),
            C("id_type", "id_type", K.TEXT, True, values=AD_ID_TYPES),
            C("id_value", "id_value", K.HEX_DIGEST, True, description="lower-cased hex digest"),
            C("cost", "cost", K.AMOUNT, min_value=0),
        ),
        natural_key=(
            "platform",
            "ad_campaign_id",
            "creative_id",
            "event_name",
            "event_at",
            "id_type",
            "id_value",
            "cost",
        ),
        dedup=Dedup.SAME_CONTENT,
    ),
    Source(
        name="consents",
        system="consents",
        entity="consent_events",
        file_format="csv",
        description="Consent and opt-out events; the latest per (channel, identifier) wins.",
        columns=(
            C("channel", "channel", K.TEXT, True, values=CONSENT_CHANNELS),
            C("id_type", "id_type", K.TEXT, True, values=CONSENT_ID_TYPES),
            C("id_value", "id_value", K.TEXT, True),
            C("action", "action", K.TEXT, True, values=("opt_in", "opt_out")),
            C("event_at", "event_time", K.TIMESTAMP, True),
            C("consent_source", "source"),
        ),
        natural_key=("channel", "id_type", "id_value", "action", "event_at", "consent_source"),
        dedup=Dedup.SAME_CONTENT,
    ),
    Source(
        name="campaign_touches",
        system="campaigns",
        entity="touches",
        file_format="csv",
        description="Delivery logs of SMS, WeChat template and push touches.",
        columns=(
            C("touch_id", "touch_id", K.TEXT, True),
            C("campaign_id", "campaign_id", K.TEXT, True),
            C("channel", "channel", K.TEXT, True, values=TOUCH_CHANNELS),
            C("id_type", "id_type", K.TEXT, True, values=TOUCH_ID_TYPES),
            C("id_value", "id_value", K.TEXT, True),
            C("sent_at", "sent_at", K.TIMESTAMP, True),
            C("is_delivered", "delivered", K.FLAG),
            C("opened_at", "opened_at", K.TIMESTAMP),
            C("clicked_at", "clicked_at", K.TIMESTAMP),
        ),
        natural_key=("touch_id",),
        dedup=Dedup.LATEST,
    ),
    Source(
        name="products",
        system="catalog",
        entity="products",
        file_format="csv",
        description="Product catalog; every delivery is a full snapshot.",
        columns=(
            C("sku", "sku", K.TEXT, True),
            C("brand", "brand", K.TEXT, True),
            C("product_name", "product_name"),
            C("category_l1", "category_l1", K.TEXT, True, values=CATEGORY_L1),
            C("category_l2", "category_l2"),
            C("list_price", "list_price", K.AMOUNT, min_value=0),
            C("is_ecosystem", "is_ecosystem", K.FLAG),
        ),
        natural_key=("sku",),
        dedup=Dedup.SNAPSHOT,
    ),
    Source(
        name="guide_tags",
        system="guides",
        entity="tag_events",
        file_format="csv",
        other_formats=("jsonl",),
        description=(
            "Shop assistants' tagging events (导购标签): one row per set or clear of a manual tag; "
            "the latest per (person, brand, tag) wins."
        ),
        columns=(
            C("tag_event_id", "tag_event_id", K.TEXT, True),
            C("brand", "brand", K.TEXT, True),
            C("store_code", "store_code"),
            C("guide_id", "guide_id", K.TEXT, True, description="导购工号"),
            C("id_type", "id_type", K.TEXT, True, values=GUIDE_TAG_ID_TYPES),
            C("id_value", "id_value", K.TEXT, True),
            C("appid", "appid", description="the WeChat appid of an openid; empty otherwise"),
            C("tag_code", "tag_code", K.TEXT, True, description="a tag of the brand's manual-tag catalog (seed)"),
            C("tag_value", "tag_value", description="one of the tag's allowed values; empty to clear"),
            C("action", "action", K.TEXT, True, values=("set", "clear")),
            C("tagged_at", "tagged_at", K.TIMESTAMP, True),
        ),
        natural_key=("tag_event_id",),
        dedup=Dedup.FIRST,
    ),
)

SOURCES_BY_NAME: dict[str, Source] = {s.name: s for s in SOURCES}


def get_source(name: str) -> Source:
    try:
        return SOURCES_BY_NAME[name]
    except KeyError:
        known = ", ".join(SOURCES_BY_NAME)
        raise KeyError(f"unknown source {name!r}; known sources: {known}") from None


def lake_schema(source: Source) -> pl.Schema:
    """Column order and types of a landed file: business columns, then lineage."""
    columns: dict[str, pl.DataType] = {c.name: c.lake_type for c in source.columns}
    columns.update(LINEAGE_COLUMNS)
    return pl.Schema(columns)


def empty_lake_frame(source: Source) -> pl.DataFrame:
    return pl.DataFrame(schema=lake_schema(source))


QUARANTINE_SCHEMA = pl.Schema(
    {
        "source": pl.String(),
        "reason_code": pl.String(),
        "reason_detail": pl.String(),
        "raw_text": pl.String(),
        **LINEAGE_COLUMNS,
    }
)
