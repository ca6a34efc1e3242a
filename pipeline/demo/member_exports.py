"""Programme memberships as the CRMs, Tmall 会员通 and WeChat export them.

The first delivery of each source is a backfill of everyone who joined before
the window; then each day brings that day's joins and the day's changes to
existing records (new points and tier after a purchase, a new phone number,
a frozen or cancelled card, a later phone authorization, an unfollow). A
changed record is re-sent whole: staging keeps the latest version.
"""

from __future__ import annotations

from typing import Callable, Iterator

import numpy as np
import polars as pl

from pipeline.demo import daily, mess, timefmt
from pipeline.demo.brands import BRANDS
from pipeline.demo.calendar import SECONDS_PER_DAY, clock_seconds
from pipeline.demo.delivery import FileSpec
from pipeline.demo.orders import Channel, Outcome
from pipeline.demo.people import NEVER, phone_on
from pipeline.demo.randomness import chance, stable_uniform, stream
from pipeline.demo.world import World, delivered_headers

Draws = Callable[[str], np.ndarray]  # purpose -> one uniform draw per row

# Brand CRMs differ in how they write gender and birthdays.
CRM_GENDER_CHINESE = ("lingfeng", "beian")
CRM_COMPACT_BIRTHDAY = ("xingye", "xiantian")

RATES = {
    "crm_phone": {"plain": 0.84, "plus86": 0.03, "spaced": 0.02, "dashed": 0.03, "86_dash": 0.01, "0086_dashed": 0.01, "full_width": 0.02, "scientific": 0.04},
    "crm_phone_missing": 0.08,
    "crm_phone_junk": 0.02,
    "crm_email_known": 0.7,  # of people with an email: the CRM has it
    "crm_email_messy": 0.06,  # upper-case letters or stray spaces
    "crm_email_junk": 0.01,
    "crm_name_missing": 0.05,
    "crm_gender_missing": 0.10,
    "crm_birthday_missing": 0.25,
    "crm_birthday_impossible": 0.005,
    "crm_city_suffix": 0.10,  # `上海市` instead of `上海`
    "crm_city_missing": 0.05,
    "crm_duplicate_phone_missing": 0.5,
    "crm_status_change": 0.03,  # records frozen or cancelled during the window
    "crm_new_phone_update": 0.5,  # of members who changed number: the CRM learns the new one
    "tmall_nick_masked": 0.3,
    "tmall_level_up": 0.05,
    "miniapp_phone_plus86": 0.6,  # authorized phones arrive as `+86…` more often than not
    "miniapp_phone_later": 0.3,  # of users without a phone: authorize it later in the window
    "miniapp_phone_junk": 0.005,
}  # fmt: skip


def _join_seconds(day: pl.Series, rng: np.random.Generator, window_start: int) -> np.ndarray:
    return window_start + day.to_numpy() * SECONDS_PER_DAY + clock_seconds(rng, len(day))


# ---------------------------------------------------------------- crm_members


def _crm_records(world: World, rng: np.random.Generator) -> pl.DataFrame:
    """Every CRM record (duplicates included) with its join day: (m, member_id, joined_day, duplicate)."""
    ms = world.memberships.filter(pl.col("crm_member_id").is_not_null())
    main = ms.select("m", member_id="crm_member_id", joined_day="crm_joined_day", duplicate=pl.lit(False))
    second = ms.filter(pl.col("crm_duplicate_id").is_not_null()).select(
        "m", member_id="crm_duplicate_id", joined_day="crm_duplicate_joined_day", duplicate=pl.lit(True)
    )
    records = pl.concat([main, second]).filter(pl.col("joined_day") < world.window.days)
    return records.with_columns(joined_s=pl.Series(values=_join_seconds(records["joined_day"], rng, world.window.start_seconds)))


def _crm_points(world: World) -> pl.DataFrame:
    """(m, emit_day, spent_cents): cumulative CRM-channel spend after each day with purchases."""
    spend = (
        world.orders.filter(
            pl.col("channel").is_in([Channel.POS, Channel.ESHOP]) & ~pl.col("outcome").is_in([Outcome.UNPAID, Outcome.CANCELLED])
        )
        .group_by("m", "day")
        .agg(pl.col("paid_cents").sum())
        .sort("m", "day")
    )
    return spend.select("m", emit_day="day", spent_cents=pl.col("paid_cents").cum_sum().over("m"))


