"""The 14 channel exports of `shared/contracts/channel-exports.md`, as code.

This module is the single description of every source: the delivered header
of each column, the canonical English column it lands as, its type in the
lake, whether it is required and which values it accepts, its name and
spelling in staging and what it means, the natural key and dedup rule, and
how the source asserts identity. The loaders, the demo generator and the
Great Expectations suites read it; `make contract` (pipeline/ingest/dbt_files.py)
writes the dbt side from it: the sources, the staging models' columns and
their descriptions, the staging contract rules and the identity registry.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
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
    _: KW_ONLY
    kind: Kind = Kind.TEXT
    required: bool = False
    values: tuple[str, ...] | None = None  # accepted values (after trimming)
    min_value: int | None = None  # for INT and AMOUNT
    # What the column means, as the staging model and the docs site show it (dbt
    # Markdown: `{{ doc('…') }}` names a doc block of models/staging/_staging__docs.md).
    description: str = ""
    staged_as: str | None = None  # the staging model's name for it, where staging renames it
    # Where staging spells delivered values one way: (delivered value, staged value)
    # for every accepted value.
    staged_values: tuple[tuple[str, str], ...] | None = None

    def __post_init__(self) -> None:
        if self.staged_values is not None and tuple(d for d, _ in self.staged_values) != self.values:
            raise ValueError(f"{self.name}: staged_values must map each accepted value, in order")

    @property
    def lake_type(self) -> pl.DataType:
        return LAKE_TYPES[self.kind]

    @property
    def staging_name(self) -> str:
        return self.staged_as or self.name

    @property
    def staging_values(self) -> tuple[str, ...] | None:
        if self.staged_values is None:
            return self.values
        return tuple(dict.fromkeys(staged for _, staged in self.staged_values))


@dataclass(frozen=True)
class Identifier:
    """A staged column whose value names a person (docs/identity.md)."""

    id_type: str
    column: str  # the staging column holding the value as delivered
    _: KW_ONLY
    namespace: str | None = None  # SQL over the staged row; None: one global namespace
    brand_namespace: bool = False  # the namespace is a brand, shop or store name (int_brand_names resolves it)
    # Staging adds `<column>_normalized` and `<column>_rejection` (phones, emails,
    # device ids); opaque ids are used as delivered.
    normalized: bool = False


@dataclass(frozen=True)
class IdentityRecords:
    """How a source asserts identity: a record (an order, a POS receipt, an App
    event, a member or follower profile) and the identifiers it carries."""

    record: tuple[str, ...]  # staging columns keying a record within the source (joined by '/')
    at: str | None  # staging column of when the record happened; None: a profile (its delivery date)
    brand: str  # SQL over the staged row naming the record's brand, shop or store
    identifiers: tuple[Identifier, ...]
    # False when the brand named is not one the person appeared in (a guide tag
    # names the brand whose guide typed the identifier): int_record_brands leaves it out.
    person_brand: bool = True


@dataclass(frozen=True)
class OrderStatus:
    """An order export's status and the line status it means (docs/tags.md, "Orders")."""

    delivered: str
    line_status: str  # unpaid, paid, completed, cancelled or refunded
    _: KW_ONLY
    # What it means instead on a line without a payment time (a Tmall order
    # closed before it was paid was never paid).
    unpaid_line_status: str | None = None


def delivered_statuses(statuses: tuple[OrderStatus, ...]) -> tuple[str, ...]:
    return tuple(status.delivered for status in statuses)


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
    identity: IdentityRecords | None = None  # None: the source asserts no identity
    order_statuses: tuple[OrderStatus, ...] = ()  # an order export's statuses and their meaning

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

ORDER_STATUSES_TMALL = (
    OrderStatus("交易成功", "completed"),
    OrderStatus("交易关闭", "refunded", unpaid_line_status="unpaid"),
    OrderStatus("等待买家付款", "unpaid"),
    OrderStatus("卖家已发货，等待买家确认", "paid"),
    OrderStatus("买家已付款，等待卖家发货", "paid"),
)
ORDER_STATUSES_JD = (
    OrderStatus("完成", "completed"),
    OrderStatus("已取消", "cancelled"),
    OrderStatus("等待出库", "paid"),
    OrderStatus("等待确认收货", "paid"),
    OrderStatus("退款成功", "refunded"),
)
ORDER_STATUSES_ESHOP = (
    OrderStatus("paid", "paid", unpaid_line_status="unpaid"),
    OrderStatus("cancelled", "cancelled"),
    OrderStatus("refunded", "refunded"),
    OrderStatus("completed", "completed"),
)
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

