"""Campaign touches (SMS, WeChat template messages, App push, email) and consent events.

Consents: the first delivery carries the historical opt-ins (given when
joining the CRM, following the official account, installing the App); in the
window people opt out (replying TD to an SMS, unsubscribing, switching push
off, asking the call centre or the privacy centre to stop) and some opt in
again later. Consent is per channel and identifier, not per brand.

Campaigns: each brand sends a campaign every few days on one channel to a
slice of its programme members, weighted by engagement, skipping people who
opted out of that channel. A send on a brand and channel that the campaigns
seed lists (in its date window) goes out under that campaign's id, so the
demo's campaign performance carries the seed's names; other sends get ids
like `C2026_LF_007`, as a channel tool's own campaigns would. An SMS goes
to the number the CRM has on file: after a number was recycled, that is
somebody else's phone. Opens and clicks follow each channel's usual rates
(an SMS has no open tracking, only clicks on its short link).
"""

from __future__ import annotations

from datetime import date
from typing import Iterator

import numpy as np
import polars as pl

from pipeline.dbt_runner import project_dir

from pipeline.demo import daily, mess, timefmt
from pipeline.demo.brands import BRANDS
from pipeline.demo.calendar import SECONDS_PER_DAY, clock_seconds
from pipeline.demo.delivery import FileSpec
from pipeline.demo.memberships import HISTORY_DAYS
from pipeline.demo.people import NEVER
from pipeline.demo.randomness import chance, stream
from pipeline.demo.world import World, delivered_headers

TOUCH_CHANNELS = ("sms", "wechat_template", "app_push", "email")
CHANNEL_WEIGHTS = np.array([0.40, 0.25, 0.20, 0.15])
DELIVERED = np.array([0.96, 0.99, 0.85, 0.92])
OPENED = np.array([0.0, 0.25, 0.08, 0.18])  # of delivered touches
CLICKED = np.array([0.015, 0.25, 0.35, 0.20])  # SMS: of delivered touches; others: of opened ones
CAMPAIGN_EVERY_DAYS = 6  # per brand, on average
OPT_OUT = {"sms": 0.04, "email": 0.03, "app_push": 0.05, "wechat_template": 0.03, "phone_call": 0.01, "media": 0.02}
OPT_OUT_SOURCES = {
    "sms": "sms_reply_TD",
    "email": "email_unsubscribe_link",
    "app_push": "app_settings",
    "wechat_template": "wechat_msg_settings",
    "phone_call": "call_center_dnc",
    "media": "privacy_center",
}
RATES = {
    "re_opt_in": 0.15,  # opt-outs followed by a new opt-in later in the window
    "crm_sms_opt_in": 0.8,  # CRM members who ticked the SMS box when joining
    "crm_email_opt_in": 0.5,
    "sms_by_member_id": 0.15,  # SMS consents recorded against the member id instead of the phone
    "phone_with_plus86": 0.03,
}


# ---------------------------------------------------------------- consents


