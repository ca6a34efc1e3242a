"""The people of the demo: households, personal attributes and the identifiers they hold.

Everything is one vectorized draw over all persons. Time-varying identifiers
are kept as (old, new, switch day) triples: a person who changes number
(`phone_a` until the day before `phone_switch_day`, then `phone_b`), a person
who replaces their phone (`device_a`, then `device_b`), and recycled numbers:
the carrier re-issues a changer's old number to someone else a few days later.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipeline.demo import codes
from pipeline.demo.calendar import Window
from pipeline.demo.geography import CITY_NAMES, CITY_WEIGHTS
from pipeline.demo.names import full_names, handles, nicknames
from pipeline.demo.randomness import chance, pick, stream

NEVER = 1 << 30  # a switch day that never comes

PHONE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "147", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181", "182",
    "183", "185", "186", "187", "188", "189", "191", "195", "198", "199",
)  # fmt: skip
UNIONID_PREFIX = "oHcQ0"  # every unionid of one open-platform account starts alike
HOUSEHOLD_SIZE_WEIGHTS = np.array([0.45, 0.30, 0.17, 0.08])  # 1..4 people
AGE_BANDS = np.array([18, 23, 28, 33, 38, 43, 48, 55, 62, 70])
AGE_BAND_WEIGHTS = np.array([8, 14, 18, 18, 14, 10, 8, 6, 4])
EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "outlook.com", "gmail.com", "sina.com", "139.com", "foxmail.com")
EMAIL_DOMAIN_WEIGHTS = np.array([40, 22, 8, 7, 5, 6, 5, 7])

RATES = {
    "phone": 0.95,  # people with a mobile number at all
    "phone_change": 0.015,  # of phone holders: change number inside the window
    "recycled_share": 0.4,  # of changed numbers: re-issued to someone who had no number
    "email": 0.35,
    "wechat": 0.82,  # people with WeChat (a unionid in the group's open platform)
    "app": 0.30,  # people with an account in the group's App
    "jd": 0.30,  # people with a JD account
    "android": 0.72,  # of App users
    "oaid": 0.90,  # of Android devices: the OAID is readable
    "imei": 0.25,  # of Android devices: an IMEI is readable (older phones and SDKs)
    "idfa": 0.50,  # of Apple devices: tracking allowed, so the IDFA is real (else all zeros)
    "device_change": 0.12,  # of App users: a new phone inside the window
    "family_device": 0.5,  # of households with two App users or more: a shared tablet
}


@dataclass(frozen=True)
class Population:
    persons: pl.DataFrame  # one row per person; `p` is its row number
    devices: pl.DataFrame  # one row per device; `d` is its row number


def _series(values: np.ndarray) -> pl.Series:
    return pl.Series(values=values)


def _where(mask: np.ndarray, then: pl.Series | pl.Expr, otherwise: pl.Series | pl.Expr | None = None) -> pl.Series:
    expr = pl.when(_series(mask)).then(then)
    return pl.select(expr.otherwise(otherwise) if otherwise is not None else expr).to_series()


def _phone_numbers(rng: np.random.Generator, count: int, seed: int) -> pl.Series:
    prefixes = pl.Series(values=list(PHONE_PREFIXES)).gather(rng.integers(0, len(PHONE_PREFIXES), count))
    suffixes = codes.zero_padded(codes.unique_numbers(count, 10**8, seed + 1), 8)
    phones = pl.select(pl.concat_str([prefixes, suffixes])).to_series()
    # The one placeholder a real prefix can spell: move it to a neighbouring prefix.
    return phones.replace({"13800138000": "13900138000"})


def _households(rng: np.random.Generator, n: int) -> np.ndarray:
    sizes = pick(rng, HOUSEHOLD_SIZE_WEIGHTS, n) + 1
    return np.repeat(np.arange(n, dtype=np.int64), sizes)[:n]


def _birthdays(rng: np.random.Generator, n: int, window: Window) -> pl.Series:
    band = pick(rng, AGE_BAND_WEIGHTS, n)
    span = AGE_BANDS[band + 1] - AGE_BANDS[band]
    age_days = ((AGE_BANDS[band] + rng.random(n) * span) * 365.25).astype(np.int64)
    end = np.datetime64(window.end.isoformat(), "D")
    return _series(end - age_days.astype("timedelta64[D]"))


def _emails(rng: np.random.Generator, n: int, seed: int) -> pl.Series:
    domain_index = pick(rng, EMAIL_DOMAIN_WEIGHTS, n)
    domains = pl.Series(values=list(EMAIL_DOMAINS)).gather(domain_index)
    qq_numbers = _series(codes.unique_numbers(n, 10**9 - 10**6, seed + 11) + 10**6).cast(pl.String)
    handle = handles(rng, n, codes.unique_numbers(n, 10**7, seed + 12))
    local = _where(domain_index == 0, qq_numbers, handle)  # a qq.com address is the QQ number
    return pl.select(pl.concat_str([local, pl.lit("@"), domains])).to_series()


def _taobao_nicks(rng: np.random.Generator, n: int, seed: int) -> pl.Series:
    style = rng.integers(0, 3, n)
    unique = codes.unique_numbers(n, 10**8, seed + 21)
    tb = pl.select(pl.concat_str([pl.lit("tb"), codes.zero_padded(unique, 8)])).to_series()
    latin = handles(rng, n, unique)
    chinese = pl.select(pl.concat_str([nicknames(rng, n), pl.lit("_"), _series(unique).cast(pl.String)])).to_series()
    return pl.select(
        pl.when(_series(style == 0)).then(tb).when(_series(style == 1)).then(latin).otherwise(chinese)
    ).to_series()


def _jd_pins(rng: np.random.Generator, n: int, seed: int) -> pl.Series:
    unique = codes.unique_numbers(n, 10**9, seed + 31)
    hex_style = pl.select(
        pl.concat_str([pl.lit("jd_"), codes.random_tokens(rng, n, 4, codes.HEX_LOWER), codes.fixed_hex(unique, 8)])
    ).to_series()
    return _where(rng.random(n) < 0.7, hex_style, handles(rng, n, unique))


def new_devices(rng: np.random.Generator, is_android: np.ndarray, seed: int, salt: int) -> pl.DataFrame:
    """OAID / IDFA / IMEI of new devices; null where the OS does not expose one."""
    n = len(is_android)
    oaid = _where(rng.random(n) < 0.6, codes.uuid4_strings(rng, n), codes.random_tokens(rng, n, 16, codes.HEX_LOWER))
    imei_body = 86 * 10**12 + rng.integers(100, 1000, n) * 10**9 + codes.unique_numbers(n, 10**9, seed + salt)
    body_digits = codes.fixed_digits(imei_body, 14)
    imei = codes.digit_matrix_to_strings(np.concatenate([body_digits, codes.luhn_check_digits(body_digits)[:, None]], axis=1))
    android = is_android.astype(bool)
    return pl.DataFrame(
        {
            "os": np.where(android, "android", "ios"),
            "oaid": _where(android & chance(rng, RATES["oaid"], n), oaid),
            "idfa": _where(~android & chance(rng, RATES["idfa"], n), codes.uuid4_strings(rng, n, upper=True)),
            "imei": _where(android & chance(rng, RATES["imei"], n), imei),
        },
        schema={"os": pl.String, "oaid": pl.String, "idfa": pl.String, "imei": pl.String},
    )


def _devices(
    rng: np.random.Generator, seed: int, window: Window, household: np.ndarray, has_app: np.ndarray, stores: pl.DataFrame
) -> tuple[pl.DataFrame, dict[str, np.ndarray]]:
    n = len(household)
    users = np.flatnonzero(has_app)
    m = len(users)
    android = chance(rng, RATES["android"], m)

    changes = chance(rng, RATES["device_change"], m) & (window.days >= 2)
    changers = users[changes]
    keeps_os = chance(rng, 0.85, len(changers))
    changer_android = np.where(keeps_os, android[changes], ~android[changes])

    app_users_in_household = np.bincount(household[users], minlength=int(household.max()) + 1)
    family_households = np.flatnonzero(app_users_in_household >= 2)
    family_households = family_households[chance(rng, RATES["family_device"], len(family_households))]
    family_android = chance(rng, 0.6, len(family_households))

    tablets = stores.filter(pl.col("has_tablet"))
    kinds = np.concatenate(
        [
            np.full(m, "personal"),
            np.full(len(changers), "personal"),
            np.full(len(family_households), "family"),
            np.full(tablets.height, "store"),
        ]
    )
    is_android = np.concatenate([android, changer_android, family_android, np.ones(tablets.height, dtype=bool)])
    devices = new_devices(rng, is_android, seed, salt=41)
    is_tablet = _series(kinds == "store")
    # An in-store tablet is a managed Android device whose OAID is always readable.
    devices = devices.with_columns(
        oaid=pl.when(is_tablet).then(codes.uuid4_strings(rng, len(kinds))).otherwise(pl.col("oaid")),
        imei=pl.when(is_tablet).then(pl.lit(None, dtype=pl.String)).otherwise(pl.col("imei")),
    )
    store_of_device = np.full(len(kinds), -1, dtype=np.int64)
    store_of_device[kinds == "store"] = tablets["store"].to_numpy()
    devices = devices.with_columns(
        d=_series(np.arange(len(kinds), dtype=np.int64)),
        kind=_series(kinds).cast(pl.String),
        store=_series(store_of_device),
    ).select("d", "kind", "os", "oaid", "idfa", "imei", "store")

    device_a = np.full(n, -1, dtype=np.int64)
    device_a[users] = np.arange(m)
    device_b = np.full(n, -1, dtype=np.int64)
    device_b[changers] = m + np.arange(len(changers))
    device_switch_day = np.full(n, NEVER, dtype=np.int64)
    device_switch_day[changers] = rng.integers(1, max(window.days, 2), len(changers))
    family_of_household = np.full(int(household.max()) + 1, -1, dtype=np.int64)
    family_of_household[family_households] = m + len(changers) + np.arange(len(family_households))
    family_device = np.where(has_app, family_of_household[household], -1)
    return devices, {
        "device_a": device_a,
        "device_b": device_b,
        "device_switch_day": device_switch_day,
        "family_device": family_device,
    }


def build_population(seed: int, n: int, window: Window, stores: pl.DataFrame) -> Population:
    rng = stream(seed, "people")
    household = _households(rng, n)
    surname, name = full_names(rng, n)
    city_of_household = pick(rng, CITY_WEIGHTS, int(household.max()) + 1)
    engagement = rng.lognormal(0.0, 1.0, n)
    engagement /= engagement.mean()

    numbers = _phone_numbers(rng, 2 * n, seed)  # the first n are people's numbers, the rest new numbers
    has_phone = chance(rng, RATES["phone"], n)
    phone_a = np.where(has_phone, np.arange(n), -1)
    changer = has_phone & chance(rng, RATES["phone_change"], n) & (window.days >= 2)
    phone_b = np.where(changer, n + np.arange(n), -1)
    phone_switch_day = np.where(changer, rng.integers(1, max(window.days, 2), n), NEVER)
    recycled_from = np.full(n, -1, dtype=np.int64)
    without_phone = np.flatnonzero(~has_phone)
    donors = np.flatnonzero(changer & chance(rng, RATES["recycled_share"], n))[: len(without_phone)]
    recipients = rng.choice(without_phone, size=len(donors), replace=False)
    phone_b[recipients] = phone_a[donors]
    phone_switch_day[recipients] = np.minimum(phone_switch_day[donors] + rng.integers(0, 4, len(donors)), window.days - 1)
    recycled_from[recipients] = donors

    has_app = chance(rng, RATES["app"], n)
    devices, device_columns = _devices(rng, seed, window, household, has_app, stores)

    persons = pl.DataFrame(
        {
            "p": np.arange(n, dtype=np.int64),
            "person_id": pl.select(pl.concat_str([pl.lit("P"), codes.zero_padded(np.arange(1, n + 1), 8)])).to_series(),
            "household": household,
            "surname": surname,
            "name": name,
            "gender": np.where(rng.random(n) < 0.55, "F", "M"),
            "birthday": _birthdays(rng, n, window),
            "city": pl.Series(values=list(CITY_NAMES)).gather(city_of_household[household]),
            "engagement": engagement,
            "phone_a": _where(phone_a >= 0, numbers.gather(np.maximum(phone_a, 0))),
            "phone_b": _where(phone_b >= 0, numbers.gather(np.maximum(phone_b, 0))),
            "phone_switch_day": phone_switch_day.astype(np.int64),
            "recycled_from": recycled_from,
            "email": _where(chance(rng, RATES["email"], n), _emails(rng, n, seed)),
            "unionid": _where(
                chance(rng, RATES["wechat"], n), codes.random_tokens(rng, n, 23, codes.BASE64_URL, prefix=UNIONID_PREFIX)
            ),
            "app_user_id": _where(
                has_app, _series(10**9 + codes.unique_numbers(n, 9 * 10**8, seed + 51)).cast(pl.String)
            ),
            "jd_pin": _where(chance(rng, RATES["jd"], n), _jd_pins(rng, n, seed)),
            "taobao_nick": _taobao_nicks(rng, n, seed),
            **device_columns,
        },
        schema_overrides={"gender": pl.String},
    )
    return Population(persons=persons, devices=devices)


def phone_on(persons: pl.DataFrame, p: np.ndarray, day: np.ndarray) -> pl.Series:
    """The number person `p` held on `day` (null if none)."""
    chosen = persons.select("phone_a", "phone_b", "phone_switch_day")[p]
    switched = _series(np.asarray(day) >= chosen["phone_switch_day"].to_numpy())
    return pl.select(pl.when(switched).then(chosen["phone_b"]).otherwise(chosen["phone_a"])).to_series().alias("phone")


def device_on(persons: pl.DataFrame, p: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The personal device person `p` used on `day` (-1 if none)."""
    a = persons["device_a"].to_numpy()[p]
    b = persons["device_b"].to_numpy()[p]
    switch = persons["device_switch_day"].to_numpy()[p]
    return np.where((np.asarray(day) >= switch) & (b >= 0), b, a)
