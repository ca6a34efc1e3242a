"""Offline stores and counters of each brand, some run by dealers."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipeline.demo.brands import BRANDS
from pipeline.demo.geography import CITIES, CITY_WEIGHTS
from pipeline.demo.randomness import pick, stream


def build_stores(seed: int) -> pl.DataFrame:
    """One row per store: brand, code, name, city, dealer, POS clock format, tablet."""
    rng = stream(seed, "stores")
    frames = []
    for b, brand in enumerate(BRANDS):
        n = brand.stores
        city_index = pick(rng, CITY_WEIGHTS, n)
        district = [CITIES[c][2][rng.integers(0, len(CITIES[c][2]))] for c in city_index]
        kind = "专柜" if brand.category == "美妆" else "店"
        dealer_run = rng.random(n) < brand.dealer_store_share
        dealer_codes = np.where(dealer_run, rng.integers(1, 60, n), 0)
        frames.append(
            pl.DataFrame(
                {
                    "brand": np.full(n, b, dtype=np.int64),
                    "store_code": [f"{brand.short}{i + 1:04d}" for i in range(n)],
                    "store_name": [
                        f"{brand.name}{CITIES[c][0]}{d}{kind}" for c, d in zip(city_index, district)
                    ],
                    "city": [CITIES[c][0] for c in city_index],
                    "dealer_code": [f"D{brand.short}{x:03d}" if x else None for x in dealer_codes],
                    # Dealer-run tills export `YYYY/MM/DD HH:MM`, the brand's own system ISO-like times.
                    "slash_clock": dealer_run | (rng.random(n) < 0.2),
                    "has_tablet": np.arange(n) < brand.tablet_stores,
                },
                schema_overrides={"dealer_code": pl.String},
            )
        )
    stores = pl.concat(frames)
    return stores.with_row_index("store").with_columns(pl.col("store").cast(pl.Int64))
