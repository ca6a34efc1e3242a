"""Programme memberships as Tmall 会员通 and WeChat export them.

The first delivery of each source is a backfill of everyone who joined before
the window; then each day brings that day's joins and the day's changes to
existing records (a level-up, a later phone authorization, an unfollow). A
changed record is re-sent whole: staging keeps the latest version.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import polars as pl

from pipeline.demo import daily, json_text, mess, timefmt
from pipeline.demo.brands import BRANDS
from pipeline.demo.calendar import times_on_days
from pipeline.demo.delivery import FileSpec
from pipeline.demo.people import phone_on
from pipeline.demo.randomness import chance, stream
from pipeline.demo.world import World, delivered_headers

RATES = {
    "tmall_nick_masked": 0.3,
    "tmall_level_up": 0.05,
    "miniapp_phone_plus86": 0.6,  # authorized phones arrive as `+86…` more often than not
    "miniapp_phone_later": 0.3,  # of users without a phone: authorize it later in the window
    "miniapp_phone_junk": 0.005,
}


# ---------------------------------------------------------------- tmall_members

TMALL_LEVELS = ("V1", "V2", "V3", "V4")


def _tmall_emissions(world: World, rng: np.random.Generator) -> pl.DataFrame:
    members = world.memberships.filter(pl.col("tmall_member") & (pl.col("tmall_joined_day") < world.window.days))
    n = members.height
    rank = members["affinity"].rank("ordinal").to_numpy() / max(n, 1)
    level = np.searchsorted([0.5, 0.8, 0.95], rank, side="right")
    points = (np.exp(rng.normal(5.5, 1.0, n)) * (1 + level)).astype(np.int64)
    records = members.select("m", joined_day="tmall_joined_day").with_columns(
        level=pl.Series(values=level.astype(np.int64)),
        points=pl.Series(values=points),
        joined_s=pl.Series(values=times_on_days(world.window, members["tmall_joined_day"].to_numpy(), rng)),
    )
    joins = records.with_columns(emit_day=pl.col("joined_day").clip(0))
    level_up = chance(rng, RATES["tmall_level_up"], n) & (level < len(TMALL_LEVELS) - 1)
    ups = records.filter(pl.Series(values=level_up)).with_columns(
        emit_day=pl.Series(values=rng.integers(0, max(world.window.days, 1), int(level_up.sum()))),
        level=pl.col("level") + 1,
        points=pl.col("points") * 2,
    )
    return pl.concat([joins, ups.filter(pl.col("emit_day") > pl.col("joined_day").clip(0))]).sort("emit_day", "m")


def _render_tmall_members(world: World, rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    if rows.height == 0:
        return daily.empty_frame(delivered_headers("tmall_members"))
    m = rows["m"].to_numpy()
    ms = world.memberships
    p = ms["p"].to_numpy()[m]
    phone_at_join = phone_on(world.persons, p, rows["joined_day"].clip(0).to_numpy())
    consented = pl.Series(values=ms["tmall_mobile_consent"].to_numpy()[m])
    return pl.DataFrame(
        {
            "ouid": ms["ouid"].gather(m),
            "nick": mess.sometimes(world.persons["taobao_nick"].gather(p), rng, RATES["tmall_nick_masked"], mess.masked_nick),
            "mobile": pl.select(pl.when(consented).then(phone_at_join)).to_series(),
            "brand": daily.lookup([b.code for b in BRANDS], ms["brand"].to_numpy()[m]),
            "level": daily.lookup(list(TMALL_LEVELS), rows["level"].to_numpy()),
            "points": rows["points"].cast(pl.String),
            "join_time": timefmt.text(rows["joined_s"]),
            daily.DAY: rows["emit_day"],
        }
    ).select(*delivered_headers("tmall_members"), daily.DAY)


def tmall_members(world: World) -> Iterator[FileSpec]:
    emitted = _tmall_emissions(world, stream(world.seed, "tmall_members", "records"))
    for days, rows in daily.chunks(emitted, world.window):
        rendered = _render_tmall_members(world, rows, stream(world.seed, "tmall_members", days.start))
        for day, frame in daily.by_day(rendered, days):
            yield FileSpec("tmall_members", day, f"会员通_会员列表_{daily.date_tag(world.window, day)}.csv", frame)


# ---------------------------------------------------------------- wechat_miniapp_users


def _miniapp_emissions(world: World, rng: np.random.Generator) -> pl.DataFrame:
    users = world.memberships.filter(
        pl.col("miniapp_openid").is_not_null() & (pl.col("miniapp_created_day") < world.window.days)
    )
    n = users.height
    created = users["miniapp_created_day"].to_numpy()
    authorized_at_start = users["miniapp_phone"].to_numpy()
    later_day = np.maximum(created, 0) + rng.integers(1, 60, n)
    later = ~authorized_at_start & chance(rng, RATES["miniapp_phone_later"], n) & (later_day < world.window.days)
    records = users.select("m", created_day="miniapp_created_day").with_columns(
        created_s=pl.Series(values=times_on_days(world.window, users["miniapp_created_day"].to_numpy(), rng)),
        millis=pl.Series(values=rng.integers(0, 1000, n)),
    )
    joins = records.with_columns(emit_day=pl.col("created_day").clip(0), with_phone=pl.Series(values=authorized_at_start))
    updates = records.filter(pl.Series(values=later)).with_columns(
        emit_day=pl.Series(values=later_day[later]), with_phone=pl.lit(True)
    )
    return pl.concat([joins, updates]).sort("emit_day", "m")


def _miniapp_lines(frame: pl.DataFrame) -> pl.Series:
    j = json_text
    line = j.obj(
        [
            ("appid", j.string(pl.col("appid"))),
            ("openid", j.string(pl.col("openid"))),
            ("unionid", j.string(pl.col("unionid"))),
            ("phone", j.string(pl.col("phone"))),
            ("nickname", j.string(pl.col("nickname"))),
            ("brand", j.string(pl.col("brand"))),
            ("created_at", j.number(pl.col("created_at"))),
        ]
    )
    return frame.select(line.alias("line")).to_series()


def _render_miniapp(world: World, rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    columns = ["appid", "openid", "unionid", "phone", "nickname", "brand", "created_at"]
    if rows.height == 0:
        return daily.empty_frame(columns)
    m = rows["m"].to_numpy()
    ms = world.memberships
    p = ms["p"].to_numpy()[m]
    brand = ms["brand"].to_numpy()[m]
    phone = phone_on(world.persons, p, rows["emit_day"].to_numpy())
    phone = mess.phones(phone, rng, {"plus86": RATES["miniapp_phone_plus86"], "plain": 1 - RATES["miniapp_phone_plus86"]})
    phone = mess.with_junk(phone, rng, RATES["miniapp_phone_junk"], mess.PHONE_JUNK[:3], only_present=True)
    shares_unionid = pl.Series(values=ms["miniapp_unionid"].to_numpy()[m])
    created_ms = timefmt.epoch_seconds(rows["created_s"].to_numpy()) * 1000 + rows["millis"].to_numpy()
    return pl.DataFrame(
        {
            "appid": daily.lookup([b.miniapp_appid for b in BRANDS], brand),
            "openid": ms["miniapp_openid"].gather(m),
            "unionid": pl.select(pl.when(shares_unionid).then(world.persons["unionid"].gather(p))).to_series(),
            "phone": pl.select(pl.when(rows["with_phone"]).then(phone)).to_series(),
            "nickname": ms["miniapp_nickname"].gather(m),
            "brand": daily.lookup([b.code for b in BRANDS], brand),
            "created_at": pl.Series(values=created_ms).cast(pl.String),
            daily.DAY: rows["emit_day"],
        }
    )


def wechat_miniapp_users(world: World) -> Iterator[FileSpec]:
    emitted = _miniapp_emissions(world, stream(world.seed, "wechat_miniapp_users", "records"))
    for days, rows in daily.chunks(emitted, world.window):
        rendered = _render_miniapp(world, rows, stream(world.seed, "wechat_miniapp_users", days.start))
        for day, frame in daily.by_day(rendered, days):
            name = f"miniapp_users_{daily.date_tag(world.window, day)}.jsonl"
            yield FileSpec("wechat_miniapp_users", day, name, frame, json_lines=_miniapp_lines)


# ---------------------------------------------------------------- wechat_oa_followers


def _oa_emissions(world: World, rng: np.random.Generator) -> pl.DataFrame:
    followers = world.memberships.filter(
        pl.col("oa_openid").is_not_null() & (pl.col("oa_subscribed_day") < world.window.days)
    )
    records = followers.select("m", subscribed_day="oa_subscribed_day", unsubscribed_day="oa_unsubscribed_day").with_columns(
        subscribed_s=pl.Series(values=times_on_days(world.window, followers["oa_subscribed_day"].to_numpy(), rng)),
        # NEVER clipped: a follower who never leaves gets a time that is never shown.
        unsubscribed_s=pl.Series(values=times_on_days(world.window, followers["oa_unsubscribed_day"].clip(-(1 << 20), 1 << 20).to_numpy(), rng)),
    )
    subscribes = records.with_columns(emit_day=pl.col("subscribed_day").clip(0))
    unsubscribes = records.filter(pl.col("unsubscribed_day").is_between(0, world.window.days - 1)).with_columns(
        emit_day=pl.col("unsubscribed_day")
    )
    return pl.concat([subscribes, unsubscribes.filter(pl.col("emit_day") >= pl.col("subscribed_day").clip(0))]).sort(
        "emit_day", "m"
    )


def _render_oa(world: World, rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    if rows.height == 0:
        return daily.empty_frame(delivered_headers("wechat_oa_followers"))
    m = rows["m"].to_numpy()
    ms = world.memberships
    p = ms["p"].to_numpy()[m]
    brand = ms["brand"].to_numpy()[m]
    left = rows["unsubscribed_day"] <= rows["emit_day"]
    return pl.DataFrame(
        {
            "appid": daily.lookup([b.oa_appid for b in BRANDS], brand),
            "openid": ms["oa_openid"].gather(m),
            "unionid": pl.select(
                pl.when(pl.Series(values=ms["oa_unionid"].to_numpy()[m])).then(world.persons["unionid"].gather(p))
            ).to_series(),
            "subscribe": pl.select(pl.when(left).then(pl.lit("0")).otherwise(pl.lit("1"))).to_series(),
            "subscribe_time": pl.Series(values=timefmt.epoch_seconds(rows["subscribed_s"].to_numpy())).cast(pl.String),
            "unsubscribe_time": pl.select(
                pl.when(left).then(pl.Series(values=timefmt.epoch_seconds(rows["unsubscribed_s"].to_numpy())).cast(pl.String))
            ).to_series(),
            "brand": daily.lookup([b.code for b in BRANDS], brand),
            daily.DAY: rows["emit_day"],
        }
    ).select(*delivered_headers("wechat_oa_followers"), daily.DAY)


def wechat_oa_followers(world: World) -> Iterator[FileSpec]:
    emitted = _oa_emissions(world, stream(world.seed, "wechat_oa_followers", "records"))
    for days, rows in daily.chunks(emitted, world.window):
        rendered = _render_oa(world, rows, stream(world.seed, "wechat_oa_followers", days.start))
        for day, frame in daily.by_day(rendered, days):
            yield FileSpec("wechat_oa_followers", day, f"oa_followers_{daily.date_tag(world.window, day)}.csv", frame)
