"""Shop assistants' tags (source 14, `guide_tags`): after some store sales the
guide who served the customer records what they learned (skin type, household
size, preferred contact time, ...) in the guide app, from the brand's manual-tag
catalog (seeds/guides/manual_tag_catalog.csv).

The customer is named by the member card shown at the till, else by the phone
given. The mess the contract names: values spelled with spaces, in full width
or by their Chinese label; tag codes and values the catalog does not hold; an
event id re-sent the next day; clears; a guide at another brand's counter
tagging the customer by phone. Most days come as CSV, every seventh
as JSON Lines.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

from pipeline.dbt_runner import project_dir
from pipeline.demo import daily, json_text, timefmt
from pipeline.demo.brands import BRANDS
from pipeline.demo.delivery import FileSpec
from pipeline.demo.orders import Channel
from pipeline.demo.order_exports import member_cards, phones_when_placed
from pipeline.demo.randomness import chance, stream
from pipeline.demo.world import World, delivered_headers

RATES = {
    "tagged_sale": 0.25,  # a store sale after which the guide records a tag
    "clear": 0.05,
    "label_spelling": 0.05,  # the value's Chinese label instead of its code
    "messy_spelling": 0.03,  # full-width letters or stray spaces
    "unknown_tag": 0.01,
    "unknown_value": 0.01,
    "resent": 0.02,  # the same event id again in the next day's file
    "other_brand": 0.02,  # a guide of another brand's counter tags the customer by phone: quarantined
}
JSONL_EVERY_DAYS = 7


def catalog() -> pl.DataFrame:
    return pl.read_csv(project_dir() / "seeds" / "guides" / "manual_tag_catalog.csv", infer_schema_length=0)


def _events(world: World, rng: np.random.Generator) -> pl.DataFrame:
    sales = (
        world.orders.filter(pl.col("channel") == Channel.POS)
        .unique(subset=["order"], keep="first", maintain_order=True)
        .with_columns(emit_day=(pl.col("created_s") - world.window.start_seconds) // 86_400)
    )
    sales = sales.filter(pl.Series(values=chance(rng, RATES["tagged_sale"], sales.height)))
    card = member_cards(world, sales, rng)
    phone = phones_when_placed(world, sales, "p")
    return sales.with_columns(card=card, phone=phone).filter(
        pl.col("card").is_not_null() | pl.col("phone").is_not_null()
    )


def _render(world: World, sales: pl.DataFrame, tags: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    n = sales.height
    if n == 0:
        return daily.empty_frame(delivered_headers("guide_tags"))
    codes = [b.code for b in BRANDS]
    brand_index = sales["brand"].to_numpy()
    uses_card = sales["card"].is_not_null()
    # A member card is the brand's own; a phone can be typed in at any counter.
    other_brand = chance(rng, RATES["other_brand"], n) & ~uses_card.to_numpy()
    brand = daily.lookup(codes, np.where(other_brand, (brand_index + 1) % len(codes), brand_index))
    # One catalog row per event: a tag of the brand and one of its values.
    pick = rng.random(n)
    rows = []
    for i, code in enumerate(brand.to_list()):
        choices = tags.filter(pl.col("brand") == code)
        rows.append(choices.row(int(pick[i] * choices.height), named=True))
    chosen = pl.DataFrame(rows)
    value = chosen["tag_value"]
    value = pl.select(
        pl.when(pl.Series(values=chance(rng, RATES["label_spelling"], n))).then(chosen["value_label_zh"]).otherwise(value)
    ).to_series()
    messy = pl.Series(values=chance(rng, RATES["messy_spelling"], n))
    value = pl.select(
        pl.when(messy).then(pl.concat_str([pl.lit(" "), value.str.to_uppercase(), pl.lit(" ")])).otherwise(value)
    ).to_series()
    value = pl.select(
        pl.when(pl.Series(values=chance(rng, RATES["unknown_value"], n))).then(pl.lit("其他")).otherwise(value)
    ).to_series()
    tag_code = pl.select(
        pl.when(pl.Series(values=chance(rng, RATES["unknown_tag"], n))).then(pl.lit("hobby")).otherwise(chosen["tag_code"])
    ).to_series()
    clear = chance(rng, RATES["clear"], n)
    store = sales["store"].to_numpy()
    tagged_s = sales["created_s"].to_numpy() + rng.integers(60, 1800, n)  # after the sale
    return pl.DataFrame(
        {
            "tag_event_id": pl.select(pl.concat_str([pl.lit("GT"), sales["order"].cast(pl.String).str.zfill(10)])).to_series(),
            "brand": brand,
            "store_code": world.stores["store_code"].gather(store),
            "guide_id": pl.select(
                pl.concat_str([pl.lit("E"), pl.Series(values=store * 10 + rng.integers(0, 6, n)).cast(pl.String).str.zfill(5)])
            ).to_series(),
            "id_type": pl.select(pl.when(uses_card).then(pl.lit("member_id")).otherwise(pl.lit("phone"))).to_series(),
            "id_value": pl.select(pl.when(uses_card).then(sales["card"]).otherwise(sales["phone"])).to_series(),
            "appid": pl.Series(values=[None] * n, dtype=pl.String),
            "tag_code": tag_code,
            "tag_value": pl.select(pl.when(pl.Series(values=clear)).then(None).otherwise(value)).to_series(),
            "action": pl.Series(values=np.where(clear, "clear", "set")),
            "tagged_at": timefmt.iso_cst(tagged_s),
            "_day": sales["emit_day"],
        }
    ).select(*delivered_headers("guide_tags"), "_day")


def _resent(rendered: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Some events again in the next day's file: the same id must count once."""
    again = rendered.filter(pl.Series(values=chance(rng, RATES["resent"], rendered.height)))
    return pl.concat([rendered, again.with_columns(pl.col("_day") + 1)])


def _lines(frame: pl.DataFrame) -> pl.Series:
    j = json_text
    return frame.select(
        j.obj([(header, j.string(pl.col(header))) for header in delivered_headers("guide_tags")])
    ).to_series()


def guide_tags(world: World) -> Iterator[FileSpec]:
    tags = catalog()
    events = _events(world, stream(world.seed, "guide_tags", "events"))
    for days, rows in daily.chunks(events, world.window):
        rng = stream(world.seed, "guide_tags", days.start)
        rendered = _resent(_render(world, rows, tags, rng), rng).filter(pl.col("_day") < world.window.days)
        for day, frame in daily.by_day(rendered, days):
            stem = f"guide_tags_{daily.date_tag(world.window, day)}"
            if day % JSONL_EVERY_DAYS == 0:
                yield FileSpec("guide_tags", day, f"{stem}.jsonl", frame, json_lines=_lines)
            else:
                yield FileSpec("guide_tags", day, f"{stem}.csv", frame)
