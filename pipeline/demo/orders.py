"""Purchases over the whole window: repurchase cycles per product line, channels, outcomes.

Each (person, brand) membership that buys somewhere holds one to four
"purchase streams", one per product line the person buys. A stream comes due
every `cycle` days (the line's cycle, varied per person) from a random
phase, and each due date becomes an order with the person's buying
probability. So a fridge (cycle ~10 years) is bought by about one stream in
ten within a year, milk powder every month or so, fruit every week or two.
Platform orders due shortly before 618 / 双11 / 双12 are pulled onto the
promotion day. An order has one line, sometimes more (mostly ecosystem
goods), and an outcome: completed, never paid, cancelled, fully or partly
refunded. POS sales are final at the till; store returns come later as
separate negative lines.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
import polars as pl

from pipeline.demo.brands import BRANDS, brand_index
from pipeline.demo.calendar import SECONDS_PER_DAY, STORE_HOUR_WEIGHTS, Window, clock_seconds
from pipeline.demo.catalog import PRODUCT_LINES, price_on
from pipeline.demo.randomness import chance, group_ranks, stream


class Channel(IntEnum):
    TMALL = 0
    JD = 1
    POS = 2
    ESHOP = 3


class Outcome(IntEnum):
    COMPLETED = 0
    UNPAID = 1  # never paid: closed by the platform a day later
    CANCELLED = 2  # paid, cancelled before shipping: full refund
    REFUNDED = 3  # returned after delivery: full refund
    PARTLY_REFUNDED = 4  # part of the amount refunded, the order still completed
    RETURN = 5  # a POS return line (negative quantity and amount)


CHANNEL_FLAGS = ("buys_tmall", "buys_jd", "buys_pos", "buys_eshop")
# How each brand's buyers split over Tmall, JD, stores and the own mall when they can use them all:
# JD matters for appliances and electronics (京东 3C), hardly for baby, fresh and beauty.
CHANNEL_PREFERENCE = np.array(
    [
        [0.42, 0.08, 0.35, 0.15],  # 凌风
        [0.45, 0.08, 0.30, 0.17],  # 星野
        [0.52, 0.01, 0.30, 0.17],  # 贝安
        [0.50, 0.005, 0.33, 0.165],  # 鲜田
        [0.55, 0.01, 0.30, 0.14],  # 青黛
    ]
)
PROMOTION_REACH_DAYS = 20

RATES = {
    "streams_extra": 0.7,  # Poisson mean of product lines beyond the first per membership
    "stream_alive": 0.45,  # streams still buying in the window (the others churned before it)
    "channel_switch": 0.15,  # orders placed in another channel than the stream's usual one
    "promotion_pull": 0.35,  # platform orders due within 20 days before a promotion, moved onto it
    "extra_lines": 0.20,  # orders with more lines (ecosystem goods two times in three)
    "unpaid": 0.03,
    "cancelled": 0.04,
    "refunded": 0.03,
    "partly_refunded": 0.03,
    "pos_return": 0.03,  # POS lines brought back to the store later
    "other_recipient": 0.04,  # platform orders shipped to (and phoned to) a household member
}


def _cumulative(weights: np.ndarray) -> np.ndarray:
    cumulative = np.cumsum(weights, axis=1)
    return cumulative / cumulative[:, -1:]


def _draw(rng: np.random.Generator, cumulative_rows: np.ndarray) -> np.ndarray:
    """One index per row of a matrix of cumulative probabilities."""
    drawn = (rng.random(len(cumulative_rows))[:, None] > cumulative_rows).sum(axis=1)
    return np.minimum(drawn, cumulative_rows.shape[1] - 1)


def _line_cumulative() -> np.ndarray:
    weights = np.zeros((len(BRANDS), len(PRODUCT_LINES)))
    for index, line in enumerate(PRODUCT_LINES):
        weights[brand_index(line.brand), index] = line.weight
    return _cumulative(weights)


class _SkuPool:
    """SKUs grouped by a key, each repeated by popularity so a uniform draw is a weighted draw."""

    def __init__(self, k: np.ndarray, key: np.ndarray, popularity: np.ndarray, groups: int) -> None:
        order = np.lexsort((k, key))
        weight = np.maximum(1, np.round(popularity[order] * 2)).astype(np.int64)
        self.k = np.repeat(k[order], weight)
        self.sizes = np.bincount(np.repeat(key[order], weight), minlength=groups)
        self.starts = np.cumsum(self.sizes) - self.sizes

    def draw(self, rng: np.random.Generator, key: np.ndarray) -> np.ndarray:
        offset = (rng.random(len(key)) * self.sizes[key]).astype(np.int64)
        return self.k[self.starts[key] + offset]


def _streams(rng: np.random.Generator, memberships: pl.DataFrame) -> pl.DataFrame:
    flags = memberships.select(CHANNEL_FLAGS).to_numpy()
    buyers = memberships.filter(pl.Series(values=flags.any(axis=1)))
    flags = buyers.select(CHANNEL_FLAGS).to_numpy()
    row = np.repeat(np.arange(buyers.height), np.minimum(1 + rng.poisson(RATES["streams_extra"], buyers.height), 4))
    brand = buyers["brand"].to_numpy()[row]
    line = _draw(rng, _line_cumulative()[brand])
    channel = _draw(rng, _cumulative(np.where(flags[row], CHANNEL_PREFERENCE[brand], 0.0)))
    affinity = buyers["affinity"].to_numpy()[row]
    base_cycle = np.array([product_line.cycle_days for product_line in PRODUCT_LINES], dtype=np.float64)[line]
    cycle = np.maximum(base_cycle * rng.lognormal(0.0, 0.3, len(row)), 3.0)
    alive = chance(rng, RATES["stream_alive"], len(row))
    return pl.DataFrame(
        {
            "m": buyers["m"].to_numpy()[row],
            "p": buyers["p"].to_numpy()[row],
            "brand": brand,
            "line": line,
            "channel": channel,
            "cycle": cycle,
            "phase": rng.random(len(row)) * cycle,
            "buy_probability": np.where(alive, np.clip(0.25 + 0.3 * np.log1p(affinity), 0.05, 0.95), 0.0),
        }
    ).filter(pl.col("buy_probability") > 0)


def _due_orders(rng: np.random.Generator, streams: pl.DataFrame, window: Window) -> pl.DataFrame:
    """One row per order: the stream's due dates inside the window that the person acts on."""
    phase = streams["phase"].to_numpy()
    cycle = streams["cycle"].to_numpy()
    due_count = np.where(phase < window.days, np.floor((window.days - phase) / cycle).astype(np.int64) + 1, 0)
    s = np.repeat(np.arange(streams.height), due_count)
    due = phase[s] + group_ranks(due_count) * cycle[s] + rng.normal(0.0, 0.1, len(s)) * np.minimum(cycle[s], 60)
    keep = (due >= 0) & (due < window.days) & (rng.random(len(s)) < streams["buy_probability"].to_numpy()[s])
    s, day = s[keep], np.floor(due[keep]).astype(np.int64)
    return streams[s].with_columns(day=pl.Series(values=day)).drop("cycle", "phase", "buy_probability")


