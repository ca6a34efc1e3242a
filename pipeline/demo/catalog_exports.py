"""The product system's daily full snapshot of the catalog (some days it sends nothing)."""

from __future__ import annotations

from typing import Iterator

import polars as pl

from pipeline.demo import daily, timefmt
from pipeline.demo.brands import BRANDS
from pipeline.demo.catalog import snapshot
from pipeline.demo.delivery import FileSpec
from pipeline.demo.randomness import stream
from pipeline.demo.world import World, delivered_headers

SKIPPED_DAY_RATE = 0.08  # days without a snapshot (never the first day)


def products(world: World) -> Iterator[FileSpec]:
    rng = stream(world.seed, "products")
    skipped = rng.random(world.window.days) < SKIPPED_DAY_RATE
    for day in range(world.window.days):
        if skipped[day] and day > 0:
            continue
        rows = snapshot(world.catalog, day)
        frame = pl.DataFrame(
            {
                "sku": rows["sku"],
                "brand": daily.lookup([b.code for b in BRANDS], rows["brand"].to_numpy()),
                "product_name": rows["product_name"],
                "category_l1": rows["category_l1"],
                "category_l2": rows["category_l2"],
                "list_price": timefmt.yuan(rows["list_price_cents"]),
                "is_ecosystem": rows["is_ecosystem"].cast(pl.Int8).cast(pl.String),
            }
        ).select(delivered_headers("products"))
        yield FileSpec("products", day, f"products_snapshot_{daily.date_tag(world.window, day)}.csv", frame)
