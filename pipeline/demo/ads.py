"""Media backflow: impressions, clicks and conversions keyed by hashed device ids and phones.

Two kinds of exposure. Journeys: before a share of purchases the buyer saw
ads for the brand on the platform that fits the channel (Alimama before
Tmall orders, Tencent / Ocean Engine otherwise), clicked some, and the
platform reports the purchase as a conversion. Background: every day the
brands retarget known customers and prospect strangers whose hashes match
nobody. Ids are hashed as each platform does it: MD5 of the upper-case IDFA
with hyphens, MD5 of the lower-case IMEI, MD5 of the raw OAID, MD5 or SHA-256
of the 11-digit phone; hex in upper case for some platforms.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import polars as pl

from pipeline.demo import codes, daily, timefmt
from pipeline.demo.brands import BRANDS
from pipeline.demo.calendar import SECONDS_PER_DAY, clock_seconds
from pipeline.demo.delivery import FileSpec
from pipeline.demo.digests import md5_hex, sha256_hex
from pipeline.demo.people import device_on
from pipeline.demo.randomness import chance, stream
from pipeline.demo.world import World, delivered_headers

PLATFORMS = ("tencent", "oceanengine", "alimama")
ID_TYPES = ("oaid_md5", "idfa_md5", "imei_md5", "phone_sha256", "phone_md5")
# How strongly each platform keys its backflow by each id type (rows: PLATFORMS, columns: ID_TYPES).
ID_PREFERENCE = np.array(
    [
        [1.0, 1.0, 0.6, 0.1, 0.3],
        [1.0, 1.0, 0.8, 0.0, 0.2],
        [0.5, 0.3, 0.0, 1.0, 0.6],
    ]
)
# Platform of a journey by the channel the purchase happened in (rows: Channel).
PLATFORM_BY_CHANNEL = np.array([[0.15, 0.15, 0.70], [0.5, 0.4, 0.1], [0.5, 0.45, 0.05], [0.5, 0.45, 0.05]])
UPPER_CASE_HEX = {"tencent": 0.8, "oceanengine": 0.1, "alimama": 0.0}  # share of files in upper case
CAMPAIGNS_PER_BRAND_PLATFORM = 4

RATES = {
    "journey": 0.30,  # purchases preceded by ad exposure
    "journey_click": 0.40,  # journeys with a click
    "journey_conversion": 0.60,  # clicked journeys the platform reports as a conversion
    "retargeting": 0.009,  # daily impressions on known people, per person
    "prospecting": 0.6,  # prospecting impressions per retargeting impression (strangers)
    "click": 0.015,  # clicks per background impression
    "impression_cost": 0.3,  # impressions billed per impression (CPM), cost shown
}


def _campaign_ids(rng: np.random.Generator) -> pl.DataFrame:
    """The media-side campaign and creative ids of each (platform, brand)."""
    rows = []
    for platform_index, platform in enumerate(PLATFORMS):
        for b in range(len(BRANDS)):
            for c in range(CAMPAIGNS_PER_BRAND_PLATFORM):
                if platform == "tencent":
                    campaign = str(3_800_000_000 + int(rng.integers(0, 10**8)))
                elif platform == "oceanengine":
                    campaign = str(1_780_000_000_000_000_000 + int(rng.integers(0, 10**15)))
                else:
                    campaign = str(40_000_000_000 + int(rng.integers(0, 10**9)))
                rows.append((platform_index, b, c, campaign, str(int(rng.integers(10**8, 10**9)))))
    return pl.DataFrame(rows, schema=["platform", "brand", "slot", "ad_campaign_id", "creative_id"], orient="row")


class Hashes:
    """Hashed ids of everyone, computed once (vectorized): per person and per device."""

    def __init__(self, world: World) -> None:
        devices = world.devices
        self.device = pl.DataFrame(
            {
                "oaid_md5": md5_hex(devices["oaid"]),
                "idfa_md5": md5_hex(devices["idfa"].str.to_uppercase()),
                "imei_md5": md5_hex(devices["imei"].str.to_lowercase()),
            }
        )
        phones = pl.concat([world.persons["phone_a"], world.persons["phone_b"]])
        self.phone_md5 = md5_hex(phones)
        self.phone_sha256 = sha256_hex(phones)
        self.persons = world.persons

    def of(self, p: np.ndarray, day: np.ndarray, device: np.ndarray) -> pl.DataFrame:
        """The five hash columns for person `p` on `day` using `device` (-1: none)."""
        n_people = self.persons.height
        switched = day >= self.persons["phone_switch_day"].to_numpy()[p]
        phone_row = np.where(switched, p + n_people, p)
        has_device = pl.Series(values=device >= 0)
        device_rows = self.device[np.maximum(device, 0)]
        frame = pl.DataFrame(
            {
                **{c: pl.select(pl.when(has_device).then(device_rows[c])).to_series() for c in device_rows.columns},
                "phone_sha256": self.phone_sha256.gather(phone_row),
                "phone_md5": self.phone_md5.gather(phone_row),
            }
        )
        return frame.select(ID_TYPES)


def _choose_ids(rng: np.random.Generator, hashes: pl.DataFrame, platform: np.ndarray) -> tuple[np.ndarray, pl.Series]:
    """(id type index, hash) per row by platform preference among the ids present; -1 when none."""
    available = hashes.select(pl.all().is_not_null()).to_numpy()
    weights = available * ID_PREFERENCE[platform]
    total = weights.sum(axis=1)
    cumulative = np.cumsum(weights, axis=1) / np.where(total > 0, total, 1)[:, None]
    chosen = np.minimum((rng.random(len(platform))[:, None] > cumulative).sum(axis=1), len(ID_TYPES) - 1)
    chosen = np.where(total > 0, chosen, -1)
    pick = pl.col("_chosen")
    value: pl.Expr = pl.lit(None, dtype=pl.String)
    for index, id_type in reversed(list(enumerate(ID_TYPES))):
        value = pl.when(pick == index).then(pl.col(id_type)).otherwise(value)
    values = hashes.with_columns(_chosen=pl.Series(values=chosen)).select(value.alias("id_value")).to_series()
    return chosen, values


def _journeys(world: World, rng: np.random.Generator, hashes: Hashes) -> pl.DataFrame:
    """Impressions, clicks and conversions before purchases (whole window)."""
    orders = world.orders.filter((pl.col("line_no") == 1) & (pl.col("quantity") > 0))
    orders = orders.filter(pl.Series(values=chance(rng, RATES["journey"], orders.height)))
    n = orders.height
    channel = orders["channel"].to_numpy()
    cumulative = np.cumsum(PLATFORM_BY_CHANNEL[channel], axis=1)
    platform = np.minimum((rng.random(n)[:, None] > cumulative).sum(axis=1), len(PLATFORMS) - 1)
    impressions = 1 + rng.poisson(2.0, n)
    j = np.repeat(np.arange(n), impressions)
    purchase_s = orders["created_s"].to_numpy()
    shown_s = purchase_s[j] - (rng.uniform(0.02, 10, len(j)) * SECONDS_PER_DAY).astype(np.int64)
    clicked_journey = chance(rng, RATES["journey_click"], n)
    first_impression = np.cumsum(impressions) - impressions
    click_rows = first_impression[clicked_journey] + (rng.random(int(clicked_journey.sum())) * impressions[clicked_journey]).astype(np.int64)
    converted = clicked_journey & chance(rng, RATES["journey_conversion"], n)
    event = np.concatenate([np.zeros(len(j), dtype=np.int64), np.ones(len(click_rows), dtype=np.int64), np.full(int(converted.sum()), 2)])
    row_journey = np.concatenate([j, j[click_rows], np.flatnonzero(converted)])
    when = np.concatenate([shown_s, shown_s[click_rows] + rng.integers(2, 90, len(click_rows)), purchase_s[converted]])
    # One id per journey: the platform knows the buyer by the same key throughout.
    buyer = orders["p"].to_numpy()
    buy_day = orders["day"].to_numpy()
    id_type, id_value = _choose_ids(rng, hashes.of(buyer, buy_day, device_on(world.persons, buyer, buy_day)), platform)
    when_day = world.window.day_of_seconds(when)
    return pl.DataFrame(
        {
            "p": buyer[row_journey],
            "platform": platform[row_journey],
            "brand": orders["brand"].to_numpy()[row_journey],
            "event": event,
            "at_s": when,
            "day": when_day,
            "id_type": id_type[row_journey],
            "id_value": id_value.gather(row_journey),
        }
    ).filter((pl.col("id_type") >= 0) & (pl.col("day") >= 0) & (pl.col("day") < world.window.days))


def _background(world: World, day: int, hashes: Hashes, engagement_cumulative: np.ndarray) -> pl.DataFrame:
    """One day of retargeting impressions on known people and prospecting ones on strangers."""
    rng = stream(world.seed, "ads.background", day)
    persons = world.persons
    count = rng.poisson(RATES["retargeting"] * persons.height)
    p = np.minimum(np.searchsorted(engagement_cumulative, rng.random(count), side="right"), persons.height - 1)
    platform = rng.integers(0, len(PLATFORMS), count)
    days = np.full(count, day)
    id_type, id_value = _choose_ids(rng, hashes.of(p, days, device_on(persons, p, days)), platform)
    strangers = rng.poisson(RATES["prospecting"] * max(count, 1))
    stranger_type = rng.choice(len(ID_TYPES), size=strangers, p=[0.45, 0.2, 0.1, 0.1, 0.15])
    md5_like = codes.random_tokens(rng, strangers, 32, codes.HEX_LOWER)
    sha_like = codes.random_tokens(rng, strangers, 64, codes.HEX_LOWER)
    stranger_value = pl.select(pl.when(pl.Series(values=stranger_type == 3)).then(sha_like).otherwise(md5_like)).to_series()
    total = count + strangers
    at_s = world.window.seconds_of_day(day) + clock_seconds(rng, total)
    frame = pl.DataFrame(
        {
            "p": np.concatenate([p, np.full(strangers, -1)]).astype(np.int64),
            "platform": np.concatenate([platform, rng.integers(0, len(PLATFORMS), strangers)]).astype(np.int64),
            "brand": rng.integers(0, len(BRANDS), total).astype(np.int64),
            "event": np.zeros(total, dtype=np.int64),
            "at_s": at_s.astype(np.int64),
            "day": np.full(total, day, dtype=np.int64),
            "id_type": np.concatenate([id_type, stranger_type]).astype(np.int64),
            "id_value": pl.concat([id_value, stranger_value]),
        }
    ).filter(pl.col("id_type") >= 0)
    clicks = frame.filter(pl.Series(values=chance(rng, RATES["click"], frame.height)))
    clicks = clicks.with_columns(event=pl.lit(1, dtype=pl.Int64), at_s=pl.col("at_s") + pl.Series(values=rng.integers(2, 90, clicks.height)))
    return pl.concat([frame, clicks]).filter(pl.col("at_s") < world.window.seconds_of_day(day + 1))


class AdExposure:
    """All ad events of the window, one day at a time (journeys are drawn once up front)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.hashes = Hashes(world)
        rng = stream(world.seed, "ads.journeys")
        self.campaigns = _campaign_ids(rng)
        journeys = _journeys(world, rng, self.hashes).sort("day", "at_s")
        self._journey_days = journeys["day"].to_numpy()
        self._journeys = journeys
        engagement = world.persons["engagement"].to_numpy()
        self._engagement_cumulative = np.cumsum(engagement) / engagement.sum()

    def day(self, day: int) -> pl.DataFrame:
        """The day's ad events: (p or -1 for strangers, platform, brand, event, at_s, day, id_type, id_value)."""
        lo, hi = np.searchsorted(self._journey_days, [day, day + 1])
        background = _background(self.world, day, self.hashes, self._engagement_cumulative)
        return pl.concat([self._journeys.slice(int(lo), int(hi - lo)), background]).sort("at_s", "platform", "id_value")


