"""The mess of real channel exports, applied to whole columns at once.

Each function takes clean values and returns them as some share of real
exports would show them: phones in every format people and systems type
(`+86 138 1234 5678`, full-width digits, Excel's `1.38123E+10`), masked
phones, nicks and names, junk placeholders in identifier fields, Excel's
`="…"` escaping, impossible birthdays. The rates live with the sources that
use them (see the package docstring for the full table).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import polars as pl


PHONE_JUNK = ("00000000000", "13800138000", "11111111111", "null", "NULL", "-", "无", "0")
EMAIL_JUNK = ("test@test.com", "null", "NULL", "-", "无", "0")
ID_JUNK = ("null", "NULL", "-", "0", "无")
ZERO_DEVICE_ID = "00000000-0000-0000-0000-000000000000"
IMPOSSIBLE_BIRTHDAYS = ("1990-02-30", "19870231", "2099-01-01", "0000-00-00", "1900-13-01", "19851340")
FULL_WIDTH_DIGITS = [chr(0xFF10 + i) for i in range(10)]
ASCII_DIGITS = [str(i) for i in range(10)]

Style = Callable[[pl.Expr], pl.Expr]


def _phone_parts(s: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    return s.str.slice(0, 3), s.str.slice(3, 4), s.str.slice(7, 4)


def _joined(s: pl.Expr, head: str, sep: str) -> pl.Expr:
    a, b, c = _phone_parts(s)
    return pl.concat_str([pl.lit(head), a, pl.lit(sep), b, pl.lit(sep), c])


def scientific(s: pl.Expr) -> pl.Expr:
    """What Excel's General format shows for an 11-digit number: `1.38123E+10`."""
    mantissa = (s.cast(pl.Int64) / 100_000).round(0).cast(pl.Int64).cast(pl.String)
    tail = mantissa.str.slice(1).str.strip_chars_end("0")
    dot = pl.when(tail.str.len_chars() > 0).then(pl.lit(".")).otherwise(pl.lit(""))
    return pl.concat_str([mantissa.str.slice(0, 1), dot, tail, pl.lit("E+10")])


def masked_phone(s: pl.Expr) -> pl.Expr:
    a, _, c = _phone_parts(s)
    return pl.concat_str([a, pl.lit("****"), c])


PHONE_STYLES: dict[str, Style] = {
    "plain": lambda s: s,
    "plus86": lambda s: pl.concat_str([pl.lit("+86"), s]),
    "plus86_spaced": lambda s: _joined(s, "+86 ", " "),
    "0086_dashed": lambda s: _joined(s, "0086-", "-"),
    "86_dash": lambda s: pl.concat_str([pl.lit("86-"), s]),
    "dashed": lambda s: _joined(s, "", "-"),
    "spaced": lambda s: _joined(s, "", " "),
    "full_width": lambda s: s.str.replace_many(ASCII_DIGITS, FULL_WIDTH_DIGITS),
    "scientific": scientific,
    "masked": masked_phone,
}


def _uniform(rng: np.random.Generator, n: int, u: np.ndarray | None) -> np.ndarray:
    return rng.random(n) if u is None else u


def styled(
    values: pl.Series, rng: np.random.Generator, mix: dict[str, float], styles: dict[str, Style], u: np.ndarray | None = None
) -> pl.Series:
    """Each value rendered in a style drawn from `mix` (style name -> weight). Nulls stay null.

    `u` (uniform draws, one per value) fixes the choice, e.g. per record across its re-exports.
    """
    names = list(mix)
    weights = np.array(list(mix.values()), dtype=np.float64)
    cumulative = np.cumsum(weights) / weights.sum()
    drawn = np.minimum(np.searchsorted(cumulative, _uniform(rng, len(values), u), side="right"), len(names) - 1)
    chosen = pl.Series(values=drawn.astype(np.int64))
    value = pl.col("v")
    expr: pl.Expr | pl.When | pl.Then | None = None
    for index, name in enumerate(names):
        condition = pl.col("style") == index
        expr = pl.when(condition).then(styles[name](value)) if expr is None else expr.when(condition).then(styles[name](value))
    frame = pl.DataFrame({"v": values.cast(pl.String), "style": chosen})
    return frame.select(expr.otherwise(value).alias(values.name)).to_series()  # type: ignore[union-attr]


def phones(values: pl.Series, rng: np.random.Generator, mix: dict[str, float], u: np.ndarray | None = None) -> pl.Series:
    return styled(values, rng, mix, PHONE_STYLES, u)


def with_junk(
    values: pl.Series,
    rng: np.random.Generator,
    rate: float,
    junk: tuple[str, ...],
    only_present: bool = False,
    u: np.ndarray | None = None,
) -> pl.Series:
    """Replace a share `rate` of the values (of the non-null ones if `only_present`) by placeholders."""
    n = len(values)
    hit = _uniform(rng, n, u) < rate
    if only_present:
        hit &= values.is_not_null().to_numpy()
    placeholder = pl.Series(values=list(junk)).gather(rng.integers(0, len(junk), n))
    return pl.select(pl.when(pl.Series(values=hit)).then(placeholder).otherwise(values.cast(pl.String)).alias(values.name)).to_series()


def masked_nick(values: pl.Series) -> pl.Series:
    """`t**1`: first and last character kept, as Taobao shows nicks to merchants."""
    s = pl.col("v")
    return pl.DataFrame({"v": values}).select(
        pl.concat_str([s.str.slice(0, 1), pl.lit("**"), s.str.slice(-1, 1)]).alias(values.name)
    ).to_series()


def masked_name(values: pl.Series, surname: pl.Series) -> pl.Series:
    """`张*` or `张**`: the surname and one star per hidden character."""
    frame = pl.DataFrame({"v": values, "surname": surname})
    hidden = pl.col("v").str.len_chars() - pl.col("surname").str.len_chars()
    stars = pl.lit("***").str.slice(0, hidden.clip(1, 3))
    return frame.select(pl.concat_str([pl.col("surname"), stars]).alias(values.name)).to_series()


def sometimes(
    values: pl.Series,
    rng: np.random.Generator,
    rate: float,
    transform: Callable[[pl.Series], pl.Series],
    u: np.ndarray | None = None,
) -> pl.Series:
    """`transform` applied to a share `rate` of the values."""
    hit = pl.Series(values=_uniform(rng, len(values), u) < rate)
    return pl.select(pl.when(hit).then(transform(values)).otherwise(values).alias(values.name)).to_series()


def excel_escaped(values: pl.Series) -> pl.Series:
    """`="2026112212345678"`: how Excel users keep long numbers from turning into 2.02611E+15."""
    return pl.select(pl.concat_str([pl.lit('="'), values, pl.lit('"')]).alias(values.name)).to_series()


def blank(values: pl.Series, rng: np.random.Generator, rate: float, u: np.ndarray | None = None) -> pl.Series:
    """Drop a share `rate` of the values (empty in the export)."""
    hit = pl.Series(values=_uniform(rng, len(values), u) < rate)
    return pl.select(pl.when(~hit).then(values).alias(values.name)).to_series()
