"""The ground truth of a generated inbox: who everyone really is (home/truth, never read by the pipeline).

- `persons.parquet`: one row per person (attributes, brands and programmes).
- `identifiers.parquet`: every identifier a person holds, normalized
  (person_id, id_type, namespace, value, valid_from, valid_to); open-ended
  dates are null. Phones are 11 digits, emails lower case, IDFAs upper case,
  OAIDs as the device reports them, IMEIs digits.
- `shared_devices.parquet`: family tablets (several people) and in-store
  tablets (hundreds of shoppers; no owner).
- `order_lines.parquet`: which person placed each delivered order line.
- `campaigns.parquet`: the campaign sends of the window (id, brand, channel, send date).

id_type / namespace: phone / global, email / global, tmall_ouid / brand code
(one shop per brand), jd_pin / jd, wechat_openid / appid (each brand's
mini-program and official account), wechat_unionid / wechat_open_platform,
app_user_id / app, oaid | idfa | imei / device, crm_member_id / brand code.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from pipeline.demo.brands import BRANDS
from pipeline.demo.orders import Channel
from pipeline.demo.order_exports import eshop_order_ids, jd_order_ids, pos_receipts, tmall_order_ids
from pipeline.demo.people import NEVER
from pipeline.demo.world import World

IDENTIFIER_SCHEMA = {
    "person_id": pl.String,
    "id_type": pl.String,
    "namespace": pl.String,
    "value": pl.String,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
}


def _dates(world: World, days: pl.Series | np.ndarray, valid: pl.Series | np.ndarray) -> pl.Series:
    """Window day indexes as dates; null where not `valid`."""
    values = np.asarray(days, dtype=np.int64)
    start = np.datetime64(world.window.start.isoformat(), "D")
    dates = pl.Series(values=start + np.clip(values, -(1 << 20), 1 << 20).astype("timedelta64[D]"))
    return pl.select(pl.when(pl.Series(values=np.asarray(valid, dtype=bool))).then(dates)).to_series()


def _rows(person_id: pl.Series, id_type: str, namespace: pl.Series | str, value: pl.Series, valid_from: pl.Series | None = None, valid_to: pl.Series | None = None) -> pl.DataFrame:
    n = len(person_id)
    frame = pl.DataFrame(
        {
            "person_id": person_id,
            "id_type": pl.Series(values=[id_type] * n, dtype=pl.String),
            "namespace": namespace if isinstance(namespace, pl.Series) else pl.Series(values=[namespace] * n, dtype=pl.String),
            "value": value,
            "valid_from": valid_from if valid_from is not None else pl.Series(values=[None] * n, dtype=pl.Date),
            "valid_to": valid_to if valid_to is not None else pl.Series(values=[None] * n, dtype=pl.Date),
        },
        schema=IDENTIFIER_SCHEMA,
    )
    return frame.filter(pl.col("value").is_not_null())


def _device_rows(world: World, person_id: pl.Series, device: np.ndarray, valid_from: pl.Series, valid_to: pl.Series) -> list[pl.DataFrame]:
    has = device >= 0
    devices = world.devices[device[has]]
    frames = []
    for id_type in ("oaid", "idfa", "imei"):
        frames.append(_rows(person_id.filter(pl.Series(values=has)), id_type, "device", devices[id_type], valid_from.filter(pl.Series(values=has)), valid_to.filter(pl.Series(values=has))))
    return frames


def identifiers(world: World) -> pl.DataFrame:
    persons = world.persons
    pid = persons["person_id"]
    switch = persons["phone_switch_day"].to_numpy()
    switches = switch < NEVER
    frames = [
        _rows(pid, "phone", "global", persons["phone_a"], valid_to=_dates(world, switch - 1, switches)),
        _rows(pid, "phone", "global", persons["phone_b"], valid_from=_dates(world, switch, switches)),
        _rows(pid, "email", "global", persons["email"].str.to_lowercase()),
        _rows(pid, "wechat_unionid", "wechat_open_platform", persons["unionid"]),
        _rows(pid, "app_user_id", "app", persons["app_user_id"]),
        _rows(pid, "jd_pin", "jd", persons["jd_pin"]),
    ]
    device_switch = persons["device_switch_day"].to_numpy()
    device_b = persons["device_b"].to_numpy()
    changed = (device_b >= 0) & (device_switch < NEVER)
    no_date = pl.Series(values=[None] * persons.height, dtype=pl.Date)
    frames += _device_rows(world, pid, persons["device_a"].to_numpy(), no_date, _dates(world, device_switch - 1, changed))
    frames += _device_rows(world, pid, device_b, _dates(world, device_switch, changed), no_date)
    frames += _device_rows(world, pid, persons["family_device"].to_numpy(), no_date, no_date)

    ms = world.memberships
    mpid = pid.gather(ms["p"].to_numpy())
    brand = ms["brand"].to_numpy()
    codes = pl.Series(values=[b.code for b in BRANDS]).gather(brand)
    days = world.window.days
    frames += [
        _rows(mpid, "tmall_ouid", codes, ms["ouid"]),
        _rows(mpid, "wechat_openid", pl.Series(values=[b.miniapp_appid for b in BRANDS]).gather(brand), ms["miniapp_openid"],
              _dates(world, ms["miniapp_created_day"], ms["miniapp_created_day"].to_numpy() >= 0)),
        _rows(mpid, "wechat_openid", pl.Series(values=[b.oa_appid for b in BRANDS]).gather(brand), ms["oa_openid"],
              _dates(world, ms["oa_subscribed_day"], ms["oa_subscribed_day"].to_numpy() >= 0)),
        _rows(mpid, "crm_member_id", codes, ms["crm_member_id"], _dates(world, ms["crm_joined_day"], np.ones(ms.height, dtype=bool))),
        _rows(mpid, "crm_member_id", codes,
              pl.select(pl.when(ms["crm_duplicate_joined_day"] < days).then(ms["crm_duplicate_id"])).to_series(),
              _dates(world, ms["crm_duplicate_joined_day"], np.ones(ms.height, dtype=bool))),
    ]  # fmt: skip
    return pl.concat(frames).sort("person_id", "id_type", "namespace", "value")


def persons_table(world: World) -> pl.DataFrame:
    persons = world.persons
    ms = world.memberships.with_columns(brand_code=pl.col("brand").replace_strict(dict(enumerate(b.code for b in BRANDS)), return_dtype=pl.String))
    brands = ms.sort("p", "rank").group_by("p", maintain_order=True).agg(
        brands=pl.col("brand_code"),
        crm_brands=pl.col("brand_code").filter(pl.col("crm_member_id").is_not_null()),
        tmall_brands=pl.col("brand_code").filter(pl.col("ouid").is_not_null()),
    )
    recycled_from = persons["recycled_from"].to_numpy()
    table = persons.select(
        "p",
        "person_id",
        "name",
        "gender",
        "birthday",
        "city",
        household_id=pl.concat_str([pl.lit("H"), pl.col("household").cast(pl.String).str.zfill(8)]),
        engagement=pl.col("engagement").round(4),
        has_app=pl.col("app_user_id").is_not_null(),
        has_wechat=pl.col("unionid").is_not_null(),
        has_jd=pl.col("jd_pin").is_not_null(),
        phone_recycled_from=pl.when(pl.Series(values=recycled_from >= 0)).then(persons["person_id"].gather(np.maximum(recycled_from, 0))),
    )
    return table.join(brands, on="p", how="left").sort("p").drop("p")


def shared_devices(world: World) -> pl.DataFrame:
    devices = world.devices.filter(pl.col("kind") != "personal")
    users = world.persons.filter(pl.col("family_device") >= 0).group_by("family_device").agg(users=pl.len().cast(pl.Int64))
    table = devices.join(users, left_on="d", right_on="family_device", how="left").with_columns(
        store_code=pl.when(pl.col("store") >= 0).then(world.stores["store_code"].gather(devices["store"].clip(0).to_numpy()))
    )
    long = table.unpivot(index=["d", "kind", "os", "store_code", "users"], on=["oaid", "idfa", "imei"], variable_name="id_type", value_name="value")
    return long.filter(pl.col("value").is_not_null()).sort("d", "id_type").select("id_type", "value", sharing="kind", store_code="store_code", household_users="users")


def order_lines(world: World) -> pl.DataFrame:
    orders = world.orders
    pid = world.persons["person_id"]
    frames = []
    for channel, source in ((Channel.TMALL, "tmall_orders"), (Channel.JD, "jd_orders"), (Channel.ESHOP, "eshop_orders"), (Channel.POS, "pos_sales")):
        lines = orders.filter(pl.col("channel") == channel)
        sku = world.catalog["sku"].gather(lines["k"].to_numpy())
        if channel == Channel.TMALL:
            order_id, line_key = tmall_order_ids(lines["order"], lines["p"], lines["line_no"])
        elif channel == Channel.JD:
            order_id, line_key = jd_order_ids(lines["order"], lines["p"]), sku
        elif channel == Channel.ESHOP:
            order_id, line_key = eshop_order_ids(lines["order"], lines["created_s"]), lines["line_no"].cast(pl.String)
        else:
            order_id, line_key = pos_receipts(lines["order"], lines["store"], lines["created_s"]), sku
        frame = pl.DataFrame(
            {
                "order_id": order_id,
                "line_key": line_key,
                "person_id": pid.gather(lines["p"].to_numpy()),
                "brand": pl.Series(values=[b.code for b in BRANDS], dtype=pl.String).gather(lines["brand"].to_numpy()),
            }
        )
        frames.append(frame.select(pl.lit(source, dtype=pl.String).alias("source"), pl.all().cast(pl.String)))
    return pl.concat(frames)


def write_truth(world: World, folder: Path, campaigns: pl.DataFrame) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    persons_table(world).write_parquet(folder / "persons.parquet")
    identifiers(world).write_parquet(folder / "identifiers.parquet")
    shared_devices(world).write_parquet(folder / "shared_devices.parquet")
    order_lines(world).write_parquet(folder / "order_lines.parquet")
    campaigns.write_parquet(folder / "campaigns.parquet")