def _switch_and_pull(rng: np.random.Generator, orders: pl.DataFrame, memberships: pl.DataFrame, window: Window) -> pl.DataFrame:
    n = orders.height
    m = orders["m"].to_numpy()
    flags = memberships.select(CHANNEL_FLAGS).to_numpy()[m]
    other = _draw(rng, _cumulative(np.where(flags, CHANNEL_PREFERENCE[orders["brand"].to_numpy()], 0.0)))
    channel = np.where(chance(rng, RATES["channel_switch"], n), other, orders["channel"].to_numpy())

    day = orders["day"].to_numpy()
    promotions = window.promotion_days()
    on_platform = (channel == Channel.TMALL) | (channel == Channel.JD)
    if len(promotions):
        following = np.minimum(np.searchsorted(promotions, day), len(promotions) - 1)
        target = promotions[following]
        pulled = on_platform & (target >= day) & (target - day <= PROMOTION_REACH_DAYS) & chance(rng, RATES["promotion_pull"], n)
        day = np.where(pulled, target, day)
        promoted = np.isin(day, promotions)
    else:
        promoted = np.zeros(n, dtype=bool)
    return orders.with_columns(channel=pl.Series(values=channel), day=pl.Series(values=day), promoted=pl.Series(values=promoted))


def _partners(persons: pl.DataFrame) -> np.ndarray:
    """Another member of each person's household (the person themself when living alone)."""
    household = persons["household"].to_numpy()
    n = len(household)
    after = np.append(household[1:], -1)
    before = np.insert(household[:-1], 0, -1)
    p = np.arange(n)
    return np.where(after == household, p + 1, np.where(before == household, p - 1, p))