def _crm_emissions(world: World, rng: np.random.Generator) -> pl.DataFrame:
    """One row per record per day it is exported: on joining (or in the backfill), after each
    purchase (new points), when the CRM learns a member's new number, when the card is frozen or cancelled."""
    records = _crm_records(world, rng)
    days = world.window.days
    n = records.height
    m = records["m"].to_numpy()
    inactive = (world.memberships["member_status"].to_numpy()[m] != "active") & ~records["duplicate"].to_numpy()
    changes_inside = inactive & chance(rng, 0.4, n)
    status_day = np.where(changes_inside, rng.integers(0, max(days, 1), n), np.where(inactive, -1, NEVER))
    records = records.with_columns(status_day=pl.Series(values=status_day.astype(np.int64)))

    person = world.memberships["p"].to_numpy()[m]
    switch = world.persons["phone_switch_day"].to_numpy()[person]
    learned_day = switch + rng.integers(0, 30, n)
    learns = (switch < NEVER) & ~records["duplicate"].to_numpy() & chance(rng, RATES["crm_new_phone_update"], n)
    learns &= learned_day < days
    records = records.with_columns(learned_day=pl.Series(values=np.where(learns, learned_day, NEVER).astype(np.int64)))

    joins = records.with_columns(emit_day=pl.col("joined_day").clip(0), spent_cents=pl.lit(0, dtype=pl.Int64))
    main = records.filter(~pl.col("duplicate"))
    purchases = main.join(_crm_points(world), on="m").filter(pl.col("emit_day") >= pl.col("joined_day"))
    phone_updates = records.filter(pl.col("learned_day") < days).with_columns(emit_day=pl.col("learned_day"))
    status_updates = records.filter(pl.col("status_day").is_between(0, days - 1)).with_columns(emit_day=pl.col("status_day"))
    no_spend = pl.lit(None, dtype=pl.Int64)
    emitted = pl.concat(
        [
            joins,
            purchases.select(joins.columns),
            phone_updates.with_columns(spent_cents=no_spend).select(joins.columns),
            status_updates.with_columns(spent_cents=no_spend).select(joins.columns),
        ]
    ).filter(pl.col("emit_day") >= pl.col("joined_day").clip(0))
    # Updates carry the points as of their day: the spend of the latest purchase before them.
    return (
        emitted.sort("member_id", "emit_day", "spent_cents", nulls_last=False)
        .with_columns(pl.col("spent_cents").forward_fill().over("member_id").fill_null(0))
        .unique(subset=["member_id", "emit_day"], keep="last", maintain_order=True)
    )


def _tier_names(brand: np.ndarray, points: np.ndarray) -> pl.Series:
    names: list[str] = []
    index = np.zeros(len(brand), dtype=np.int64)
    offset = 0
    for b, item in enumerate(BRANDS):
        thresholds = np.array([t.min_points for t in item.tiers])
        level = np.searchsorted(thresholds, points, side="right") - 1
        index = np.where(brand == b, offset + level, index)
        names.extend(t.name for t in item.tiers)
        offset += len(item.tiers)
    return daily.lookup(names, index)


def _crm_birthdays(birthday: pl.Series, compact: np.ndarray, rng: np.random.Generator, u: Draws) -> pl.Series:
    iso = birthday.dt.strftime("%Y-%m-%d")
    text = pl.select(pl.when(pl.Series(values=compact)).then(birthday.dt.strftime("%Y%m%d")).otherwise(iso)).to_series()
    text = mess.blank(text, rng, RATES["crm_birthday_missing"], u("birthday_missing"))
    impossible = daily.lookup(list(mess.IMPOSSIBLE_BIRTHDAYS), (u("which_impossible") * len(mess.IMPOSSIBLE_BIRTHDAYS)).astype(np.int64))
    return pl.select(
        pl.when(pl.Series(values=u("birthday_impossible") < RATES["crm_birthday_impossible"])).then(impossible).otherwise(text)
    ).to_series()


def _messy_emails(emails: pl.Series, rng: np.random.Generator, u: Draws) -> pl.Series:
    def messy(values: pl.Series) -> pl.Series:
        return pl.select(pl.concat_str([pl.lit(" "), values.str.to_uppercase()])).to_series()

    known = mess.blank(emails, rng, 1 - RATES["crm_email_known"], u("email_known"))
    messy_known = mess.sometimes(known, rng, RATES["crm_email_messy"], messy, u("email_messy"))
    return mess.with_junk(messy_known, rng, RATES["crm_email_junk"], mess.EMAIL_JUNK, u=u("email_junk"))