def _subjects(world: World) -> pl.DataFrame:
    """Who can consent on which channel, with which id: (p, m, channel, id_type, id_value, since_day)."""
    persons = world.persons
    ms = world.memberships
    crm = ms.filter(pl.col("crm_member_id").is_not_null()).unique("p", keep="first", maintain_order=True)
    phone_of = persons["phone_a"].fill_null(persons["phone_b"])
    p_crm = crm["p"].to_numpy()
    sms = pl.DataFrame(
        {
            "p": p_crm,
            "m": crm["m"],
            "channel": "sms",
            "id_type": "phone",
            "id_value": phone_of.gather(p_crm),
            "member_id": crm["crm_member_id"],
            "since_day": crm["crm_joined_day"],
        }
    ).filter(pl.col("id_value").is_not_null())
    phone_call = sms.with_columns(channel=pl.lit("phone_call"), since_day=pl.col("since_day"))
    email = pl.DataFrame(
        {
            "p": p_crm,
            "m": crm["m"],
            "channel": "email",
            "id_type": "email",
            "id_value": persons["email"].gather(p_crm),
            "member_id": crm["crm_member_id"],
            "since_day": crm["crm_joined_day"],
        }
    ).filter(pl.col("id_value").is_not_null())
    followers = ms.filter(pl.col("oa_openid").is_not_null())
    wechat = followers.select(
        "p", "m", channel=pl.lit("wechat_template"), id_type=pl.lit("openid"), id_value="oa_openid",
        member_id=pl.lit(None, dtype=pl.String), since_day="oa_subscribed_day",
    )  # fmt: skip
    app_users = np.flatnonzero(persons["device_a"].to_numpy() >= 0)
    device = persons["device_a"].to_numpy()[app_users]
    device_id = world.devices["oaid"].fill_null(world.devices["idfa"]).gather(device)
    install_day = -(app_users * 7919 % HISTORY_DAYS) - 1  # a fixed, spread-out install day per person
    push = pl.DataFrame(
        {
            "p": app_users,
            "m": np.full(len(app_users), -1),
            "channel": "app_push",
            "id_type": "device",
            "id_value": device_id,
            "member_id": pl.Series(values=[None] * len(app_users), dtype=pl.String),
            "since_day": install_day,
        }
    ).filter(pl.col("id_value").is_not_null())
    media = push.with_columns(channel=pl.lit("media"))
    frames = [sms, phone_call, email, wechat, push, media]
    schema = {"p": pl.Int64, "m": pl.Int64, "channel": pl.String, "id_type": pl.String, "id_value": pl.String, "member_id": pl.String, "since_day": pl.Int64}
    return pl.concat([f.cast(schema).select(list(schema)) for f in frames]).filter(pl.col("since_day") < world.window.days)  # type: ignore[arg-type]


