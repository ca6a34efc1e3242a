"""Which brands each person engages with, through which channels, and the ids each brand gives them.

One row per (person, brand): a person's first brand, and for some a second
and third (people in several brands' programmes). Each row says where the
person buys (Tmall, JD, stores, the group's own mall) and which programmes
they joined: the brand CRM (sometimes twice: a duplicate member record), the
Tmall shop membership, the brand's mini-program and official account.
Join days below 0 lie before the window (the first delivery is a backfill).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipeline.demo import codes
from pipeline.demo.brands import BRANDS
from pipeline.demo.calendar import Window
from pipeline.demo.names import nicknames
from pipeline.demo.people import NEVER, Population
from pipeline.demo.randomness import chance, stream

# (prefix, digits) of each brand CRM's member ids: every CRM vendor numbers differently.
MEMBER_ID_STYLES = {"lingfeng": ("LF", 10), "xingye": ("6", 11), "beian": ("BA", 8), "xiantian": ("XT", 9), "qingdai": ("QD", 9)}
OUID_PREFIX = "AAH"
HISTORY_DAYS = 6 * 365  # how far back joins before the window go

RATES = {
    # One more brand with 30%, another with 8%: 64% of people follow one brand, 33% two, 2.4% three.
    "second_brand": 0.30,
    "third_brand": 0.08,
    "tmall": 0.45,
    "pos": 0.35,
    "eshop": 0.50,  # of App users
    "crm_if_pos": 0.80,
    "crm_otherwise": 0.25,
    "crm_duplicate": 0.02,  # CRM members registered twice in the same brand
    "joined_in_window": 0.20,  # programme joins that happen inside the window (else before it)
    "tmall_member": 0.55,  # of Tmall buyers
    "tmall_mobile_consent": 0.5,
    "miniapp": 0.45,  # of WeChat users
    "miniapp_phone": 0.40,  # mini-program users who authorized their phone
    "miniapp_default_nick": 0.55,  # nickname `微信用户` (WeChat stopped sharing nicknames in 2022)
    "oa": 0.35,  # of WeChat users
    "oa_unsubscribed_before": 0.15,
    "oa_unsubscribes_in_window": 0.05,
    "oa_unionid": 0.85,
}
MEMBER_TYPE_WEIGHTS = {"brand": 0.75, "group": 0.08, "dealer": 0.09, "store": 0.08}
MEMBER_STATUS_WEIGHTS = {"active": 0.92, "frozen": 0.03, "cancelled": 0.05}


def _choose_brands(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person, brand, rank) rows: weighted draws without replacement (Gumbel top-k)."""
    weights = np.array([b.customer_share for b in BRANDS])
    keys = np.log(weights)[None, :] + rng.gumbel(size=(n, len(BRANDS)))
    order = np.argsort(-keys, axis=1)
    count = 1 + chance(rng, RATES["second_brand"], n) + chance(rng, RATES["third_brand"], n)
    ranks = np.arange(len(BRANDS))[None, :]
    keep = ranks < count[:, None]
    person = np.broadcast_to(np.arange(n)[:, None], keep.shape)[keep]
    brand = order[keep]
    rank = np.broadcast_to(ranks, keep.shape)[keep]
    return person.astype(np.int64), brand.astype(np.int64), rank.astype(np.int64)


def _join_days(rng: np.random.Generator, n: int, window: Window) -> np.ndarray:
    inside = chance(rng, RATES["joined_in_window"], n)
    return np.where(inside, rng.integers(0, window.days, n), -rng.integers(1, HISTORY_DAYS, n)).astype(np.int64)


def _member_ids(brand: np.ndarray, seed: int, salt: int) -> pl.Series:
    out = pl.Series(values=[None] * len(brand), dtype=pl.String)
    for b, item in enumerate(BRANDS):
        rows = np.flatnonzero(brand == b)
        prefix, width = MEMBER_ID_STYLES[item.code]
        numbers = codes.unique_numbers(len(rows), min(10**width, 10**9), seed + salt + b)
        ids = pl.select(pl.concat_str([pl.lit(prefix), codes.zero_padded(numbers, width)])).to_series()
        out = out.scatter(rows, ids)
    return out


def _weighted(rng: np.random.Generator, choices: dict[str, float], n: int) -> pl.Series:
    names = list(choices)
    weights = np.array(list(choices.values()))
    return pl.Series(values=names).gather(rng.choice(len(names), size=n, p=weights / weights.sum()))


def _openids(rng: np.random.Generator, brand: np.ndarray, appid_attr: str) -> pl.Series:
    """28-character openids; all openids of one appid share their first characters, as in WeChat."""
    prefixes = pl.Series(values=["o" + getattr(b, appid_attr)[-4:].upper() for b in BRANDS]).gather(brand)
    tail = codes.random_tokens(rng, len(brand), 23, codes.BASE64_URL)
    return pl.select(pl.concat_str([prefixes, tail])).to_series()


def _home_stores(rng: np.random.Generator, brand: np.ndarray, city: pl.Series, stores: pl.DataFrame) -> np.ndarray:
    """A store of the brand in the person's city when there is one, else any store of the brand."""
    ordered = stores.sort("brand", "city", "store").with_row_index("pos").with_columns(pl.col("pos").cast(pl.Int64))
    local = ordered.group_by("brand", "city").agg(first=pl.col("pos").min(), count=pl.len().cast(pl.Int64))
    anywhere = ordered.group_by("brand").agg(first_any=pl.col("pos").min(), count_any=pl.len().cast(pl.Int64))
    rows = (
        pl.DataFrame({"brand": brand, "city": city})
        .join(local, on=["brand", "city"], how="left", maintain_order="left")
        .join(anywhere, on="brand", how="left", maintain_order="left")
    )
    first = rows["first"].fill_null(rows["first_any"]).to_numpy()
    count = rows["count"].fill_null(rows["count_any"]).to_numpy()
    position = first + (rng.random(len(brand)) * count).astype(np.int64)
    return ordered["store"].to_numpy()[position]


