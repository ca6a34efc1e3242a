"""Which brands' data a token sees (docs/api.md, "Brand isolation").

Brands with `is_shared_group_wide = false` in seed brand_data_scopes are
isolated: only tokens that name them see their data. A token sees its own
brands and every shared brand. A person's group-level data (golden record,
person_tags, group-wide audiences and campaigns) aggregates every brand, so
it is withheld when the person has a relationship with, or activity at, an
isolated brand the token does not see.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipeline.errors import ConfigurationError
from pipeline.home import Home
from pipeline.serve.night import PublishedNight
from pipeline.serve.tokens import Token


class BrandForbidden(Exception):
    """The request names a brand outside the token."""


class UnknownBrand(Exception):
    """The request names no brand of the published brand_data_scopes."""


@dataclass(frozen=True)
class BrandScope:
    own: frozenset[str]  # the token's brands: it may write for these
    visible: frozenset[str]  # its brands and every shared brand: it may read these
    hidden: frozenset[str]  # isolated brands the token does not name

    @classmethod
    def of(cls, token: Token, night: PublishedNight) -> "BrandScope":
        own = frozenset(token.brands)
        shared = {brand for brand, is_shared in night.shared_brands.items() if is_shared}
        return cls(own, own | shared, frozenset(set(night.shared_brands) - shared - own))

    def readable(self, brand: str, night: PublishedNight) -> str:
        if brand not in night.shared_brands:
            raise UnknownBrand(f"unknown brand {brand!r}; brands: {', '.join(sorted(night.shared_brands))}")
        if brand not in self.visible:
            raise BrandForbidden(f"brand {brand!r} is isolated and outside this token")
        return brand

    def writable(self, brand: str, night: PublishedNight) -> str:
        if brand not in night.shared_brands:
            raise UnknownBrand(f"unknown brand {brand!r}; brands: {', '.join(sorted(night.shared_brands))}")
        if brand not in self.own:
            raise BrandForbidden(f"this token may not write for brand {brand!r}; its brands: {', '.join(sorted(self.own))}")
        return brand


def check_brands(home: Home, brands: list[str]) -> None:
    """Refuse a token for brands the published brand_data_scopes does not name (a typo would see nothing)."""
    if not home.warehouse.is_file():
        return  # no night yet: nothing to check against
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        known = {brand for (brand,) in con.execute("select brand from brand_data_scopes").fetchall()}
    unknown = sorted(set(brands) - known)
    if unknown:
        raise ConfigurationError(f"unknown brand {', '.join(unknown)}; brands: {', '.join(sorted(known))}")