def consent_events(world: World) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(events, opt-out intervals). Intervals are (p, channel, m, out_day, back_day)."""
    rng = stream(world.seed, "consents.events")
    subjects = _subjects(world)
    n = subjects.height
    channel = subjects["channel"].to_numpy()
    since = subjects["since_day"].to_numpy()
    initial = np.isin(channel, ("wechat_template", "app_push")) | (
        (channel == "sms") & chance(rng, RATES["crm_sms_opt_in"], n)
    ) | ((channel == "email") & chance(rng, RATES["crm_email_opt_in"], n))
    start = world.window.start_seconds
    opt_in_s = start + since * SECONDS_PER_DAY + clock_seconds(rng, n)
    source_in = np.select(
        [channel == "wechat_template", channel == "app_push"], ["wechat_subscribe", "app_install"], "crm_register"
    )
    opt_ins = subjects.filter(pl.Series(values=initial)).with_columns(
        action=pl.lit("opt_in"),
        at_s=pl.Series(values=opt_in_s[initial]),
        source=pl.Series(values=source_in[initial], dtype=pl.String),
    )
    rate = subjects["channel"].replace_strict(OPT_OUT, return_dtype=pl.Float64).to_numpy()
    out_day = np.maximum(since, 0) + rng.integers(0, max(world.window.days, 1), n)
    opts_out = chance(rng, rate, n) & (out_day < world.window.days)
    back_day = np.where(chance(rng, RATES["re_opt_in"], n), out_day + rng.integers(3, 90, n), NEVER)
    out_s = start + out_day * SECONDS_PER_DAY + clock_seconds(rng, n)
    back_s = start + back_day.clip(0, 1 << 20) * SECONDS_PER_DAY + clock_seconds(rng, n)
    source_out = subjects["channel"].replace_strict(OPT_OUT_SOURCES, return_dtype=pl.String)
    outs = subjects.filter(pl.Series(values=opts_out)).with_columns(
        action=pl.lit("opt_out"), at_s=pl.Series(values=out_s[opts_out]), source=source_out.filter(pl.Series(values=opts_out))
    )
    comes_back = opts_out & (back_day < world.window.days)
    backs = subjects.filter(pl.Series(values=comes_back)).with_columns(
        action=pl.lit("opt_in"), at_s=pl.Series(values=back_s[comes_back]), source=source_out.filter(pl.Series(values=comes_back))
    )
    events = pl.concat([opt_ins, outs, backs]).with_columns(
        emit_day=((pl.col("at_s") - start) // SECONDS_PER_DAY).clip(0)
    )
    intervals = subjects.filter(pl.Series(values=opts_out)).select("p", "m", "channel").with_columns(
        out_day=pl.Series(values=out_day[opts_out]), back_day=pl.Series(values=back_day[opts_out])
    )
    return events.sort("emit_day", "at_s"), intervals


def _render_consents(world: World, rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    if rows.height == 0:
        return daily.empty_frame(delivered_headers("consents"))
    n = rows.height
    is_sms = (rows["channel"] == "sms") & rows["member_id"].is_not_null()
    by_member = is_sms & pl.Series(values=chance(rng, RATES["sms_by_member_id"], n))
    phone_like = rows["id_type"] == "phone"
    value = mess.phones(rows["id_value"], rng, {"plain": 1 - RATES["phone_with_plus86"], "plus86": RATES["phone_with_plus86"]})
    value = pl.select(pl.when(phone_like).then(value).otherwise(rows["id_value"])).to_series()
    return pl.DataFrame(
        {
            "channel": rows["channel"],
            "id_type": pl.select(pl.when(by_member).then(pl.lit("member_id")).otherwise(rows["id_type"])).to_series(),
            "id_value": pl.select(pl.when(by_member).then(rows["member_id"]).otherwise(value)).to_series(),
            "action": rows["action"],
            "event_time": timefmt.text(rows["at_s"]),
            "source": rows["source"],
            daily.DAY: rows["emit_day"],
        }
    )


def consents(world: World, events: pl.DataFrame) -> Iterator[FileSpec]:
    for days, rows in daily.chunks(events, world.window):
        rendered = _render_consents(world, rows, stream(world.seed, "consents", days.start))
        for day, frame in daily.by_day(rendered, days):
            yield FileSpec("consents", day, f"consents_{daily.date_tag(world.window, day)}.csv", frame)


# ---------------------------------------------------------------- campaign touches


def seeded_campaigns() -> dict[tuple[str, str], list[tuple[str, date, date]]]:
    """(brand, channel) -> [(campaign_id, start_date, end_date)] of the campaigns seed."""
    seed = pl.read_csv(
        project_dir() / "seeds" / "activation" / "campaigns.csv",
        columns=["campaign_id", "channel", "brand", "start_date", "end_date"],
        schema_overrides={"start_date": pl.Date, "end_date": pl.Date},
    ).filter(pl.col("brand").is_not_null())
    listed: dict[tuple[str, str], list[tuple[str, date, date]]] = {}
    for campaign_id, channel, brand, start, end in seed.sort("campaign_id").iter_rows():
        listed.setdefault((brand, channel), []).append((campaign_id, start, end))
    return listed


def _campaigns(world: World) -> pl.DataFrame:
    """(campaign_id, brand, channel, day, share) of every send in the window."""
    rng = stream(world.seed, "campaigns")
    seeded = seeded_campaigns()
    rows = []
    for b, brand in enumerate(BRANDS):
        count = rng.poisson(world.window.days / CAMPAIGN_EVERY_DAYS)
        days = np.sort(rng.integers(0, world.window.days, count))
        channels = rng.choice(len(TOUCH_CHANNELS), size=count, p=CHANNEL_WEIGHTS)
        shares = rng.uniform(0.03, 0.15, count)
        per_year: dict[int, int] = {}
        for day, channel, share in zip(days.tolist(), channels.tolist(), shares.tolist()):
            sent_on = world.window.date_of(day)
            listed = [
                campaign_id
                for campaign_id, start, end in seeded.get((brand.code, TOUCH_CHANNELS[channel]), [])
                if start <= sent_on <= end
            ]
            if listed:
                # Chosen without a random draw: the sends stay those of every earlier demo.
                campaign_id = listed[len(rows) % len(listed)]
            else:
                per_year[sent_on.year] = per_year.get(sent_on.year, 0) + 1
                campaign_id = f"C{sent_on.year}_{brand.short}_{per_year[sent_on.year]:03d}"
            rows.append((campaign_id, b, channel, day, share))
    schema = {"campaign_id": pl.String, "brand": pl.Int64, "channel": pl.Int64, "day": pl.Int64, "share": pl.Float64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _audience_pools(world: World) -> dict[tuple[int, int], pl.DataFrame]:
    """Members each brand can reach on each channel: (m, p, affinity)."""
    ms = world.memberships
    persons = world.persons
    has_email = persons["email"].is_not_null().gather(ms["p"].to_numpy())
    has_app = persons["app_user_id"].is_not_null().gather(ms["p"].to_numpy())
    reachable = {
        0: ms["crm_member_id"].is_not_null() | ms["tmall_member"],
        1: ms["oa_openid"].is_not_null(),
        2: has_app,
        3: ms["crm_member_id"].is_not_null() & has_email,
    }
    pools = {}
    for channel, mask in reachable.items():
        for b in range(len(BRANDS)):
            pools[(b, channel)] = ms.filter(mask & (pl.col("brand") == b)).select("m", "p", "affinity")
    return pools


def _touch_targets(world: World, rng: np.random.Generator, intervals: pl.DataFrame) -> pl.DataFrame:
    campaigns = _campaigns(world)
    pools = _audience_pools(world)
    picked = []
    for index, (b, channel, day, share) in enumerate(campaigns.select("brand", "channel", "day", "share").iter_rows()):
        pool = pools[(b, channel)]
        size = int(round(pool.height * share))
        if size == 0:
            continue
        # Weighted sampling without replacement (Efraimidis-Spirakis): engaged members are picked more.
        keys = np.log(rng.random(pool.height)) / np.maximum(pool["affinity"].to_numpy(), 1e-6)
        chosen = np.argpartition(-keys, size - 1)[:size]
        picked.append(pool[np.sort(chosen)].with_columns(campaign=pl.lit(index, dtype=pl.Int64), day=pl.lit(day, dtype=pl.Int64)))
    if not picked:
        return pl.DataFrame(schema={"m": pl.Int64, "p": pl.Int64, "affinity": pl.Float64, "campaign": pl.Int64, "day": pl.Int64, "channel": pl.Int64, "campaign_id": pl.String})
    targets = pl.concat(picked).join(campaigns.with_row_index("campaign").with_columns(pl.col("campaign").cast(pl.Int64)).select("campaign", "campaign_id", "channel"), on="campaign")
    opted_out = intervals.with_columns(channel=pl.col("channel").replace_strict({c: i for i, c in enumerate(TOUCH_CHANNELS)}, default=-1))
    blocked = targets.join(opted_out, on=["p", "channel"], how="inner").filter(
        (pl.col("out_day") <= pl.col("day")) & (pl.col("day") < pl.col("back_day"))
        & ((pl.col("m_right") == pl.col("m")) | (pl.col("m_right") < 0) | (pl.col("channel") != 1))
    ).select("campaign", "m").unique()  # fmt: skip
    return targets.join(blocked, on=["campaign", "m"], how="anti").sort("day", "campaign", "m")


def _render_touches(world: World, rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    headers = delivered_headers("campaign_touches")
    if rows.height == 0:
        return daily.empty_frame(headers, "_channel")
    n = rows.height
    persons = world.persons
    ms = world.memberships
    p = rows["p"].to_numpy()
    m = rows["m"].to_numpy()
    channel = rows["channel"].to_numpy()
    day = rows["day"].to_numpy()
    # SMS goes to the number on file (the first one): after a number is recycled, to its new owner.
    on_file = persons["phone_a"].fill_null(persons["phone_b"]).gather(p)
    on_file = mess.phones(on_file, rng, {"plain": 1 - RATES["phone_with_plus86"], "plus86": RATES["phone_with_plus86"]})
    device = persons["device_a"].to_numpy()[p]
    device_id = world.devices["oaid"].fill_null(world.devices["idfa"]).gather(np.maximum(device, 0))
    push_by_device = chance(rng, 0.3, n) & (device >= 0) & device_id.is_not_null().to_numpy()
    id_type = np.select([channel == 0, channel == 1, channel == 3, push_by_device], ["phone", "openid", "email", "device"], "user_id")
    id_value = pl.select(
        pl.when(pl.Series(values=channel == 0)).then(on_file)
        .when(pl.Series(values=channel == 1)).then(ms["oa_openid"].gather(m))
        .when(pl.Series(values=channel == 3)).then(persons["email"].gather(p))
        .when(pl.Series(values=push_by_device)).then(device_id)
        .otherwise(persons["app_user_id"].gather(p))
    ).to_series()  # fmt: skip
    sent = world.window.seconds_of_day(day) + 10 * 3600 + rng.integers(0, 7200, n)
    delivered = chance(rng, DELIVERED[channel], n) & id_value.is_not_null().to_numpy()
    opened = delivered & chance(rng, OPENED[channel], n)
    clicked = np.where(channel == 0, delivered, opened) & chance(rng, CLICKED[channel], n)
    opened_s = sent + rng.exponential(7200, n).astype(np.int64) + 30
    clicked_s = np.where(channel == 0, sent + rng.exponential(3600, n).astype(np.int64) + 20, opened_s + rng.integers(5, 300, n))
    # A seeded campaign sends on many days: the send day keeps touch ids unique.
    sequence = pl.int_range(pl.len()).over("campaign_id", "day") + 1
    touch_id = rows.select(
        pl.concat_str([pl.col("campaign_id"), pl.lit("-"), pl.col("day").cast(pl.String).str.zfill(4), pl.lit("-"),
                       sequence.cast(pl.String).str.zfill(7)])
    ).to_series()
    return pl.DataFrame(
        {
            "touch_id": touch_id,
            "campaign_id": rows["campaign_id"],
            "channel": daily.lookup(list(TOUCH_CHANNELS), channel),
            "id_type": id_type,
            "id_value": id_value,
            "sent_at": timefmt.text(sent),
            "delivered": np.where(delivered, "1", "0"),
            "opened_at": pl.select(pl.when(pl.Series(values=opened)).then(timefmt.text(opened_s))).to_series(),
            "clicked_at": pl.select(pl.when(pl.Series(values=clicked)).then(timefmt.text(clicked_s))).to_series(),
            daily.DAY: rows["day"],
            "_channel": channel,
        }
    ).filter(pl.col("id_value").is_not_null())


def campaign_touches(world: World, intervals: pl.DataFrame) -> Iterator[FileSpec]:
    rng = stream(world.seed, "campaign_touches")
    targets = _touch_targets(world, rng, intervals).rename({"day": "emit_day"}).with_columns(day=pl.col("emit_day"))
    for days, rows in daily.chunks(targets, world.window):
        rendered = _render_touches(world, rows, stream(world.seed, "campaign_touches", days.start))
        for day, frame in daily.by_day(rendered, days):
            for index, channel in enumerate(TOUCH_CHANNELS):
                of_channel = frame.filter(pl.col("_channel") == index).drop("_channel")
                if of_channel.height:
                    name = f"touch_log_{channel}_{daily.date_tag(world.window, day)}.csv"
                    yield FileSpec("campaign_touches", day, name, of_channel)


def campaign_list(world: World) -> pl.DataFrame:
    """The campaign sends of the window (for the ground truth): id, brand, channel, send date."""
    campaigns = _campaigns(world)
    return campaigns.select(
        "campaign_id",
        brand=daily.lookup([b.code for b in BRANDS], campaigns["brand"].to_numpy()),
        channel=daily.lookup(list(TOUCH_CHANNELS), campaigns["channel"].to_numpy()),
        send_date=pl.Series(values=[world.window.date_of(d) for d in campaigns["day"].to_list()], dtype=pl.Date),
    )
