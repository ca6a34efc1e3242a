"""Everything the renderers draw from: the group, its people and what they bought."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipeline.demo.calendar import Window
from pipeline.demo.catalog import build_catalog
from pipeline.demo.memberships import build_memberships
from pipeline.demo.orders import build_orders
from pipeline.demo.people import build_population
from pipeline.demo.stores import build_stores
from pipeline.ingest.sources import SOURCES_BY_NAME


@dataclass(frozen=True)
class World:
    seed: int
    window: Window
    stores: pl.DataFrame
    catalog: pl.DataFrame
    persons: pl.DataFrame
    devices: pl.DataFrame
    memberships: pl.DataFrame
    orders: pl.DataFrame


def build_world(seed: int, persons: int, window: Window) -> World:
    stores = build_stores(seed)
    catalog = build_catalog(seed, window)
    population = build_population(seed, persons, window, stores)
    memberships = build_memberships(seed, population, window, stores)
    orders = build_orders(seed, window, population.persons, memberships, catalog, stores)
    return World(seed, window, stores, catalog, population.persons, population.devices, memberships, orders)


def delivered_headers(source: str) -> list[str]:
    """The contract's headers of a source, in order (a header two columns share counts once)."""
    headers: list[str] = []
    for column in SOURCES_BY_NAME[source].columns:
        if column.header not in headers:
            headers.append(column.header)
    return headers