def build_memberships(seed: int, population: Population, window: Window, stores: pl.DataFrame) -> pl.DataFrame:
    rng = stream(seed, "memberships")
    persons = population.persons
    p, brand, rank = _choose_brands(rng, persons.height)
    n = len(p)
    has = {c: persons[c].is_not_null().to_numpy()[p] for c in ("jd_pin", "app_user_id", "unionid")}
    affinity = persons["engagement"].to_numpy()[p] * np.where(rank == 0, 1.0, 0.5)

    buys_pos = chance(rng, RATES["pos"], n)
    buys_tmall = chance(rng, RATES["tmall"], n)
    crm = np.where(buys_pos, chance(rng, RATES["crm_if_pos"], n), chance(rng, RATES["crm_otherwise"], n))
    crm_duplicate = crm & chance(rng, RATES["crm_duplicate"], n)
    crm_joined = _join_days(rng, n, window)
    duplicate_joined = np.minimum(np.maximum(crm_joined, 0) + rng.integers(30, 400, n), HISTORY_DAYS + window.days)
    home_store = _home_stores(rng, brand, persons["city"].gather(p), stores)
    store_dealer = stores["dealer_code"].gather(home_store)
    member_type = _weighted(rng, MEMBER_TYPE_WEIGHTS, n)
    member_type = pl.select(
        pl.when((member_type == "dealer") & store_dealer.is_null()).then(pl.lit("store")).otherwise(member_type)
    ).to_series()
    tmall_member = buys_tmall & chance(rng, RATES["tmall_member"], n)
    wechat = has["unionid"]
    oa = wechat & chance(rng, RATES["oa"], n)
    oa_unsubscribed = np.where(
        chance(rng, RATES["oa_unsubscribed_before"], n),
        -rng.integers(0, 300, n),
        np.where(chance(rng, RATES["oa_unsubscribes_in_window"], n), rng.integers(0, window.days, n), NEVER),
    )
    oa_subscribed = _join_days(rng, n, window)
    oa_unsubscribed = np.where(oa_unsubscribed > oa_subscribed, oa_unsubscribed, NEVER)
    unionid_rate = np.array([b.miniapp_unionid_rate for b in BRANDS])[brand]

    frame = pl.DataFrame(
        {
            "p": p,
            "brand": brand,
            "rank": rank,
            "affinity": affinity,
            "buys_tmall": buys_tmall,
            "buys_jd": has["jd_pin"] & chance(rng, np.array([b.jd_reach for b in BRANDS])[brand], n),
            "buys_pos": buys_pos,
            "buys_eshop": has["app_user_id"] & chance(rng, RATES["eshop"], n),
            "home_store": home_store,
            "crm_member_id": pl.select(pl.when(pl.Series(values=crm)).then(_member_ids(brand, seed, 100))).to_series(),
            "crm_joined_day": crm_joined,
            "crm_duplicate_id": pl.select(
                pl.when(pl.Series(values=crm_duplicate)).then(_member_ids(brand, seed, 200))
            ).to_series(),
            "crm_duplicate_joined_day": duplicate_joined.astype(np.int64),
            "member_type": member_type,
            "member_status": _weighted(rng, MEMBER_STATUS_WEIGHTS, n),
            "points_start": np.where(crm_joined < 0, np.exp(rng.normal(6.5, 1.2, n)) * affinity, 0).astype(np.int64),
            "ouid": pl.select(
                pl.when(pl.Series(values=buys_tmall | tmall_member)).then(
                    codes.random_tokens(rng, n, 21, codes.BASE64_URL, prefix=OUID_PREFIX)
                )
            ).to_series(),
            "tmall_member": tmall_member,
            "tmall_joined_day": _join_days(rng, n, window),
            "tmall_mobile_consent": chance(rng, RATES["tmall_mobile_consent"], n),
            "miniapp_openid": pl.select(
                pl.when(pl.Series(values=wechat & chance(rng, RATES["miniapp"], n))).then(
                    _openids(rng, brand, "miniapp_appid")
                )
            ).to_series(),
            "miniapp_created_day": _join_days(rng, n, window),
            "miniapp_phone": chance(rng, RATES["miniapp_phone"], n),
            "miniapp_unionid": chance(rng, unionid_rate, n),
            "miniapp_nickname": pl.select(
                pl.when(pl.Series(values=chance(rng, RATES["miniapp_default_nick"], n)))
                .then(pl.lit("微信用户"))
                .otherwise(nicknames(rng, n))
            ).to_series(),
            "oa_openid": pl.select(pl.when(pl.Series(values=oa)).then(_openids(rng, brand, "oa_appid"))).to_series(),
            "oa_subscribed_day": oa_subscribed,
            "oa_unsubscribed_day": oa_unsubscribed.astype(np.int64),
            "oa_unionid": chance(rng, RATES["oa_unionid"], n),
        }
    )
    return frame.with_row_index("m").with_columns(pl.col("m").cast(pl.Int64))