SOURCES: tuple[Source, ...] = (
    Source(
        name="tmall_orders",
        system="tmall",
        entity="order_lines",
        file_format="csv",
        description="Tmall/Taobao sub-order report: one row per order line.",
        columns=(
            Column(
                "order_id", "订单编号", kind=Kind.DIGITS, required=True,
                description='Tmall order id, digits (Excel `="…"` escaping removed by the loader).',
            ),
            Column(
                "sub_order_id", "子订单编号", kind=Kind.DIGITS, required=True,
                description="Tmall sub-order (order line) id, digits; the natural key.",
            ),
            Column("buyer_ouid", "买家OUID", required=True, description="Opaque buyer id, scoped to the shop (brand)."),
            Column(
                "buyer_nick", "买家会员名",
                description="Buyer nick as delivered, often masked (`t**1`); an attribute, never an identifier.",
            ),
            Column("contact_phone", "联系手机", description="{{ doc('phone_as_delivered') }}"),
            Column(
                "shop_name", "店铺名称", required=True,
                description="Tmall shop name; maps to a brand through configuration.",
            ),
            Column("sku", "商家编码", required=True, description="{{ doc('sku') }}"),
            Column("item_title", "宝贝标题", description="Item title as delivered."),
            Column("quantity", "购买数量", kind=Kind.INT, required=True, min_value=1, description="Units bought."),
            Column(
                "paid_amount", "买家实际支付金额", kind=Kind.AMOUNT, required=True, min_value=0,
                description="Amount the buyer actually paid for the line, yuan.",
            ),
            Column(
                "refund_amount", "退款金额", kind=Kind.AMOUNT, min_value=0,
                description="Refunded amount, yuan; null when nothing was refunded.",
            ),
            Column(
                "order_status", "订单状态", required=True, values=delivered_statuses(ORDER_STATUSES_TMALL),
                description="Order status as delivered (Chinese).",
            ),
            Column(
                "created_at", "订单创建时间", kind=Kind.TIMESTAMP, required=True,
                description="Order creation time. {{ doc('utc_timestamp') }}",
            ),
            Column(
                "paid_at", "订单付款时间", kind=Kind.TIMESTAMP,
                description="Payment time; null when unpaid. {{ doc('utc_timestamp') }}",
            ),
        ),
        order_statuses=ORDER_STATUSES_TMALL,
        natural_key=("sub_order_id",),
        dedup=Dedup.LATEST,
        identity=IdentityRecords(
            record=("order_id",),
            at="created_at",
            brand="shop_name",
            identifiers=(
                Identifier("tmall_ouid", "buyer_ouid", namespace="shop_name", brand_namespace=True),
                Identifier("phone", "contact_phone", normalized=True),
            ),
        ),
    ),
    Source(
        name="tmall_members",
        system="tmall",
        entity="members",
        file_format="csv",
        description="Tmall membership (会员通) list.",
        columns=(
            Column(
                "ouid", "ouid", required=True,
                description="Opaque buyer id, scoped to the brand's shop; joins to stg_tmall__order_lines.buyer_ouid.",
            ),
            Column("nick", "nick", description="Nick as delivered, often masked."),
            Column(
                "mobile", "mobile",
                description="Plain 11-digit mobile when the member consented at joining, else null. {{ doc('phone_as_delivered') }}",
            ),
            Column("brand", "brand", required=True, description="{{ doc('brand') }}"),
            Column("level", "level", values=TMALL_LEVELS, staged_as="member_level", description="Tmall member level."),
            Column("points", "points", kind=Kind.INT, min_value=0, description="Member points."),
            Column(
                "joined_at", "join_time", kind=Kind.TIMESTAMP,
                description="Time the member joined. {{ doc('utc_timestamp') }}",
            ),
        ),
        natural_key=("brand", "ouid"),
        dedup=Dedup.LATEST,
        identity=IdentityRecords(
            record=("tmall_member_id",),
            at=None,
            brand="brand",
            identifiers=(
                Identifier("tmall_ouid", "ouid", namespace="brand", brand_namespace=True),
                Identifier("phone", "mobile", normalized=True),
            ),
        ),
    ),
    Source(
        name="jd_orders",
        system="jd",
        entity="order_lines",
        file_format="xlsx",
        description="JD order export: one row per order line (first sheet).",
        columns=(
            Column("order_id", "订单号", kind=Kind.DIGITS, required=True, description="JD order id, digits."),
            Column("jd_pin", "下单帐号", required=True, description="JD account (pin) that placed the order."),
            Column(
                "customer_name", "客户姓名",
                description="Customer name as delivered, masked (`张*`); never an identifier.",
            ),
            Column("contact_phone", "联系电话", description="{{ doc('phone_as_delivered') }}"),
            Column(
                "shop_name", "店铺名称", required=True,
                description="JD shop name; maps to a brand through configuration.",
            ),
            Column("sku", "商品ID", required=True, description="{{ doc('sku') }} (JD 商品ID)"),
            Column("item_name", "商品名称", description="Item name as delivered."),
            Column("quantity", "订购数量", kind=Kind.INT, required=True, min_value=1, description="Units ordered."),
            Column(
                "payable_amount", "应付金额", kind=Kind.AMOUNT, required=True, min_value=0,
                description="Amount payable for the line, yuan.",
            ),
            Column(
                "order_status", "订单状态", required=True, values=delivered_statuses(ORDER_STATUSES_JD),
                description="Order status as delivered (Chinese).",
            ),
            Column(
                "ordered_at", "下单时间", kind=Kind.TIMESTAMP, required=True,
                description="Order time (an Excel date cell or text in the export). {{ doc('utc_timestamp') }}",
            ),
        ),
        order_statuses=ORDER_STATUSES_JD,
        natural_key=("order_id", "sku"),
        dedup=Dedup.LATEST,
        identity=IdentityRecords(
            record=("order_id",),
            at="ordered_at",
            brand="shop_name",
            identifiers=(
                Identifier("jd_pin", "jd_pin", namespace="'jd'"),
                Identifier("phone", "contact_phone", normalized=True),
            ),
        ),
    ),
    Source(
        name="wechat_miniapp_users",
        system="wechat",
        entity="miniapp_users",
        file_format="jsonl",
        description="WeChat mini-program users.",
        columns=(
            Column("appid", "appid", required=True, description="WeChat appid of the mini-program."),
            Column("openid", "openid", required=True, description="WeChat openid, scoped to its appid."),
            Column(
                "unionid", "unionid",
                description="WeChat unionid (open platform account), null when WeChat did not provide it.",
            ),
            Column(
                "phone", "phone",
                description="Phone as the user authorized it, often `+86…`. {{ doc('phone_as_delivered') }}",
            ),
            Column("nickname", "nickname", description="Nickname as delivered."),
            Column("brand", "brand", required=True, description="{{ doc('brand') }}"),
            Column(
                "created_at", "created_at", kind=Kind.TIMESTAMP, required=True,
                description="Time the user was created (delivered as epoch milliseconds). {{ doc('utc_timestamp') }}",
            ),
        ),
        natural_key=("appid", "openid"),
        dedup=Dedup.LATEST,
        identity=IdentityRecords(
            record=("miniapp_user_id",),
            at=None,
            brand="brand",
            identifiers=(
                Identifier("wechat_openid", "openid", namespace="appid"),
                Identifier("wechat_unionid", "unionid", namespace="'wechat_open_platform'"),
                Identifier("phone", "phone", normalized=True),
            ),
        ),
    ),
    Source(
        name="wechat_oa_followers",
        system="wechat",
        entity="oa_followers",
        file_format="csv",
        description="WeChat official account followers.",
        columns=(
            Column("appid", "appid", required=True, description="WeChat appid of the official account."),
            Column("openid", "openid", required=True, description="WeChat openid, scoped to its appid."),
            Column("unionid", "unionid", description="WeChat unionid, null when not provided."),
            Column(
                "is_subscribed", "subscribe", kind=Kind.FLAG, required=True,
                description="Whether the openid follows the account in this state.",
            ),
            Column(
                "subscribed_at", "subscribe_time", kind=Kind.TIMESTAMP,
                description="Subscription time (delivered as epoch seconds). {{ doc('utc_timestamp') }}",
            ),
            Column(
                "unsubscribed_at", "unsubscribe_time", kind=Kind.TIMESTAMP,
                description="Unsubscription time, null while subscribed. {{ doc('utc_timestamp') }}",
            ),
            Column("brand", "brand", required=True, description="{{ doc('brand') }}"),
        ),
        natural_key=("appid", "openid"),
        dedup=Dedup.LATEST,
        identity=IdentityRecords(
            record=("oa_follower_id",),
            at=None,
            brand="brand",
            identifiers=(
                Identifier("wechat_openid", "openid", namespace="appid"),
                Identifier("wechat_unionid", "unionid", namespace="'wechat_open_platform'"),
            ),
        ),
    ),
    Source(
        name="app_events",
        system="app",
        entity="events",
        file_format="jsonl",
        description="Own App behaviour events; client retries re-send the same event_id.",
        columns=(
            Column(
                "event_id", "event_id", required=True,
                description="Event id assigned by the App client; the natural key.",
            ),
            Column(
                "event_at", "event_time", kind=Kind.TIMESTAMP, required=True,
                description="Event time (delivered ISO 8601 with offset). {{ doc('utc_timestamp') }}",
            ),
            Column("event_name", "event", required=True, values=APP_EVENTS, description="Event type."),
            Column(
                "user_id", "user_id",
                description="App account id; null for anonymous events. Joins to stg_eshop__order_lines.user_id.",
            ),
            Column("phone", "phone", description="{{ doc('phone_as_delivered') }}"),
            Column(
                "device_oaid", "device.oaid",
                description="Android OAID as delivered (may be an all-zero placeholder).",
            ),
            Column("device_idfa", "device.idfa", description="iOS IDFA as delivered (may be an all-zero placeholder)."),
            Column("device_imei", "device.imei", description="IMEI as delivered."),
            Column("device_os", "device.os", description="Device operating system as delivered."),
            Column("brand", "brand", required=True, description="{{ doc('brand') }}"),
            Column(
                "item_sku", "properties.sku", staged_as="sku",
                description="Sku of the event's item (properties.sku), when the event has one. {{ doc('sku') }}",
            ),
            Column(
                "item_price", "properties.price", kind=Kind.AMOUNT, min_value=0,
                description="Item price (properties.price), yuan.",
            ),
            Column("live_id", "properties.live_id", description="Live stream id (properties.live_id)."),
            Column(
                "review_rating", "properties.rating", kind=Kind.INT, min_value=0,
                description="Review rating (properties.rating).",
            ),
            Column("search_keyword", "properties.keyword", description="Search keyword (properties.keyword)."),
            Column("coupon_id", "properties.coupon_id", description="Coupon id (properties.coupon_id)."),
            Column(
                "properties_json", "properties", kind=Kind.JSON,
                description="All event properties as JSON text, including ones not broken out above.",
            ),
        ),
        natural_key=("event_id",),
        dedup=Dedup.FIRST,
        identity=IdentityRecords(
            record=("event_id",),
            at="event_at",
            brand="brand",
            identifiers=(
                Identifier("app_user_id", "user_id", namespace="'app'"),
                Identifier("phone", "phone", normalized=True),
                Identifier("oaid", "device_oaid", namespace="'device'", normalized=True),
                Identifier("idfa", "device_idfa", namespace="'device'", normalized=True),
                Identifier("imei", "device_imei", namespace="'device'", normalized=True),
            ),
        ),
        extensions=(".jsonl", ".jsonl.gz"),
    ),
    Source(
        name="eshop_orders",
        system="eshop",
        entity="order_lines",
        file_format="csv",
        description="Own online mall order lines.",
        columns=(
            Column("order_id", "order_id", required=True, description="Mall order id."),
            Column(
                "line_no", "line_no", kind=Kind.INT, required=True, min_value=1,
                description="Line number within the order, from 1.",
            ),
            Column("user_id", "user_id", description="App account id of the buyer; joins to stg_app__events.user_id."),
            Column("phone", "phone", description="{{ doc('phone_as_delivered') }}"),
            Column("brand", "brand", required=True, description="{{ doc('brand') }}"),
            Column("sku", "sku", required=True, description="{{ doc('sku') }}"),
            Column("quantity", "qty", kind=Kind.INT, required=True, min_value=1, description="Units ordered."),
            Column(
                "paid_amount", "paid_amount", kind=Kind.AMOUNT, required=True, min_value=0,
                description="Amount paid for the line, yuan.",
            ),
            Column(
                "refund_amount", "refund_amount", kind=Kind.AMOUNT, min_value=0,
                description="Refunded amount, yuan; null when nothing was refunded.",
            ),
            Column(
                "order_status", "status", required=True, values=delivered_statuses(ORDER_STATUSES_ESHOP),
                description="Order status.",
            ),
            Column(
                "created_at", "created_at", kind=Kind.TIMESTAMP, required=True,
                description="Order creation time. {{ doc('utc_timestamp') }}",
            ),
            Column(
                "paid_at", "paid_at", kind=Kind.TIMESTAMP,
                description="Payment time, null when unpaid. {{ doc('utc_timestamp') }}",
            ),
        ),
        order_statuses=ORDER_STATUSES_ESHOP,
        natural_key=("order_id", "line_no"),
        dedup=Dedup.LATEST,
        identity=IdentityRecords(
            record=("order_id",),
            at="created_at",
            brand="brand",
            identifiers=(
                Identifier("app_user_id", "user_id", namespace="'app'"),
                Identifier("phone", "phone", normalized=True),
            ),
        ),
    ),
    Source(
        name="pos_sales",
        system="pos",
        entity="sales_lines",
        file_format="csv",
        description="Offline store POS lines; returns have negative quantity and amount.",
        columns=(
            Column("store_code", "门店编码", required=True, description="Store code."),
            Column("store_name", "门店名称", description="Store name as delivered."),
            Column(
                "brand", "品牌",
                description="{{ doc('brand') }} Empty or absent in some stores' exports: the store name then names the brand (int_brand_names).",
            ),
            Column(
                "dealer_code", "经销商编码",
                description="Dealer (distributor) code of the store, when the store belongs to a dealer.",
            ),
            Column("receipt_no", "小票号", required=True, description="Receipt number, unique within a store."),
            Column(
                "member_id", "会员卡号",
                description="The brand's CRM member_id (会员卡号) when the buyer showed a card; joins to stg_crm__members per brand.",
            ),
            Column("phone", "手机号", description="{{ doc('phone_as_delivered') }}"),
            Column("sku", "商品编码", required=True, description="{{ doc('sku') }}"),
            Column(
                "quantity", "数量", kind=Kind.INT, required=True,
                description="Units sold; negative for returns, never 0.",
            ),
            Column(
                "amount", "金额", kind=Kind.AMOUNT, required=True,
                description="Line amount, yuan; negative for returns.",
            ),
            Column(
                "sold_at", "销售时间", kind=Kind.TIMESTAMP, required=True,
                description="Sale time. {{ doc('utc_timestamp') }}",
            ),
            Column("clerk_id", "导购工号", description="Sales clerk (导购) id."),
        ),
        natural_key=("store_code", "receipt_no", "sku", "quantity", "amount", "sold_at"),
        dedup=Dedup.SAME_CONTENT,
        identity=IdentityRecords(
            record=("store_code", "receipt_no"),
            at="sold_at",
            brand="coalesce(brand, store_name)",
            identifiers=(
                Identifier("crm_member_id", "member_id", namespace="coalesce(brand, store_name)", brand_namespace=True),
                Identifier("phone", "phone", normalized=True),
            ),
        ),
    ),
    Source(
        name="crm_members",
        system="crm",
        entity="members",
        file_format="csv",
        description="Brand membership CRM.",
        columns=(
            Column(
                "member_id", "member_id", required=True,
                description="The brand's member id (also the POS card number); unique per brand only.",
            ),
            Column("brand", "brand", required=True, description="{{ doc('brand') }}"),
            Column("phone", "phone", description="{{ doc('phone_as_delivered') }}"),
            Column(
                "email", "email",
                description="Email as delivered (may be junk such as `test@test.com`). Raw; never expose it in marts or exports.",
            ),
            Column("name", "name", staged_as="member_name", description="Member name as delivered, possibly masked."),
            Column(
                "gender", "gender", values=GENDERS, staged_values=(("M", "M"), ("F", "F"), ("男", "M"), ("女", "F")),
                description="Gender: `M` or `F` (delivered `M`/`男`, `F`/`女`); null when empty.",
            ),
            Column(
                "birthday_raw", "birthday",
                description="Birthday as delivered (`YYYY-MM-DD` or `YYYYMMDD`, possibly impossible).",
            ),
            Column(
                "birthday", "birthday", kind=Kind.DATE,
                description="Birthday; null when empty or impossible (see birthday_raw).",
            ),
            Column("city", "city", description="City as delivered."),
            Column(
                "tier", "tier", staged_as="member_tier",
                description="Brand-specific tier name, as delivered; mapped onto the group scale by configuration.",
            ),
            Column("points", "points", kind=Kind.INT, min_value=0, description="Member points."),
            Column(
                "member_type", "member_type", values=MEMBER_TYPES,
                description="Which organisation owns the membership.",
            ),
            Column("dealer_code", "dealer_code", description="Dealer code, for dealer memberships."),
            Column("store_code", "store_code", description="Store code, for store memberships."),
            Column(
                "joined_at", "joined_at", kind=Kind.TIMESTAMP,
                description="Time the member joined. {{ doc('utc_timestamp') }}",
            ),
            Column("member_status", "status", values=MEMBER_STATUSES, description="Membership status."),
        ),
        natural_key=("brand", "member_id"),
        dedup=Dedup.LATEST,
        identity=IdentityRecords(
            record=("crm_member_id",),
            at=None,
            brand="brand",
            identifiers=(
                Identifier("crm_member_id", "member_id", namespace="brand", brand_namespace=True),
                Identifier("phone", "phone", normalized=True),
                Identifier("email", "email", normalized=True),
            ),
        ),
    ),
    Source(
        name="ad_backflow",
        system="ads",
        entity="backflow_events",
        file_format="csv",
        description="Media backflow (impressions, clicks, conversions) keyed by hashed ids.",
        columns=(
            Column("platform", "platform", required=True, values=AD_PLATFORMS, description="Ad platform."),
            Column("ad_campaign_id", "ad_campaign_id", required=True, description="The platform's campaign id."),
            Column("creative_id", "creative_id", description="The platform's creative id."),
            Column("event_name", "event", required=True, values=AD_EVENTS, description="Media event type."),
            Column(
                "event_at", "event_time", kind=Kind.TIMESTAMP, required=True,
                description="Event time. {{ doc('utc_timestamp') }}",
            ),
            Column(
                "id_type", "id_type", required=True, values=AD_ID_TYPES,
                description="What the hashed id is a digest of.",
            ),
            Column("id_value", "id_value", kind=Kind.HEX_DIGEST, required=True, description="Hex digest, lower-cased."),
            Column(
                "cost", "cost", kind=Kind.AMOUNT, min_value=0,
                description="Cost attributed to the event, yuan; null when not reported.",
            ),
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
            Column(
                "channel", "channel", required=True, values=CONSENT_CHANNELS,
                description="Channel the consent applies to.",
            ),
            Column("id_type", "id_type", required=True, values=CONSENT_ID_TYPES, description="Type of the identifier."),
            Column(
                "id_value", "id_value", required=True,
                description="Identifier as delivered (raw phone, email, openid, device id or member id); normalized downstream.",
            ),
            Column(
                "action", "action", required=True, values=("opt_in", "opt_out"), staged_as="consent_action",
                description="What the person did.",
            ),
            Column(
                "event_at", "event_time", kind=Kind.TIMESTAMP, required=True,
                description="Time of the consent event. {{ doc('utc_timestamp') }}",
            ),
            Column("consent_source", "source", description="Where the consent was collected, as delivered."),
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
            Column("touch_id", "touch_id", required=True, description="Touch id; the natural key."),
            Column("campaign_id", "campaign_id", required=True, description="Campaign id."),
            Column("channel", "channel", required=True, values=TOUCH_CHANNELS, description="Touch channel."),
            Column(
                "id_type", "id_type", required=True, values=TOUCH_ID_TYPES,
                description="Type of the identifier touched.",
            ),
            Column(
                "id_value", "id_value", required=True,
                description="Identifier as delivered; normalized downstream.",
            ),
            Column(
                "sent_at", "sent_at", kind=Kind.TIMESTAMP, required=True,
                description="Send time. {{ doc('utc_timestamp') }}",
            ),
            Column(
                "is_delivered", "delivered", kind=Kind.FLAG,
                description="Whether the touch was delivered; null when not reported.",
            ),
            Column(
                "opened_at", "opened_at", kind=Kind.TIMESTAMP,
                description="Open time, null when not opened. {{ doc('utc_timestamp') }}",
            ),
            Column(
                "clicked_at", "clicked_at", kind=Kind.TIMESTAMP,
                description="Click time, null when not clicked. {{ doc('utc_timestamp') }}",
            ),
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
            Column("sku", "sku", required=True, description="Merchant sku; the natural key."),
            Column("brand", "brand", required=True, description="{{ doc('brand') }}"),
            Column("product_name", "product_name", description="Product name."),
            Column("category_l1", "category_l1", required=True, values=CATEGORY_L1, description="Top-level category."),
            Column("category_l2", "category_l2", description="Second-level category (e.g. 空调, 冰箱, 奶粉)."),
            Column("list_price", "list_price", kind=Kind.AMOUNT, min_value=0, description="List price, yuan."),
            Column(
                "is_ecosystem", "is_ecosystem", kind=Kind.FLAG,
                description="Ecosystem goods (filters, detergent, fresh food) that turn a durable into repeat purchases.",
            ),
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
            Column("tag_event_id", "tag_event_id", required=True, description="The guide app's id of the event."),
            Column("brand", "brand", required=True, description="{{ doc('brand') }}"),
            Column("store_code", "store_code", description="The store the guide works in, as delivered."),
            Column("guide_id", "guide_id", required=True, description="The shop assistant's staff number (导购工号)."),
            Column(
                "id_type", "id_type", required=True, values=GUIDE_TAG_ID_TYPES,
                description="Type of the customer's identifier.",
            ),
            Column(
                "id_value", "id_value", required=True,
                description="The customer's identifier as delivered (raw); normalized downstream.",
            ),
            Column("appid", "appid", description="The WeChat appid of an openid; null otherwise."),
            Column("tag_code", "tag_code", required=True, description="The tag as the guide app spelled it."),
            Column(
                "tag_value", "tag_value",
                description="The value as the guide app spelled it; null when the tag is cleared.",
            ),
            Column(
                "action", "action", required=True, values=("set", "clear"), staged_as="tag_action",
                description="set or clear.",
            ),
            Column(
                "tagged_at", "tagged_at", kind=Kind.TIMESTAMP, required=True,
                description="When the guide recorded it. {{ doc('utc_timestamp') }}",
            ),
        ),
        natural_key=("tag_event_id",),
        dedup=Dedup.FIRST,
        identity=IdentityRecords(
            record=("tag_event_id",),
            at="tagged_at",
            brand="brand",
            identifiers=(
                Identifier("crm_member_id", "member_id", namespace="brand", brand_namespace=True),
                Identifier("phone", "phone", normalized=True),
                Identifier("wechat_openid", "openid", namespace="appid"),
                Identifier("wechat_unionid", "unionid", namespace="'wechat_open_platform'"),
            ),
            person_brand=False,
        ),
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