def clicks_by_known_people(events: pl.DataFrame) -> pl.DataFrame:
    """(p, at_s, brand) of clicks by people of the group: some of them open the App from the ad."""
    return events.filter((pl.col("event") == 1) & (pl.col("p") >= 0)).select("p", "at_s", "brand")


def _render(world: World, events: pl.DataFrame, campaigns: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    n = events.height
    slot = rng.integers(0, CAMPAIGNS_PER_BRAND_PLATFORM, n)
    campaign_row = (events["platform"].to_numpy() * len(BRANDS) + events["brand"].to_numpy()) * CAMPAIGNS_PER_BRAND_PLATFORM + slot
    event = events["event"].to_numpy()
    platform = events["platform"].to_numpy()
    cost_cents = np.select(
        [(event == 0) & chance(rng, RATES["impression_cost"], n), event == 1],
        [rng.integers(2, 9, n), rng.integers(30, 350, n)],
        -1,
    )
    at_s = events["at_s"]
    iso = platform == PLATFORMS.index("oceanengine")
    return pl.DataFrame(
        {
            "platform": daily.lookup(list(PLATFORMS), platform),
            "ad_campaign_id": campaigns["ad_campaign_id"].gather(campaign_row),
            "creative_id": campaigns["creative_id"].gather(campaign_row),
            "event": daily.lookup(["impression", "click", "conversion"], event),
            "event_time": pl.select(
                pl.when(pl.Series(values=iso)).then(timefmt.iso_cst(at_s.to_numpy())).otherwise(timefmt.text(at_s))
            ).to_series(),
            "id_type": daily.lookup(list(ID_TYPES), events["id_type"].to_numpy()),
            "id_value": events["id_value"],
            "cost": pl.select(pl.when(pl.Series(values=cost_cents >= 0)).then(timefmt.yuan(np.maximum(cost_cents, 0)))).to_series(),
            "_platform": platform,
        }
    )


def ad_backflow_files(world: World, day: int, events: pl.DataFrame, campaigns: pl.DataFrame) -> Iterator[FileSpec]:
    """One file per platform for the day."""
    rng = stream(world.seed, "ad_backflow", day)
    rendered = _render(world, events, campaigns, rng)
    for index, platform in enumerate(PLATFORMS):
        frame = rendered.filter(pl.col("_platform") == index).drop("_platform").select(delivered_headers("ad_backflow"))
        if rng.random() < UPPER_CASE_HEX[platform]:
            frame = frame.with_columns(pl.col("id_value").str.to_uppercase())
        yield FileSpec("ad_backflow", day, f"{platform}_backflow_{daily.date_tag(world.window, day)}.csv", frame)
