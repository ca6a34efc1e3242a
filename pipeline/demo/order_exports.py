"""Order lines as Tmall, JD, the own mall and the store tills export them.

Platform exports list the lines whose status changed that day: a line shows
up when it is placed (awaiting payment, paid, maybe already shipped) and again
when it settles (completed, closed, refunded) — so staging must keep the
latest version per line. POS tills export each sale once; returns are new
negative lines.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import polars as pl

from pipeline.demo import daily, mess, timefmt
from pipeline.demo.brands import BRANDS
from pipeline.demo.delivery import FileSpec
from pipeline.demo.orders import Channel, Outcome
from pipeline.demo.people import phone_on
from pipeline.demo.randomness import chance, stream
from pipeline.demo.world import World, delivered_headers

TMALL_ORDER_BASE = 2_500_000_000_000_000_000
TMALL_ORDER_STRIDE = 1_000_003
JD_ORDER_BASE = 230_000_000_000

RATES = {
    "tmall_phone": {"masked": 0.75, "plain": 0.18, "plus86": 0.01, "spaced": 0.01},  # rest of 5%: empty or junk
    "tmall_phone_missing": 0.04,
    "tmall_phone_junk": 0.01,
    "tmall_nick_masked": 0.6,
    "tmall_escaped_ids": 0.3,  # files exported through Excel: ids written `="…"`
    "tmall_shipped_same_day": 0.3,
    "jd_phone": {"masked": 0.70, "plain": 0.25, "dashed": 0.02},
    "jd_phone_missing": 0.03,
    "eshop_phone_missing": 0.2,
    "eshop_phone": {"plain": 0.85, "plus86": 0.05, "plus86_spaced": 0.03, "0086_dashed": 0.02, "86_dash": 0.02, "full_width": 0.02, "spaced": 0.01},
    "eshop_phone_junk": 0.01,
    "eshop_zone_less_times": 0.3,
    "eshop_user_junk": 0.005,
    "pos_phone_given": 0.35,
    "pos_phone": {"plain": 0.55, "spaced": 0.15, "dashed": 0.15, "scientific": 0.05, "full_width": 0.03, "plus86_spaced": 0.07},
    "pos_phone_junk": 0.03,
    "pos_card_shown": 0.7,  # members who show their card (or give the number) at the till
    "pos_duplicate_card": 0.3,  # of members with two cards: the second one is used
}  # fmt: skip


def _emissions(world: World, channel: Channel, with_unpaid_initial: bool) -> pl.DataFrame:
    """Each line once when placed (`final` false) and once when it settles inside the window."""
    lines = world.orders.filter(pl.col("channel") == channel)
    initial = lines.filter(pl.lit(with_unpaid_initial) | (pl.col("outcome") != Outcome.UNPAID))
    emitted = pl.concat(
        [
            initial.with_columns(emit_s=pl.col("created_s"), final=pl.lit(False)),
            lines.with_columns(emit_s=pl.col("settle_s"), final=pl.lit(True)),
        ]
    )
    day = (pl.col("emit_s") - world.window.start_seconds) // 86_400
    return emitted.with_columns(emit_day=day).filter(pl.col("emit_day") < world.window.days).sort("emit_s", "order", "line_no")


def _gather(series: pl.Series, index: np.ndarray) -> pl.Series:
    return series.gather(index)


def phones_when_placed(world: World, rows: pl.DataFrame, person_column: str) -> pl.Series:
    """The number the person held when the order was placed."""
    placed_day = world.window.day_of_seconds(rows["created_s"].to_numpy())
    return phone_on(world.persons, rows[person_column].to_numpy(), placed_day)


def _same_per_order(rows: pl.DataFrame, values: pl.Series) -> pl.Series:
    """The value of each order's first line on all its lines (a phone is masked once per order)."""
    frame = pl.DataFrame({"order": rows["order"], "v": values})
    return frame.select(pl.col("v").first().over("order")).to_series().alias(values.name)


def _optional_amount(cents: pl.Series, show: pl.Series) -> pl.Series:
    return pl.select(pl.when(show & (cents > 0)).then(timefmt.yuan(cents))).to_series()


def _product_names(world: World, k: np.ndarray) -> pl.Series:
    return _gather(world.catalog["product_name"], k)


# ---------------------------------------------------------------- tmall_orders


