"""The sections of a person's profile, each read from the mart that owns it.

A section whose mart is not part of the published warehouse (an older
night, a capability not built yet) says so instead of failing the profile.
The timeline reads the restricted store (orders, App events, touches, ad
events by OneID) but shows no identifier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from pipeline.home import Home
from pipeline.profile.lookup import Match

TIMELINE_LIMIT = 25
# What a membership shows (here and in the profile API): tier and points as delivered and on the group scale.
MEMBERSHIP_FIELDS = (
    "programme", "brand", "member_type", "member_status", "tier_name", "group_tier_code",
    "points", "group_points", "joined_at", "is_current",
)


@dataclass
class Section:
    title: str
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    missing: str | None = None  # why the section is empty: the mart that is not published

    @property
    def is_available(self) -> bool:
        return self.missing is None


@dataclass
class Profile:
    oneid: str
    matched_as: str
    facts: dict[str, Any]  # the golden record's headline fields (dim_person), empty when not published
    sections: list[Section]

    def section(self, title: str) -> Section:
        return next(s for s in self.sections if s.title == title)


def build_profile(home: Home, match: Match, timeline_limit: int = TIMELINE_LIMIT) -> Profile:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        con.execute(f"attach '{home.restricted}' as restricted (read_only)")
        tables = _tables(con)
        facts = _person_facts(con, tables, match.oneid)
        sections = [
            _identifiers(con, tables, match.oneid),
            _memberships(con, tables, match.oneid),
            _person_tags(con, tables, match.oneid),
            _brand_tags(con, tables, match.oneid),
            _manual_tags(con, tables, match.oneid),
            _audiences(con, tables, match.oneid),
            _eligibility(con, tables, match.oneid),
            _timeline(con, tables, match.oneid, timeline_limit),
        ]
    return Profile(match.oneid, match.id_type, facts, sections)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select database_name, table_name from duckdb_tables()").fetchall()
    return {f"{db}.{name}" if db == "restricted" else name for db, name in rows}


def _query(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
    cursor = con.execute(sql, list(params))
    return [d[0] for d in cursor.description], cursor.fetchall()


def _missing(title: str, needed: str) -> Section:
    return Section(title, missing=f"{needed} is not in this warehouse")


def _person_facts(con: duckdb.DuckDBPyConnection, tables: set[str], oneid: str) -> dict[str, Any]:
    if "dim_person" not in tables:
        return {}
    columns, rows = _query(con, "select * from dim_person where oneid = ?", [oneid])
    return dict(zip(columns, rows[0])) if rows else {}


def _identifiers(con: duckdb.DuckDBPyConnection, tables: set[str], oneid: str) -> Section:
    title = "Identifiers"
    if "map_identifier_oneid" not in tables:
        return _missing(title, "map_identifier_oneid")
    columns, rows = _query(
        con,
        """
        select id_type, namespace, identifier_masked as identifier, sources,
               record_count as records, first_seen_at, last_seen_at
        from map_identifier_oneid
        where oneid = ?
        order by id_type, namespace, first_seen_at
        """,
        [oneid],
    )
    return Section(title, columns, rows)


def _memberships(con: duckdb.DuckDBPyConnection, tables: set[str], oneid: str) -> Section:
    """Programmes the person belongs to, with tier and points as delivered and on the group scale."""
    title = "Memberships"
    source = "restricted.int_person_memberships"
    if source not in tables:
        return _missing(title, "int_person_memberships")
    return _pick(con, title, source, oneid, MEMBERSHIP_FIELDS, "order by brand, programme")


def _pick(
    con: duckdb.DuckDBPyConnection, title: str, table: str, oneid: str, wanted: Sequence[str], order: str
) -> Section:
    """The wanted columns of a person's rows that the table has (marts grow column by column)."""
    present = {row[0] for row in con.execute(f"select * from {table} limit 0").description}
    columns = [c for c in wanted if c in present]
    rows = con.execute(f"select {', '.join(columns)} from {table} where oneid = ? {order}", [oneid]).fetchall()
    return Section(title, columns, rows)


def _person_tags(con: duckdb.DuckDBPyConnection, tables: set[str], oneid: str) -> Section:
    """One row per tag: the wide person_tags row turned on its side, empty tags left out."""
    title = "Tags"
    if "person_tags" not in tables:
        return _missing(title, "person_tags")
    columns, rows = _query(con, "select * from person_tags where oneid = ?", [oneid])
    if not rows:
        return Section(title, ["tag", "value"], [])
    # Unset tags and false flags say nothing about the person: only what holds is listed.
    pairs = [(c, v) for c, v in zip(columns, rows[0]) if c != "oneid" and v is not None and v is not False]
    return Section(title, ["tag", "value"], pairs)


