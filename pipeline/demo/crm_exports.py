"""Brand CRM members as the CRMs export them.

The first delivery is a full export of every member who joined before the
window; then each day brings that day's joins and the records that changed
that day, re-sent whole (staging keeps the latest version): new points and
tier after a purchase in store or in the own mall, a new phone number once
the CRM learns it, a frozen or cancelled card. About 2% of members are
registered twice (a second member id, often without the phone). Each brand's
CRM writes gender and birthdays its own way; the mess of a record is fixed per
record, so a re-sent record looks the same.
"""

from __future__ import annotations

from typing import Callable, Iterator

import numpy as np
import polars as pl

from pipeline.demo import daily, mess, timefmt
from pipeline.demo.brands import BRANDS
from pipeline.demo.delivery import FileSpec
from pipeline.demo.calendar import times_on_days
from pipeline.demo.orders import Channel, Outcome
from pipeline.demo.people import NEVER, phone_on
from pipeline.demo.randomness import chance, stable_uniform, stream
from pipeline.demo.world import World, delivered_headers

Draws = Callable[[str], np.ndarray]  # purpose -> one uniform draw per row

# Brand CRMs differ in how they write gender and birthdays.
GENDER_IN_CHINESE = ("lingfeng", "beian")
COMPACT_BIRTHDAY = ("xingye", "xiantian")

RATES = {
    "phone": {"plain": 0.84, "plus86": 0.03, "spaced": 0.02, "dashed": 0.03, "86_dash": 0.01, "0086_dashed": 0.01, "full_width": 0.02, "scientific": 0.04},
    "phone_missing": 0.08,
    "phone_junk": 0.02,
    "email_known": 0.7,  # of people with an email: the CRM has it
    "email_messy": 0.06,  # upper-case letters or stray spaces
    "email_junk": 0.01,
    "name_missing": 0.05,
    "gender_missing": 0.10,
    "birthday_missing": 0.25,
    "birthday_impossible": 0.005,
    "city_suffix": 0.10,  # `上海市` instead of `上海`
    "city_missing": 0.05,
    "duplicate_phone_missing": 0.5,
    "status_change_inside": 0.4,  # of frozen or cancelled records: frozen or cancelled during the window
    "new_phone_update": 0.5,  # of members who changed number: the CRM learns the new one
}  # fmt: skip



def _crm_records(world: World, rng: np.random.Generator) -> pl.DataFrame:
    """Every CRM record (duplicates included) with its join day: (m, member_id, joined_day, duplicate)."""
    ms = world.memberships.filter(pl.col("crm_member_id").is_not_null())
    main = ms.select("m", member_id="crm_member_id", joined_day="crm_joined_day", duplicate=pl.lit(False))
    second = ms.filter(pl.col("crm_duplicate_id").is_not_null()).select(
        "m", member_id="crm_duplicate_id", joined_day="crm_duplicate_joined_day", duplicate=pl.lit(True)
    )
    records = pl.concat([main, second]).filter(pl.col("joined_day") < world.window.days)
    return records.with_columns(joined_s=pl.Series(values=times_on_days(world.window, records["joined_day"].to_numpy(), rng)))


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
    changes_inside = inactive & chance(rng, RATES["status_change_inside"], n)
    status_day = np.where(changes_inside, rng.integers(0, max(days, 1), n), np.where(inactive, -1, NEVER))
    records = records.with_columns(status_day=pl.Series(values=status_day.astype(np.int64)))

    person = world.memberships["p"].to_numpy()[m]
    switch = world.persons["phone_switch_day"].to_numpy()[person]
    learned_day = switch + rng.integers(0, 30, n)
    learns = (switch < NEVER) & ~records["duplicate"].to_numpy() & chance(rng, RATES["new_phone_update"], n)
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
    text = mess.blank(text, rng, RATES["birthday_missing"], u("birthday_missing"))
    impossible = daily.lookup(list(mess.IMPOSSIBLE_BIRTHDAYS), (u("which_impossible") * len(mess.IMPOSSIBLE_BIRTHDAYS)).astype(np.int64))
    return pl.select(
        pl.when(pl.Series(values=u("birthday_impossible") < RATES["birthday_impossible"])).then(impossible).otherwise(text)
    ).to_series()


def _messy_emails(emails: pl.Series, rng: np.random.Generator, u: Draws) -> pl.Series:
    def messy(values: pl.Series) -> pl.Series:
        return pl.select(pl.concat_str([pl.lit(" "), values.str.to_uppercase()])).to_series()

    known = mess.blank(emails, rng, 1 - RATES["email_known"], u("email_known"))
    messy_known = mess.sometimes(known, rng, RATES["email_messy"], messy, u("email_messy"))
    return mess.with_junk(messy_known, rng, RATES["email_junk"], mess.EMAIL_JUNK, u=u("email_junk"))


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
    phone = mess.phones(phone_on(persons, p, known_day), rng, RATES["phone"], u("phone_style"))
    phone = mess.blank(phone, rng, RATES["phone_missing"], u("phone_missing"))
    phone = mess.with_junk(phone, rng, RATES["phone_junk"], mess.PHONE_JUNK, u=u("phone_junk"))
    drop_duplicate_phone = duplicate & (u("duplicate_phone") < RATES["duplicate_phone_missing"])
    phone = pl.select(pl.when(pl.Series(values=drop_duplicate_phone)).then(None).otherwise(phone)).to_series()
    chinese_gender = np.isin(brand, [i for i, b in enumerate(BRANDS) if b.code in GENDER_IN_CHINESE])
    gender = persons["gender"].gather(p)
    gender = pl.select(
        pl.when(pl.Series(values=chinese_gender)).then(gender.replace({"M": "男", "F": "女"})).otherwise(gender)
    ).to_series()
    city = mess.sometimes(persons["city"].gather(p), rng, RATES["city_suffix"], lambda c: c + "市", u("city_suffix"))
    points_rate = np.array([b.points_per_10_yuan for b in BRANDS])[brand]
    points = ms["points_start"].to_numpy()[m] + rows["spent_cents"].to_numpy() * points_rate // 1000
    member_type = ms["member_type"].gather(m)
    store = ms["home_store"].to_numpy()[m]
    changed = pl.Series(values=rows["emit_day"].to_numpy() >= rows["status_day"].to_numpy())
    compact_birthday = np.isin(brand, [i for i, b in enumerate(BRANDS) if b.code in COMPACT_BIRTHDAY])
    return pl.DataFrame(
        {
            "member_id": rows["member_id"],
            "brand": daily.lookup([b.code for b in BRANDS], brand),
            "phone": phone,
            "email": _messy_emails(persons["email"].gather(p), rng, u),
            "name": mess.blank(persons["name"].gather(p), rng, RATES["name_missing"], u("name_missing")),
            "gender": mess.blank(gender, rng, RATES["gender_missing"], u("gender_missing")),
            "birthday": _crm_birthdays(persons["birthday"].gather(p), compact_birthday, rng, u),
            "city": mess.blank(city, rng, RATES["city_missing"], u("city_missing")),
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