def tmall_order_ids(order: pl.Series, p: pl.Series, line_no: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(订单编号, 子订单编号): single-line orders reuse the order id, as Taobao does."""
    order_id = TMALL_ORDER_BASE + order * TMALL_ORDER_STRIDE + p % 1000
    sub_id = pl.select(pl.when(line_no == 1).then(order_id).otherwise(order_id + 1000 * line_no)).to_series()
    return order_id.cast(pl.String), sub_id.cast(pl.String)


def _tmall_status(rows: pl.DataFrame, rng: np.random.Generator) -> np.ndarray:
    final = rows["final"].to_numpy()
    outcome = rows["outcome"].to_numpy()
    shipped = chance(rng, RATES["tmall_shipped_same_day"], rows.height)
    initial = np.where(
        outcome == Outcome.UNPAID, "等待买家付款", np.where(shipped, "卖家已发货，等待买家确认", "买家已付款，等待卖家发货")
    )
    settled = np.where(np.isin(outcome, (Outcome.COMPLETED, Outcome.PARTLY_REFUNDED)), "交易成功", "交易关闭")
    return np.where(final, settled, initial)


def _render_tmall(world: World, rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    if rows.height == 0:
        return _empty("tmall_orders")
    order_id, sub_id = tmall_order_ids(rows["order"], rows["p"], rows["line_no"])
    nick = _gather(world.persons["taobao_nick"], rows["p"].to_numpy())
    phone = mess.phones(phones_when_placed(world, rows, "contact_p"), rng, RATES["tmall_phone"])
    phone = mess.blank(phone, rng, RATES["tmall_phone_missing"])
    phone = _same_per_order(rows, mess.with_junk(phone, rng, RATES["tmall_phone_junk"], mess.PHONE_JUNK, only_present=True))
    nick = _same_per_order(rows, mess.sometimes(nick, rng, RATES["tmall_nick_masked"], mess.masked_nick))
    brand = rows["brand"].to_numpy()
    paid_s = rows["paid_s"]
    return pl.DataFrame(
        {
            "订单编号": order_id,
            "子订单编号": sub_id,
            "买家OUID": _gather(world.memberships["ouid"], rows["m"].to_numpy()),
            "买家会员名": nick,
            "联系手机": phone,
            "店铺名称": daily.lookup([b.tmall_shop for b in BRANDS], brand),
            "商家编码": _gather(world.catalog["sku"], rows["k"].to_numpy()),
            "宝贝标题": _product_names(world, rows["k"].to_numpy()),
            "购买数量": rows["quantity"].cast(pl.String),
            "买家实际支付金额": timefmt.yuan(rows["paid_cents"]),
            "退款金额": _optional_amount(rows["refund_cents"], rows["final"]),
            "订单状态": _tmall_status(rows, rng),
            "订单创建时间": timefmt.text(rows["created_s"]),
            "订单付款时间": pl.select(pl.when(paid_s >= 0).then(timefmt.text(paid_s.clip(0)))).to_series(),
            "_day": rows["emit_day"],
        }
    ).select(*delivered_headers("tmall_orders"), "_day")


def _empty(source: str, *extra: str) -> pl.DataFrame:
    return daily.empty_frame(delivered_headers(source), *extra)


def tmall_orders(world: World) -> Iterator[FileSpec]:
    emitted = _emissions(world, Channel.TMALL, with_unpaid_initial=True)
    for days, rows in daily.chunks(emitted, world.window):
        rng = stream(world.seed, "tmall_orders", days.start)
        rendered = _render_tmall(world, rows, rng)
        for day, frame in daily.by_day(rendered, days):
            escaped = bool(rng.random() < RATES["tmall_escaped_ids"])
            if escaped:
                frame = frame.with_columns(mess.excel_escaped(frame["订单编号"]), mess.excel_escaped(frame["子订单编号"]))
            name = f"ExportOrderDetailList{daily.date_tag(world.window, day)}.csv"
            yield FileSpec("tmall_orders", day, name, frame, quote_never=escaped)


# ---------------------------------------------------------------- jd_orders


def jd_order_ids(order: pl.Series, p: pl.Series) -> pl.Series:
    return (JD_ORDER_BASE + order * 17 + p % 17).cast(pl.String)


def _jd_status(rows: pl.DataFrame, rng: np.random.Generator) -> np.ndarray:
    final = rows["final"].to_numpy()
    outcome = rows["outcome"].to_numpy()
    initial = np.where(chance(rng, 0.3, rows.height), "等待确认收货", "等待出库")
    settled = np.select(
        [np.isin(outcome, (Outcome.COMPLETED, Outcome.PARTLY_REFUNDED)), outcome == Outcome.REFUNDED],
        ["完成", "退款成功"],
        "已取消",
    )
    return np.where(final, settled, initial)


def _render_jd(world: World, rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    if rows.height == 0:
        return _empty("jd_orders")
    p = rows["p"].to_numpy()
    phone = mess.blank(mess.phones(phones_when_placed(world, rows, "contact_p"), rng, RATES["jd_phone"]), rng, RATES["jd_phone_missing"])
    phone = _same_per_order(rows, phone)
    return pl.DataFrame(
        {
            "订单号": jd_order_ids(rows["order"], rows["p"]),
            "下单帐号": _gather(world.persons["jd_pin"], p),
            "客户姓名": mess.masked_name(_gather(world.persons["name"], p), _gather(world.persons["surname"], p)),
            "联系电话": phone,
            "店铺名称": daily.lookup([b.jd_shop for b in BRANDS], rows["brand"].to_numpy()),
            "商品ID": _gather(world.catalog["sku"], rows["k"].to_numpy()),
            "商品名称": _product_names(world, rows["k"].to_numpy()),
            "订购数量": rows["quantity"].cast(pl.String),
            "应付金额": timefmt.yuan(rows["paid_cents"]),
            "订单状态": _jd_status(rows, rng),
            "下单时间": timefmt.text(rows["created_s"]),
            "_day": rows["emit_day"],
        }
    ).select(*delivered_headers("jd_orders"), "_day")


def jd_orders(world: World) -> Iterator[FileSpec]:
    emitted = _emissions(world, Channel.JD, with_unpaid_initial=False)
    for days, rows in daily.chunks(emitted, world.window):
        rendered = _render_jd(world, rows, stream(world.seed, "jd_orders", days.start))
        for day, frame in daily.by_day(rendered, days):
            yield FileSpec(
                "jd_orders",
                day,
                f"jd_order_export_{daily.date_tag(world.window, day)}.xlsx",
                frame,
                xlsx_numbers={"订购数量": pl.Int64, "应付金额": pl.Float64},
                xlsx_times=("下单时间",),
            )


# ---------------------------------------------------------------- eshop_orders


def eshop_order_ids(order: pl.Series, created_s: pl.Series) -> pl.Series:
    date = timefmt.text(created_s, "%y%m%d")
    return pl.select(pl.concat_str([pl.lit("SO"), date, order.cast(pl.String).str.zfill(8)])).to_series()


def _eshop_time(seconds: pl.Series, zone_less: np.ndarray) -> pl.Series:
    valid = seconds >= 0
    clipped = seconds.clip(0)
    text = pl.select(
        pl.when(pl.Series(values=zone_less)).then(timefmt.text(clipped)).otherwise(timefmt.iso_cst(clipped.to_numpy()))
    ).to_series()
    return pl.select(pl.when(valid).then(text)).to_series()


def _render_eshop(world: World, rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    if rows.height == 0:
        return _empty("eshop_orders")
    p = rows["p"].to_numpy()
    outcome = rows["outcome"].to_numpy()
    final = rows["final"].to_numpy()
    status = np.where(
        final,
        np.select([outcome == Outcome.COMPLETED, np.isin(outcome, (Outcome.CANCELLED, Outcome.UNPAID))], ["completed", "cancelled"], "refunded"),
        "paid",
    )
    status = np.where(final & (outcome == Outcome.PARTLY_REFUNDED), "completed", status)
    phone = mess.blank(mess.phones(phones_when_placed(world, rows, "p"), rng, RATES["eshop_phone"]), rng, RATES["eshop_phone_missing"])
    phone = _same_per_order(rows, mess.with_junk(phone, rng, RATES["eshop_phone_junk"], mess.PHONE_JUNK, only_present=True))
    zone_less = chance(rng, RATES["eshop_zone_less_times"], rows.height)
    return pl.DataFrame(
        {
            "order_id": eshop_order_ids(rows["order"], rows["created_s"]),
            "line_no": rows["line_no"].cast(pl.String),
            "user_id": mess.with_junk(_gather(world.persons["app_user_id"], p), rng, RATES["eshop_user_junk"], mess.ID_JUNK),
            "phone": phone,
            "brand": daily.lookup([b.code for b in BRANDS], rows["brand"].to_numpy()),
            "sku": _gather(world.catalog["sku"], rows["k"].to_numpy()),
            "qty": rows["quantity"].cast(pl.String),
            "paid_amount": timefmt.yuan(rows["paid_cents"]),
            "refund_amount": _optional_amount(rows["refund_cents"], rows["final"]),
            "status": status,
            "created_at": _eshop_time(rows["created_s"], zone_less),
            "paid_at": _eshop_time(rows["paid_s"], zone_less),
            "_day": rows["emit_day"],
        }
    ).select(*delivered_headers("eshop_orders"), "_day")


def eshop_orders(world: World) -> Iterator[FileSpec]:
    emitted = _emissions(world, Channel.ESHOP, with_unpaid_initial=False)
    for days, rows in daily.chunks(emitted, world.window):
        rendered = _render_eshop(world, rows, stream(world.seed, "eshop_orders", days.start))
        for day, frame in daily.by_day(rendered, days):
            yield FileSpec("eshop_orders", day, f"eshop_orders_{daily.date_tag(world.window, day)}.csv", frame)


# ---------------------------------------------------------------- pos_sales


def pos_receipts(order: pl.Series, store: pl.Series, created_s: pl.Series) -> pl.Series:
    date = timefmt.text(created_s, "%y%m%d")
    return pl.select(pl.concat_str([store.cast(pl.String).str.zfill(4), date, order.cast(pl.String).str.zfill(8)])).to_series()


def member_cards(world: World, rows: pl.DataFrame, rng: np.random.Generator) -> pl.Series:
    m = rows["m"].to_numpy()
    card = _gather(world.memberships["crm_member_id"], m)
    duplicate = _gather(world.memberships["crm_duplicate_id"], m)
    joined = world.memberships["crm_joined_day"].to_numpy()[m] <= rows["emit_day"].to_numpy()
    use_duplicate = pl.Series(values=chance(rng, RATES["pos_duplicate_card"], rows.height)) & duplicate.is_not_null()
    shown = pl.Series(values=joined & chance(rng, RATES["pos_card_shown"], rows.height))
    chosen = pl.select(pl.when(use_duplicate).then(duplicate).otherwise(card)).to_series()
    return pl.select(pl.when(shown).then(chosen)).to_series()


def _render_pos(world: World, rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    if rows.height == 0:
        return _empty("pos_sales", "_brand")
    store = rows["store"].to_numpy()
    stores = world.stores
    slash = stores["slash_clock"].to_numpy()[store]
    sold_at = pl.select(
        pl.when(pl.Series(values=slash))
        .then(timefmt.text(rows["created_s"], "%Y/%m/%d %H:%M"))
        .otherwise(timefmt.text(rows["created_s"]))
    ).to_series()
    phone = mess.phones(phones_when_placed(world, rows, "p"), rng, RATES["pos_phone"])
    phone = mess.with_junk(phone, rng, RATES["pos_phone_junk"], mess.PHONE_JUNK, only_present=True)
    phone = mess.blank(phone, rng, 1 - RATES["pos_phone_given"])
    clerk = store * 10 + rng.integers(0, 6, rows.height)
    return pl.DataFrame(
        {
            "门店编码": _gather(stores["store_code"], store),
            "门店名称": _gather(stores["store_name"], store),
            "品牌": daily.lookup([b.name for b in BRANDS], rows["brand"].to_numpy()),
            "经销商编码": _gather(stores["dealer_code"], store),
            "小票号": pos_receipts(rows["order"], rows["store"], rows["created_s"]),
            "会员卡号": member_cards(world, rows, rng),
            "手机号": phone,
            "商品编码": _gather(world.catalog["sku"], rows["k"].to_numpy()),
            "数量": rows["quantity"].cast(pl.String),
            "金额": timefmt.yuan(rows["paid_cents"]),
            "销售时间": sold_at,
            "导购工号": pl.select(pl.concat_str([pl.lit("E"), pl.Series(values=clerk).cast(pl.String).str.zfill(5)])).to_series(),
            "_day": rows["emit_day"],
            "_brand": rows["brand"],
        }
    ).select(*delivered_headers("pos_sales"), "_day", "_brand")


def pos_sales(world: World) -> Iterator[FileSpec]:
    sales = world.orders.filter(pl.col("channel") == Channel.POS).with_columns(
        emit_day=(pl.col("created_s") - world.window.start_seconds) // 86_400
    )
    for days, rows in daily.chunks(sales, world.window):
        rendered = _render_pos(world, rows, stream(world.seed, "pos_sales", days.start))
        for day, frame in daily.by_day(rendered, days):
            # Each brand's till system exports its own file.
            for b, brand in enumerate(BRANDS):
                of_brand = frame.filter(pl.col("_brand") == b).drop("_brand")
                yield FileSpec("pos_sales", day, f"POS_{brand.short}_{daily.date_tag(world.window, day)}.csv", of_brand)
