"""Behaviour events of the group's App, a day at a time.

Sessions come from four places: everyday browsing (each App user opens the
App at a rate that follows their engagement), purchases in the own mall
(view -> add to cart -> purchase), ad clicks that deep-link into the App, and
the in-store tablets of flagship stores, where shoppers log in (or not) on a
device that hundreds of other people use. A session runs on the person's
phone (a new one after a phone change), sometimes on the household's shared
tablet. Client retries re-send some events with the same event_id; offline
clients upload some events a day late.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import polars as pl

from pipeline.demo import codes, daily, json_text, mess, timefmt
from pipeline.demo.brands import BRANDS
from pipeline.demo.calendar import SECONDS_PER_DAY, clock_seconds
from pipeline.demo.catalog import PRODUCT_LINES, price_on
from pipeline.demo.delivery import FileSpec
from pipeline.demo.order_exports import eshop_order_ids
from pipeline.demo.orders import Channel
from pipeline.demo.people import device_on, phone_on
from pipeline.demo.randomness import chance, group_ranks, stream
from pipeline.demo.world import World

EVENTS = ("app_open", "view_item", "search", "favorite", "add_to_cart", "purchase", "live_view", "coupon_claim", "share", "review")
BROWSE_MIX = {"view_item": 0.50, "search": 0.12, "favorite": 0.08, "add_to_cart": 0.10, "live_view": 0.06, "coupon_claim": 0.06, "share": 0.05, "review": 0.03}  # fmt: skip
PURCHASE_SEQUENCE = ("app_open", "view_item", "add_to_cart", "purchase")
AD_SEQUENCE = ("app_open", "view_item")
SDK_VERSIONS = ("3.1.0", "3.2.1", "3.2.4")
EVENTS_PER_PART = 20_000

RATES = {
    "browse_sessions": 0.025,  # sessions per App user per day (scaled by engagement)
    "browse_events": 3.0,  # Poisson mean of events after app_open
    "family_device": 0.3,  # sessions of a family-tablet household run on the tablet
    "logged_out": 0.12,  # sessions without a logged-in user
    "login_phone": 0.05,  # sessions whose app_open carries the phone (SMS login)
    "ad_click_opens_app": 0.5,  # ad clicks by App users that open the App
    "tablet_session": 0.5,  # sales in tablet stores preceded by a tablet session
    "tablet_visit": 0.01,  # daily store visits with a look at the tablet, per member of a tablet store
    "tablet_logged_in": 0.8,  # tablet sessions of App users with their account logged in (to earn points)
    "ios_utc_times": 0.5,  # iOS clients sending UTC `Z` times
    "zero_device_id": 0.7,  # devices without a readable id sending the all-zero id instead of null
    "sdk_version_key": 0.3,  # events with an extra, undocumented `sdk_version` key
    "retry_duplicate": 0.01,  # events re-sent with the same event_id
    "late_upload": 0.02,  # events delivered with the next day's files
    "gzip_part": 0.35,  # parts delivered as .jsonl.gz
}
KEYWORDS = tuple(sorted({line.l2 for line in PRODUCT_LINES})) + tuple(b.name for b in BRANDS) + ("618", "优惠券", "新品", "直播")


class _BrandSkus:
    """A popularity-weighted draw of SKUs per brand."""

    def __init__(self, catalog: pl.DataFrame) -> None:
        ordered = catalog.sort("brand", "k")
        weight = np.maximum(1, np.round(ordered["popularity"].to_numpy() * 2)).astype(np.int64)
        self.k = np.repeat(ordered["k"].to_numpy(), weight)
        sizes = np.bincount(np.repeat(ordered["brand"].to_numpy(), weight), minlength=len(BRANDS))
        self.starts = np.cumsum(sizes) - sizes
        self.sizes = sizes

    def draw(self, rng: np.random.Generator, brand: np.ndarray) -> np.ndarray:
        return self.k[self.starts[brand] + (rng.random(len(brand)) * self.sizes[brand]).astype(np.int64)]


class AppActivity:
    """Turns a day of purchases, ad clicks and browsing into App event files."""

    def __init__(self, world: World) -> None:
        self.world = world
        persons = world.persons
        self.app_users = np.flatnonzero(persons["app_user_id"].is_not_null().to_numpy())
        engagement = persons["engagement"].to_numpy()[self.app_users]
        self.session_rate = RATES["browse_sessions"] * engagement**0.7 / max(float(np.mean(engagement**0.7)), 1e-9) if len(engagement) else engagement
        first = world.memberships.filter(pl.col("rank") == 0).sort("p")
        self.first_brand = np.zeros(persons.height, dtype=np.int64)
        self.first_brand[first["p"].to_numpy()] = first["brand"].to_numpy()
        self.skus = _BrandSkus(world.catalog)
        tablets = world.devices.filter(pl.col("kind") == "store")
        self.tablet_of_store = np.full(world.stores.height, -1, dtype=np.int64)
        self.tablet_of_store[tablets["store"].to_numpy()] = tablets["d"].to_numpy()
        self._tablet_visitors = world.memberships.filter(
            pl.Series(values=self.tablet_of_store[world.memberships["home_store"].to_numpy()] >= 0)
        ).select("p", "brand", store="home_store")
        self._late: pl.DataFrame | None = None
        orders = world.orders
        self._eshop = orders.filter((pl.col("channel") == Channel.ESHOP) & (pl.col("line_no") == 1)).sort("day")
        self._pos = orders.filter((pl.col("channel") == Channel.POS) & (pl.col("quantity") > 0)).sort("day")

    def _of_day(self, frame: pl.DataFrame, day: int) -> pl.DataFrame:
        days = frame["day"].to_numpy()
        lo, hi = np.searchsorted(days, [day, day + 1])
        return frame.slice(int(lo), int(hi - lo))

    def _sessions(self, day: int, clicks: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
        persons = self.world.persons
        has_app = persons["app_user_id"].is_not_null().to_numpy()
        day_start = self.world.window.seconds_of_day(day)

        counts = rng.poisson(self.session_rate)
        browse_p = np.repeat(self.app_users, counts)
        browse = pl.DataFrame(
            {
                "p": browse_p,
                "start_s": day_start + clock_seconds(rng, len(browse_p)),
                "brand": np.where(chance(rng, 0.7, len(browse_p)), self.first_brand[browse_p], rng.integers(0, len(BRANDS), len(browse_p))),
                "kind": np.zeros(len(browse_p), dtype=np.int64),
                "store": np.full(len(browse_p), -1, dtype=np.int64),
                "order": np.full(len(browse_p), -1, dtype=np.int64),
            }
        )
        eshop = self._of_day(self._eshop, day)
        purchases = eshop.select(
            "p",
            start_s=pl.col("created_s") - pl.Series(values=rng.integers(60, 900, eshop.height)),
            brand="brand",
            kind=pl.lit(1, dtype=pl.Int64),
            store=pl.lit(-1, dtype=pl.Int64),
            order="order",
        )
        clicked = clicks.filter(pl.Series(values=has_app[clicks["p"].to_numpy()] & chance(rng, RATES["ad_click_opens_app"], clicks.height)))
        from_ads = clicked.select(
            "p", start_s=pl.col("at_s") + 5, brand="brand", kind=pl.lit(2, dtype=pl.Int64), store=pl.lit(-1, dtype=pl.Int64), order=pl.lit(-1, dtype=pl.Int64)
        )
        pos = self._of_day(self._pos, day)
        at_tablet = self.tablet_of_store[pos["store"].to_numpy()] >= 0
        pos = pos.filter(pl.Series(values=at_tablet & chance(rng, RATES["tablet_session"], pos.height)))
        tablet = pos.select(
            "p",
            start_s=pl.col("created_s") - pl.Series(values=rng.integers(120, 1200, pos.height)),
            brand="brand",
            kind=pl.lit(3, dtype=pl.Int64),
            store="store",
            order=pl.lit(-1, dtype=pl.Int64),
        )
        visitors = self._tablet_visitors
        visits = visitors[rng.integers(0, max(visitors.height, 1), rng.poisson(RATES["tablet_visit"] * visitors.height))]
        visits = visits.select(
            "p",
            start_s=pl.Series(values=day_start + clock_seconds(rng, visits.height)),
            brand="brand",
            kind=pl.lit(3, dtype=pl.Int64),
            store="store",
            order=pl.lit(-1, dtype=pl.Int64),
        )
        sessions = pl.concat([browse, purchases, from_ads, tablet, visits]).filter(
            pl.col("start_s").is_between(day_start, day_start + SECONDS_PER_DAY - 1)
        )
        return self._devices(sessions, day, rng)

    def _devices(self, sessions: pl.DataFrame, day: int, rng: np.random.Generator) -> pl.DataFrame:
        persons = self.world.persons
        n = sessions.height
        p = sessions["p"].to_numpy()
        kind = sessions["kind"].to_numpy()
        own = device_on(persons, p, np.full(n, day))
        family = persons["family_device"].to_numpy()[p]
        device = np.where((family >= 0) & chance(rng, RATES["family_device"], n), family, own)
        store = sessions["store"].to_numpy()
        device = np.where(kind == 3, self.tablet_of_store[np.maximum(store, 0)], device)
        has_app = persons["app_user_id"].is_not_null().to_numpy()[p]
        logged_in = np.where(kind == 3, has_app & chance(rng, RATES["tablet_logged_in"], n), ~chance(rng, RATES["logged_out"], n))
        return sessions.with_columns(device=pl.Series(values=device), logged_in=pl.Series(values=logged_in)).filter(
            pl.col("device") >= 0
        )

    def _events(self, sessions: pl.DataFrame, day: int, rng: np.random.Generator) -> pl.DataFrame:
        kind = sessions["kind"].to_numpy()
        n = sessions.height
        counts = np.select(
            [kind == 1, kind == 2, kind == 3],
            [len(PURCHASE_SEQUENCE), len(AD_SEQUENCE), 2 + rng.poisson(1.5, n)],
            1 + rng.poisson(RATES["browse_events"], n),
        )
        s = np.repeat(np.arange(n), counts)
        rank = group_ranks(counts)
        session_kind = kind[s]
        browse_names = list(BROWSE_MIX)
        weights = np.array(list(BROWSE_MIX.values()))
        browsed = np.array([EVENTS.index(name) for name in browse_names])[rng.choice(len(weights), size=len(s), p=weights / weights.sum())]
        purchase_step = np.array([EVENTS.index(e) for e in PURCHASE_SEQUENCE])[np.minimum(rank, len(PURCHASE_SEQUENCE) - 1)]
        ad_step = np.array([EVENTS.index(e) for e in AD_SEQUENCE])[np.minimum(rank, len(AD_SEQUENCE) - 1)]
        tablet_step = np.where(rank == 0, 0, EVENTS.index("view_item"))
        event = np.select([rank == 0, session_kind == 1, session_kind == 2, session_kind == 3], [0, purchase_step, ad_step, tablet_step], browsed)

        gaps = np.where(rank == 0, 0, rng.integers(4, 120, len(s)))
        elapsed = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[np.cumsum(counts) - counts] if n else np.zeros(0, dtype=np.int64), counts)
        at_s = sessions["start_s"].to_numpy()[s] + elapsed
        brand = sessions["brand"].to_numpy()[s]
        order = sessions["order"].to_numpy()[s]
        order_k = np.full(len(s), -1, dtype=np.int64)
        order_price = np.zeros(len(s), dtype=np.int64)
        order_created = np.zeros(len(s), dtype=np.int64)
        bought = order >= 0
        if bought.any():
            matched = pl.DataFrame({"order": order[bought]}).join(
                self._eshop.select("order", "k", "paid_cents", "quantity", "created_s"), on="order", how="left", maintain_order="left"
            )
            order_k[bought] = matched["k"].to_numpy()
            order_price[bought] = matched["paid_cents"].to_numpy() // np.maximum(matched["quantity"].to_numpy(), 1)
            order_created[bought] = matched["created_s"].to_numpy()
        k = np.where(bought, order_k, self.skus.draw(rng, brand))
        list_price = price_on(self.world.catalog, k, np.full(len(s), day))
        price = np.where((event == EVENTS.index("purchase")) & bought, order_price, list_price)
        return pl.DataFrame(
            {
                "s": s,
                "p": sessions["p"].to_numpy()[s],
                "device": sessions["device"].to_numpy()[s],
                "logged_in": sessions["logged_in"].to_numpy()[s],
                "event": event,
                "rank": rank,
                "at_s": at_s,
                "brand": brand,
                "k": k,
                "price_cents": price,
                "order": order,
                "order_created_s": order_created,
            }
        )

    def _render(self, events: pl.DataFrame, day: int, rng: np.random.Generator) -> pl.DataFrame:
        world = self.world
        n = events.height
        persons = world.persons
        p = events["p"].to_numpy()
        event = events["event"].to_numpy()
        devices = world.devices[events["device"].to_numpy()]
        ios = (devices["os"] == "ios").to_numpy()
        at_s = events["at_s"].to_numpy()
        utc = ios & chance(rng, RATES["ios_utc_times"], n)
        # Only SMS logins carry the phone and only purchases an order id: render those few values alone.
        with_phone = np.flatnonzero((event == 0) & chance(rng, RATES["login_phone"], n) & events["logged_in"].to_numpy())
        phone = mess.phones(phone_on(persons, p[with_phone], np.full(len(with_phone), day)), rng, {"plain": 0.7, "plus86": 0.3})
        order = events["order"].to_numpy()
        with_order = np.flatnonzero((event == EVENTS.index("purchase")) & (order >= 0))
        order_id = eshop_order_ids(pl.Series(values=order[with_order]), events["order_created_s"].gather(with_order))
        raw = pl.DataFrame(
            {
                "event_code": event,
                "ios": ios,
                "zero_for_missing": chance(rng, RATES["zero_device_id"], n),
                "logged_in": events["logged_in"].to_numpy(),
                "phone_text": _scattered(n, with_phone, phone),
                "user": persons["app_user_id"].gather(p),
                "oaid_raw": devices["oaid"],
                "idfa_raw": devices["idfa"],
                "imei": devices["imei"],
                "os": devices["os"],
                "utc": utc,
                "time_text": timefmt.iso_local_or_utc(at_s, rng.integers(0, 1000, n), utc),
                "brand_text": daily.lookup([b.code for b in BRANDS], events["brand"].to_numpy()),
                "sku_text": world.catalog["sku"].gather(events["k"].to_numpy()),
                "price_text": timefmt.yuan(events["price_cents"]),
                "keyword_text": daily.lookup(list(KEYWORDS), rng.integers(0, len(KEYWORDS), n)),
                "live_number": rng.integers(1, 4, n),
                "coupon_number": rng.integers(1000, 1100, n),
                "rating_value": rng.choice([5, 5, 5, 4, 4, 3, 1], n),
                "order_text": _scattered(n, with_order, order_id),
                "sdk_text": daily.lookup(list(SDK_VERSIONS), rng.integers(0, len(SDK_VERSIONS), n)),
                "with_sdk": chance(rng, RATES["sdk_version_key"], n),
                "_at": at_s,
            }
        )
        c = pl.col

        def is_(*names: str) -> pl.Expr:
            return c("event_code").is_in([EVENTS.index(name) for name in names])

        live_prefix = f"L{world.window.date_of(day):%Y%m%d}"
        return raw.select(
            event_id=codes.uuid4_strings(rng, n),
            event_time=c("time_text"),
            event=daily.lookup(list(EVENTS), event),
            user_id=pl.when(c("logged_in")).then(c("user")),
            phone=c("phone_text"),
            # Devices that hide their id often send the all-zero id instead of nothing.
            oaid=pl.when(c("oaid_raw").is_null() & ~c("ios") & c("zero_for_missing")).then(pl.lit(mess.ZERO_DEVICE_ID)).otherwise(c("oaid_raw")),
            idfa=pl.when(c("idfa_raw").is_null() & c("ios") & c("zero_for_missing")).then(pl.lit(mess.ZERO_DEVICE_ID)).otherwise(c("idfa_raw")),
            imei=c("imei"),
            os=c("os"),
            brand=c("brand_text"),
            sku=pl.when(is_("view_item", "favorite", "add_to_cart", "purchase", "share", "review")).then(c("sku_text")),
            price=pl.when(is_("view_item", "add_to_cart", "purchase")).then(c("price_text")),
            keyword=pl.when(is_("search")).then(c("keyword_text")),
            live_id=pl.when(is_("live_view")).then(pl.concat_str([pl.lit(live_prefix), c("live_number").cast(pl.String)])),
            coupon_id=pl.when(is_("coupon_claim")).then(pl.concat_str([pl.lit("CP"), c("coupon_number").cast(pl.String)])),
            rating=pl.when(is_("review")).then(c("rating_value").cast(pl.String)),
            order_id=c("order_text"),
            sdk_version=pl.when(c("with_sdk")).then(c("sdk_text")),
            _at=c("_at"),
        )

    def _with_retries_and_late(self, frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
        retried = frame.filter(pl.Series(values=chance(rng, RATES["retry_duplicate"], frame.height)))
        retried = retried.with_columns(pl.col("_at") + pl.Series(values=rng.integers(1, 600, retried.height)))
        both = pl.concat([frame, retried]).sort("_at", maintain_order=True)
        late = pl.Series(values=chance(rng, RATES["late_upload"], both.height))
        carried = self._late
        self._late = both.filter(late)
        on_time = both.filter(~late)
        return on_time if carried is None else pl.concat([carried, on_time])

    def files(self, day: int, clicks: pl.DataFrame) -> Iterator[FileSpec]:
        rng = stream(self.world.seed, "app_events", day)
        sessions = self._sessions(day, clicks, rng)
        rendered = self._render(self._events(sessions, day, rng), day, rng)
        frame = self._with_retries_and_late(rendered, rng).drop("_at")
        parts = max(1, -(-frame.height // EVENTS_PER_PART))
        size = -(-frame.height // parts) if frame.height else 0
        for part in range(parts):
            chunk = frame.slice(part * size, size) if size else frame
            gzipped = bool(rng.random() < RATES["gzip_part"])
            name = f"events_{daily.date_tag(self.world.window, day)}_{part + 1:02d}.jsonl" + (".gz" if gzipped else "")
            yield FileSpec("app_events", day, name, chunk, json_lines=event_lines, gzipped=gzipped)


def _scattered(n: int, rows: np.ndarray, values: pl.Series) -> pl.Series:
    """A column of `n` nulls with `values` at `rows`."""
    nulls = pl.repeat(None, n, dtype=pl.String, eager=True)
    return nulls.scatter(rows, values) if len(rows) else nulls


def event_lines(frame: pl.DataFrame) -> pl.Series:
    """One JSON object per event. The generator's own values hold no quotes, so nothing needs escaping."""
    j = json_text
    c = pl.col

    def text(name: str) -> pl.Expr:
        return j.string(c(name), escape=False)

    device = j.obj([("oaid", text("oaid")), ("idfa", text("idfa")), ("imei", text("imei")), ("os", text("os"))])
    properties = j.sparse_obj(
        [
            ("sku", j.quoted(c("sku"), escape=False)),
            ("price", j.bare(c("price"))),
            ("keyword", j.quoted(c("keyword"), escape=False)),
            ("live_id", j.quoted(c("live_id"), escape=False)),
            ("coupon_id", j.quoted(c("coupon_id"), escape=False)),
            ("rating", j.bare(c("rating"))),
            ("order_id", j.quoted(c("order_id"), escape=False)),
        ]
    )
    sdk = pl.concat_str([pl.lit(',"sdk_version":"'), c("sdk_version"), pl.lit('"')]).fill_null("")
    line = pl.concat_str(
        [
            pl.lit('{"event_id":'), text("event_id"),
            pl.lit(',"event_time":'), text("event_time"),
            pl.lit(',"event":'), text("event"),
            pl.lit(',"user_id":'), text("user_id"),
            pl.lit(',"phone":'), text("phone"),
            pl.lit(',"device":'), device,
            pl.lit(',"brand":'), text("brand"),
            pl.lit(',"properties":'), properties,
            sdk,
            pl.lit("}"),
        ]
    )  # fmt: skip
    return frame.select(line.alias("line")).to_series()