def _render_crm(world: World, rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    if rows.height == 0:
        return daily.empty_frame(delivered_headers("crm_members"))
    n = rows.height
    m = rows["m"].to_numpy()
    ms = world.memberships
    p = ms["p"].to_numpy()[m]
    brand = ms["brand"].to_numpy()[m]
    persons = world.persons
    duplicate = rows["duplicate"].to_numpy()
    record_key = m * 2 + duplicate

    def u(purpose: str) -> np.ndarray:
        # Per record, not per export: a member's record looks the same each time it is re-sent.
        return stable_uniform(world.seed, "crm_members." + purpose, record_key)

    # The number given when joining, until the CRM learns the new one.
    emit_day = rows["emit_day"].to_numpy()
    known_day = np.where(emit_day >= rows["learned_day"].to_numpy(), emit_day, np.maximum(rows["joined_day"].to_numpy(), 0))
    phone = mess.phones(phone_on(persons, p, known_day), rng, RATES["crm_phone"], u("phone_style"))
    phone = mess.blank(phone, rng, RATES["crm_phone_missing"], u("phone_missing"))
    phone = mess.with_junk(phone, rng, RATES["crm_phone_junk"], mess.PHONE_JUNK, u=u("phone_junk"))
    drop_duplicate_phone = duplicate & (u("duplicate_phone") < RATES["crm_duplicate_phone_missing"])
    phone = pl.select(pl.when(pl.Series(values=drop_duplicate_phone)).then(None).otherwise(phone)).to_series()
    chinese_gender = np.isin(brand, [i for i, b in enumerate(BRANDS) if b.code in CRM_GENDER_CHINESE])
    gender = persons["gender"].gather(p)
    gender = pl.select(
        pl.when(pl.Series(values=chinese_gender)).then(gender.replace({"M": "男", "F": "女"})).otherwise(gender)
    ).to_series()
    city = mess.sometimes(persons["city"].gather(p), rng, RATES["crm_city_suffix"], lambda c: c + "市", u("city_suffix"))
    points_rate = np.array([b.points_per_10_yuan for b in BRANDS])[brand]
    points = ms["points_start"].to_numpy()[m] + rows["spent_cents"].to_numpy() * points_rate // 1000
    member_type = ms["member_type"].gather(m)
    store = ms["home_store"].to_numpy()[m]
    changed = pl.Series(values=rows["emit_day"].to_numpy() >= rows["status_day"].to_numpy())
    compact_birthday = np.isin(brand, [i for i, b in enumerate(BRANDS) if b.code in CRM_COMPACT_BIRTHDAY])
    return pl.DataFrame(
        {
            "member_id": rows["member_id"],
            "brand": daily.lookup([b.code for b in BRANDS], brand),
            "phone": phone,
            "email": _messy_emails(persons["email"].gather(p), rng, u),
            "name": mess.blank(persons["name"].gather(p), rng, RATES["crm_name_missing"], u("name_missing")),
            "gender": mess.blank(gender, rng, RATES["crm_gender_missing"], u("gender_missing")),
            "birthday": _crm_birthdays(persons["birthday"].gather(p), compact_birthday, rng, u),
            "city": mess.blank(city, rng, RATES["crm_city_missing"], u("city_missing")),
            "tier": _tier_names(brand, points),
            "points": pl.Series(values=points).cast(pl.String),
            "member_type": member_type,
            "dealer_code": pl.select(
                pl.when(member_type == "dealer").then(world.stores["dealer_code"].gather(store))
            ).to_series(),
            "store_code": pl.select(
                pl.when(member_type.is_in(["dealer", "store"])).then(world.stores["store_code"].gather(store))
            ).to_series(),
            "joined_at": timefmt.text(rows["joined_s"]),
            "status": pl.select(pl.when(changed).then(ms["member_status"].gather(m)).otherwise(pl.lit("active"))).to_series(),
            daily.DAY: rows["emit_day"],
        }
    ).select(*delivered_headers("crm_members"), daily.DAY)


def crm_members(world: World) -> Iterator[FileSpec]:
    emitted = _crm_emissions(world, stream(world.seed, "crm_members", "records"))
    for days, rows in daily.chunks(emitted, world.window):
        rendered = _render_crm(world, rows, stream(world.seed, "crm_members", days.start))
        for day, frame in daily.by_day(rendered, days):
            kind = "full" if day == 0 else "delta"
            yield FileSpec("crm_members", day, f"crm_members_{kind}_{daily.date_tag(world.window, day)}.csv", frame)


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
        joined_s=pl.Series(values=_join_seconds(members["tmall_joined_day"], rng, world.window.start_seconds)),
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
        created_s=pl.Series(values=_join_seconds(users["miniapp_created_day"], rng, world.window.start_seconds)),
        millis=pl.Series(values=rng.integers(0, 1000, n)),
    )
    joins = records.with_columns(emit_day=pl.col("created_day").clip(0), with_phone=pl.Series(values=authorized_at_start))
    updates = records.filter(pl.Series(values=later)).with_columns(
        emit_day=pl.Series(values=later_day[later]), with_phone=pl.lit(True)
    )
    return pl.concat([joins, updates]).sort("emit_day", "m")


def _miniapp_lines(frame: pl.DataFrame) -> pl.Series:
    from pipeline.demo import json_text as j

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
    start = world.window.start_seconds
    records = followers.select("m", subscribed_day="oa_subscribed_day", unsubscribed_day="oa_unsubscribed_day").with_columns(
        subscribed_s=pl.Series(values=_join_seconds(followers["oa_subscribed_day"], rng, start)),
        unsubscribed_s=pl.Series(values=_join_seconds(followers["oa_unsubscribed_day"].clip(-(1 << 20), 1 << 20), rng, start)),
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