def _brand_tags(con: duckdb.DuckDBPyConnection, tables: set[str], oneid: str) -> Section:
    title = "Brand tags"
    if "person_brand_tags" not in tables:
        return _missing(title, "person_brand_tags")
    return _pick(
        con, title, "person_brand_tags", oneid,
        ("brand", "aipl_stage", "aipl_stage_reason", "rfm_segment", "lifecycle_stage", "activity_status",
         "is_member", "valid_orders", "monetary", "value_level"),
        "order by brand",
    )


def _manual_tags(con: duckdb.DuckDBPyConnection, tables: set[str], oneid: str) -> Section:
    """What the brands' shop assistants recorded, current tags only (person_brand_manual_tags)."""
    title = "Manual tags"
    if "person_brand_manual_tags" not in tables:
        return _missing(title, "person_brand_manual_tags")
    columns, rows = _query(
        con,
        """
        select brand, tag_name_zh || ' ' || tag_code as tag, value_label_zh || ' ' || tag_value as value,
               guide_id as guide, store_code as store, tagged_at + interval 8 hour as tagged_china_time
        from person_brand_manual_tags
        where oneid = ?
        order by brand, tag_code
        """,
        [oneid],
    )
    return Section(title, columns, rows)


def _audiences(con: duckdb.DuckDBPyConnection, tables: set[str], oneid: str) -> Section:
    """Audience packs (the aud_* models of models/audiences) holding the person, per brand."""
    title = "Audiences"
    audience_tables = sorted(t for t in tables if t.startswith("aud_"))
    if not audience_tables:
        return _missing(title, "no audience (aud_*)")
    rows: list[tuple[Any, ...]] = []
    for name in audience_tables:
        for (brand,) in con.execute(f'select distinct brand from "{name}" where oneid = ? order by 1', [oneid]).fetchall():
            rows.append((name.removeprefix("aud_"), brand or "group-wide"))
    return Section(title, ["audience", "brand"], rows)


def _eligibility(con: duckdb.DuckDBPyConnection, tables: set[str], oneid: str) -> Section:
    title = "Campaign eligibility"
    if "campaign_eligibility" not in tables:
        return _missing(title, "campaign_eligibility")
    return _pick(
        con, title, "campaign_eligibility", oneid,
        ("campaign_id", "channel", "brand", "is_eligible", "ineligibility_reasons", "taken_by_campaign_id",
         "reachable_identifiers", "touches_in_window"),
        "order by campaign_id",
    )


# What happened to the person across channels, newest first. Each part is
# (table it needs, SQL of (at, channel, kind, brand, detail) for one OneID).
_TIMELINE_PARTS: tuple[tuple[str, str], ...] = (
    (
        "restricted.int_commerce__orders",
        """
        select ordered_at as happened_at, channel, 'order' as kind, brand,
               coalesce(category, '') || ' ¥' || cast(net_amount as varchar)
               || case when is_valid_purchase then '' else ' (not a purchase)' end as detail
        from restricted.int_commerce__orders where oneid = $oneid
        """,
    ),
    (
        "restricted.stg_app__events",
        """
        select events.event_at as happened_at, 'app' as channel, events.event_name as kind, events.brand,
               concat_ws(' ', events.sku, events.search_keyword, events.live_id,
                         case when events.review_rating is not null then 'rating ' || events.review_rating end) as detail
        from restricted.int_record_oneids as records
        inner join restricted.stg_app__events as events
            on records.source_name = 'app_events' and records.record_key = events.event_id
        where records.oneid = $oneid
        """,
    ),
    (
        "restricted.int_engagement__campaign_touches",
        """
        select sent_at as happened_at, channel, 'touch' as kind, null as brand,
               campaign_id || case when clicked_at is not null then ' clicked'
                                   when opened_at is not null then ' opened'
                                   when is_delivered then ' delivered' else ' not delivered' end as detail
        from restricted.int_engagement__campaign_touches where oneid = $oneid
        """,
    ),
    (
        "restricted.int_engagement__backflow_events",
        """
        select event_at as happened_at, platform as channel, 'ad ' || event_name as kind, null as brand,
               'campaign ' || ad_campaign_id as detail
        from restricted.int_engagement__backflow_events
        where oneid = $oneid and event_name in ('click', 'conversion')
        """,
    ),
)


def _timeline(con: duckdb.DuckDBPyConnection, tables: set[str], oneid: str, limit: int) -> Section:
    title = "Timeline"
    parts = [sql for needed, sql in _TIMELINE_PARTS if needed in tables]
    if not parts:
        return _missing(title, "orders, events, touches and ad events")
    union = "\nunion all\n".join(f"({sql})" for sql in parts)
    cursor = con.execute(
        f"""
        select happened_at + interval 8 hour as china_time, channel, kind, brand, detail
        from ({union})
        order by happened_at desc, channel, kind
        limit $limit
        """,
        {"oneid": oneid, "limit": limit},
    )
    columns = [d[0] for d in cursor.description]
    return Section(title, columns, cursor.fetchall())