def build_orders(
    seed: int,
    window: Window,
    persons: pl.DataFrame,
    memberships: pl.DataFrame,
    catalog: pl.DataFrame,
    stores: pl.DataFrame,
) -> pl.DataFrame:
    """Every order line of the window (POS returns included), numeric, sorted by creation time."""
    rng = stream(seed, "orders")
    streams = _streams(rng, memberships)
    main_pool = _SkuPool(
        *(catalog.filter(pl.col("launched_day") <= 0)[c].to_numpy() for c in ("k", "line", "popularity")),
        groups=len(PRODUCT_LINES),
    )
    streams = streams.with_columns(k=pl.Series(values=main_pool.draw(rng, streams["line"].to_numpy())))
    orders = _switch_and_pull(rng, _due_orders(rng, streams, window), memberships, window)
    n = orders.height
    channel = orders["channel"].to_numpy()
    clock = np.where(channel == Channel.POS, clock_seconds(rng, n, STORE_HOUR_WEIGHTS), clock_seconds(rng, n))
    created = window.seconds_of_day(orders["day"].to_numpy()) + clock
    orders = orders.with_columns(created_s=pl.Series(values=created)).sort("created_s", "m", "line")
    orders = orders.with_row_index("order").with_columns(pl.col("order").cast(pl.Int64))

    # Extra lines: ecosystem goods two times in three, anything of the brand otherwise.
    extra_count = np.where(chance(rng, RATES["extra_lines"], n), 1 + chance(rng, 0.3, n), 0)
    parent = np.repeat(np.arange(n), extra_count)
    eco = catalog["is_ecosystem"].to_numpy()
    brand_of_sku = catalog["brand"].to_numpy()
    any_pool = _SkuPool(catalog["k"].to_numpy(), brand_of_sku, catalog["popularity"].to_numpy(), len(BRANDS))
    eco_key = np.where(eco, brand_of_sku, brand_of_sku + len(BRANDS))
    eco_pool = _SkuPool(catalog["k"].to_numpy(), eco_key, catalog["popularity"].to_numpy(), 2 * len(BRANDS))
    parent_brand = orders["brand"].to_numpy()[parent]
    has_eco = eco_pool.sizes[parent_brand] > 0
    extra_k = np.where(
        has_eco & chance(rng, 2 / 3, len(parent)), eco_pool.draw(rng, np.where(has_eco, parent_brand, parent_brand + len(BRANDS))), any_pool.draw(rng, parent_brand)
    )
    extra = orders[parent].with_columns(k=pl.Series(values=extra_k))
    lines = pl.concat([orders.with_columns(extra=pl.lit(False)), extra.with_columns(extra=pl.lit(True))])
    on_sale = (pl.col("launched_day") <= pl.col("day")) & (pl.col("delisted_day") > pl.col("day"))
    lines = (
        lines.join(catalog.select("k", "launched_day", "delisted_day"), on="k", how="left")
        .filter(~pl.col("extra") | on_sale)
        .unique(subset=["order", "k"], keep="first", maintain_order=True)
        .sort("order", "extra")
        .drop("launched_day", "delisted_day", "extra")
    )
    return _priced(rng, lines, persons, memberships, catalog, stores, window)


