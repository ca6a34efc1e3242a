"""Who a media campaign may reach, and their identifiers, read from the two
stores a run builds: campaign_eligibility and the campaign configuration from
the analyst warehouse, raw identifiers from the restricted store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb

from pipeline.errors import ConfigurationError
from pipeline.exports.platforms import PLATFORMS


@dataclass(frozen=True)
class MediaCampaign:
    campaign_id: str
    campaign_name: str
    platform: str  # the campaign's channel: a media platform code, or an owned channel for send lists
    brand: str | None
    audience: str
    wechat_appids: tuple[str, ...]  # appids whose openids may be uploaded for it


@dataclass(frozen=True)
class PersonIdentifier:
    oneid: str
    id_type: str
    namespace: str
    value: str  # normalized, raw
    reported: str | None  # as the device reported it (OAID), else None
    identifier_hash: str  # its keyed hash: how the exports' state between nights names it


@contextmanager
def open_stores(warehouse: Path, restricted: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Both stores read-only: the warehouse as `main`, the restricted store as `restricted`."""
    for store in (warehouse, restricted):
        if not store.is_file():
            raise ConfigurationError(f"{store} does not exist; run `oneid run` first")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute(f"attach '{restricted}' as restricted (read_only)")
        yield con
    finally:
        con.close()


def media_campaigns(con: duckdb.DuckDBPyConnection, business_date: str) -> list[MediaCampaign]:
    """Campaigns on a media platform running on the business date (an empty audience still gets a manifest)."""
    return running_campaigns(con, business_date, sorted(PLATFORMS))


def running_campaigns(con: duckdb.DuckDBPyConnection, business_date: str, channels: list[str]) -> list[MediaCampaign]:
    """Campaigns on the given channels running on the business date, with the appids whose
    openids reach for them: the brand's official account for template messages, any of the
    brand's apps for media (every app for a group-wide campaign)."""
    rows = con.execute(
        """
        select campaigns.campaign_id, campaigns.campaign_name, campaigns.channel, campaigns.brand, campaigns.audience
        from main.campaigns as campaigns
        where campaigns.channel in (select unnest(?))
          and cast(? as date) between campaigns.start_date and campaigns.end_date
        order by campaigns.campaign_id
        """,
        [channels, business_date],
    ).fetchall()
    apps = con.execute("select brand, appid, app_kind from main.wechat_apps order by appid").fetchall()
    campaigns = []
    for campaign_id, name, channel, brand, audience in rows:
        appids = tuple(
            appid
            for app_brand, appid, kind in apps
            if (brand is None or app_brand == brand) and (channel != "wechat_template" or kind == "official_account")
        )
        campaigns.append(MediaCampaign(campaign_id, name, channel, brand, audience, appids))
    return campaigns


def eligible_people(con: duckdb.DuckDBPyConnection, campaign_id: str) -> int:
    return _people(con, campaign_id, "is_eligible")


def holdout_people(con: duckdb.DuckDBPyConnection, campaign_id: str) -> int:
    """People tonight keeps out of the campaign as its control group (never in a file)."""
    return _people(con, campaign_id, "is_holdout")


def _people(con: duckdb.DuckDBPyConnection, campaign_id: str, flag: Literal["is_eligible", "is_holdout"]) -> int:
    row = con.execute(
        f"select count(distinct oneid) from main.campaign_eligibility where campaign_id = ? and {flag}", [campaign_id]
    ).fetchone()
    return int(row[0]) if row else 0


def eligible_identifiers(
    con: duckdb.DuckDBPyConnection, campaign_id: str, id_types: frozenset[str]
) -> list[PersonIdentifier]:
    """Every identifier of the given types held by the campaign's eligible people."""
    return _identifiers(
        con,
        """
        select ids.* from restricted.main.int_identifier_oneids as ids
        where ids.oneid in (
            select oneid from main.campaign_eligibility where campaign_id = $campaign_id and is_eligible
        )
        and ids.id_type in (select unnest($id_types))
        """,
        {"campaign_id": campaign_id, "id_types": sorted(id_types)},
    )


def identifiers_by_hash(con: duckdb.DuckDBPyConnection, hashes: list[str]) -> list[PersonIdentifier]:
    """The identifiers with these keyed hashes, under their OneIDs of tonight."""
    return _identifiers(
        con,
        "select ids.* from restricted.main.int_identifier_oneids as ids"
        " where ids.identifier_hash in (select unnest($hashes))",
        {"hashes": sorted(set(hashes))},
    )


def _identifiers(con: duckdb.DuckDBPyConnection, chosen: str, parameters: dict) -> list[PersonIdentifier]:
    """The `chosen` rows of int_identifier_oneids, each OAID with its most frequent spelling."""
    rows = con.execute(
        f"""
        with identifiers as (
            select identifier_key, identifier_hash, oneid, id_type, namespace, value from ({chosen})
        ),
        spellings as (
            select
                observations.identifier_key,
                observations.raw_value,
                row_number() over (
                    partition by observations.identifier_key order by count(*) desc, observations.raw_value
                ) as spelling_rank
            from restricted.main.int_identifier_observations as observations
            inner join identifiers on observations.identifier_key = identifiers.identifier_key
            where identifiers.id_type = 'oaid'
            group by observations.identifier_key, observations.raw_value
        )
        select identifiers.oneid, identifiers.id_type, identifiers.namespace, identifiers.value,
            spellings.raw_value, identifiers.identifier_hash
        from identifiers
        left join spellings
            on identifiers.identifier_key = spellings.identifier_key and spellings.spelling_rank = 1
        order by 1, 2, 3, 4
        """,
        parameters,
    ).fetchall()
    return [PersonIdentifier(*row) for row in rows]