def _priced(
    rng: np.random.Generator,
    lines: pl.DataFrame,
    persons: pl.DataFrame,
    memberships: pl.DataFrame,
    catalog: pl.DataFrame,
    stores: pl.DataFrame,
    window: Window,
) -> pl.DataFrame:
    n = lines.height
    order = lines["order"].to_numpy()
    channel = lines["channel"].to_numpy()
    first_of_order = np.concatenate([[True], order[1:] != order[:-1]]) if n else np.zeros(0, dtype=bool)
    line_no = group_ranks(np.diff(np.append(np.flatnonzero(first_of_order), n))) + 1

    # Order-level draws are made per line and then copied from each order's first line.
    order_start = np.maximum.accumulate(np.where(first_of_order, np.arange(n), 0))

    def per_order(values: np.ndarray) -> np.ndarray:
        return values[order_start]

    k = lines["k"].to_numpy()
    max_quantity = np.array([line.max_quantity for line in PRODUCT_LINES])[catalog["line"].to_numpy()[k]]
    quantity = 1 + np.floor(rng.random(n) ** 2 * max_quantity).astype(np.int64)
    day = lines["day"].to_numpy()
    promoted = lines["promoted"].to_numpy()
    low = np.select([promoted, channel == Channel.POS, channel == Channel.ESHOP], [0.60, 0.85, 0.80], 0.78)
    high = np.where(promoted, 0.85, 1.0)
    discount = per_order(low + rng.random(n) * (high - low))
    paid_cents = np.round(price_on(catalog, k, day) * quantity * discount).astype(np.int64)

    platform = channel != Channel.POS
    u = per_order(rng.random(n))
    outcome = np.select(
        [platform & (u < RATES["unpaid"]), platform & (u < RATES["unpaid"] + RATES["cancelled"])],
        [Outcome.UNPAID, Outcome.CANCELLED],
        Outcome.COMPLETED,
    )
    v = rng.random(n)
    line_refund = platform & (outcome == Outcome.COMPLETED)
    outcome = np.select(
        [line_refund & (v < RATES["refunded"]), line_refund & (v < RATES["refunded"] + RATES["partly_refunded"])],
        [Outcome.REFUNDED, Outcome.PARTLY_REFUNDED],
        outcome,
    )
    refund_cents = np.select(
        [np.isin(outcome, (Outcome.CANCELLED, Outcome.REFUNDED)), outcome == Outcome.PARTLY_REFUNDED],
        [paid_cents, np.round(paid_cents * rng.uniform(0.1, 0.5, n)).astype(np.int64)],
        0,
    )
    created = lines["created_s"].to_numpy()
    paid_s = np.where(outcome == Outcome.UNPAID, -1, created + np.where(platform, per_order(rng.integers(5, 1800, n)), 0))
    settle_days = np.select(
        [outcome == Outcome.UNPAID, outcome == Outcome.CANCELLED, outcome == Outcome.COMPLETED],
        [np.ones(n), rng.uniform(0.05, 2, n), rng.uniform(7, 15, n)],
        rng.uniform(5, 20, n),
    )
    settle_s = np.where(platform, created + (settle_days * SECONDS_PER_DAY).astype(np.int64), created)

    m = lines["m"].to_numpy()
    home_store = memberships["home_store"].to_numpy()[m]
    brand = lines["brand"].to_numpy()
    brand_store_count = np.bincount(stores["brand"].to_numpy(), minlength=len(BRANDS))
    brand_first_store = np.cumsum(brand_store_count) - brand_store_count
    elsewhere = brand_first_store[brand] + (rng.random(n) * brand_store_count[brand]).astype(np.int64)
    store = np.where(channel == Channel.POS, per_order(np.where(chance(rng, 0.8, n), home_store, elsewhere)), -1)
    p = lines["p"].to_numpy()
    contact = np.where(platform & per_order(chance(rng, RATES["other_recipient"], n)), _partners(persons)[p], p)

    priced = lines.select("order", "m", "p", "brand", "channel", "k", "day", "promoted", "created_s").with_columns(
        line_no=pl.Series(values=line_no),
        contact_p=pl.Series(values=contact),
        quantity=pl.Series(values=quantity),
        paid_cents=pl.Series(values=paid_cents),
        refund_cents=pl.Series(values=refund_cents),
        paid_s=pl.Series(values=paid_s),
        settle_s=pl.Series(values=settle_s),
        outcome=pl.Series(values=outcome.astype(np.int64)),
        store=pl.Series(values=store),
    )
    return pl.concat([priced, _store_returns(rng, priced, window)]).sort("created_s", "order", "line_no")


def _store_returns(rng: np.random.Generator, lines: pl.DataFrame, window: Window) -> pl.DataFrame:
    """Lines brought back to the store: negative quantity and amount on a new receipt, days later."""
    pos = lines.filter(pl.col("channel") == Channel.POS)
    returned = pos.filter(pl.Series(values=chance(rng, RATES["pos_return"], pos.height)))
    when = returned["created_s"].to_numpy() + rng.integers(1, 15, returned.height) * SECONDS_PER_DAY + rng.integers(-3 * 3600, 3 * 3600, returned.height)
    next_order = (lines["order"].max() or 0) + 1
    returns = returned.with_columns(
        order=pl.Series(values=next_order + np.arange(returned.height, dtype=np.int64)),
        line_no=pl.lit(1, dtype=pl.Int64),
        created_s=pl.Series(values=when),
        paid_s=pl.Series(values=when),
        settle_s=pl.Series(values=when),
        day=pl.Series(values=window.day_of_seconds(when)),
        quantity=-pl.col("quantity"),
        paid_cents=-pl.col("paid_cents"),
        outcome=pl.lit(int(Outcome.RETURN), dtype=pl.Int64),
    )
    return returns.filter(pl.col("day") < window.days)
