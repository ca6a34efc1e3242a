"""Find a person by one identifier and assemble what a brand's token may see of them.

The OneID is found in the analyst warehouse, not the restricted store: the
typed identifier is normalized like staging does (pipeline/profile/normalize.py),
written as its key `<id_type>:<namespace>:<value>` and keyed-hashed like the
build (pipeline/keyed_hash.py), then matched on map_identifier_oneid.identifier_hash.
The service therefore needs the night's ONEID_HASH_KEY. The restricted store
is read only by OneID, never for a raw value: the person's identifier
hashes, brand relationships and memberships.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.keyed_hash import keyed_hash
from pipeline.profile.normalize import looks_like_oneid, normalize_cn_mobile, normalize_email
from pipeline.profile.sections import MEMBERSHIP_FIELDS
from pipeline.serve.brand_scope import BrandForbidden, BrandScope
from pipeline.serve.night import AUDIENCE_PREFIX, PublishedNight
from pipeline.serve.published import Reader
from pipeline.serve.rows import records

MANUAL_TAGS = "person_brand_manual_tags"
# The golden record's fields an API client gets (dim_person); no birthday, no raw identifier.
PERSON_FIELDS = (
    "name_masked", "gender", "city", "unified_tier_code", "unified_tier_label_zh", "total_points",
    "is_member", "member_brands", "member_since", "brands", "sources", "first_seen_at", "last_seen_at",
)
MANUAL_TAG_FIELDS = (
    "brand", "tag_code", "tag_name_zh", "tag_name_en", "tag_value", "value_label_zh", "value_label_en",
    "guide_id", "store_code", "tagged_at", "tag_event_id",
)
ELIGIBILITY_FIELDS = (
    "campaign_id", "channel", "brand", "is_eligible", "ineligibility_reasons", "taken_by_campaign_id",
)
# Identifier types whose namespace is a brand (docs: identity_namespace).
_BRAND_NAMESPACED = ("crm_member_id", "tmall_ouid")


class BadLookup(ValueError):
    """The query string does not name exactly one usable identifier."""


class PersonNotFound(LookupError):
    """No person this token may see holds the identifier."""


@dataclass(frozen=True)
class Lookup:
    """One identifier as typed: the kind is the query parameter that carried it."""

    kind: str
    value: str
    brand: str | None = None  # member_id: the brand whose programme issued it
    appid: str | None = None  # openid: the WeChat app it belongs to


def identifier_key(lookup: Lookup, night: PublishedNight, scope: BrandScope) -> str:
    """The identifier's key as the build writes it (macros/identity/identity_record_sources.sql)."""
    value = lookup.value.strip()
    if not value:
        raise BadLookup(f"{lookup.kind} is empty")
    if lookup.kind == "phone":
        phone = normalize_cn_mobile(value)
        if phone is None:
            raise BadLookup("phone is not a CN mobile number (11 digits starting 13-19, optionally +86)")
        return f"phone:global:{phone}"
    if lookup.kind == "email":
        email = normalize_email(value)
        if email is None:
            raise BadLookup("email is not a valid email address")
        return f"email:global:{email}"
    if lookup.kind == "member_id":
        if not lookup.brand:
            raise BadLookup("member_id needs brand= (member ids are unique per brand)")
        return f"crm_member_id:{scope.readable(lookup.brand, night)}:{value}"
    if lookup.kind == "openid":
        if not lookup.appid:
            raise BadLookup("openid needs appid= (openids are unique per WeChat app)")
        brand = night.app_brands.get(lookup.appid)
        if brand is None:
            raise BadLookup("appid is not a WeChat app of the brand group (seed wechat_apps)")
        if brand not in scope.visible:
            raise BrandForbidden(f"this appid belongs to brand {brand!r}, isolated and outside this token")
        return f"wechat_openid:{lookup.appid}:{value}"
    if lookup.kind == "unionid":
        return f"wechat_unionid:wechat_open_platform:{value}"
    raise BadLookup(f"unknown identifier kind {lookup.kind!r}")


def find_oneid(reader: Reader, scope: BrandScope, lookup: Lookup) -> str:
    if lookup.kind == "oneid":
        if not looks_like_oneid(lookup.value):
            raise BadLookup("oneid is not a OneID (OID and 20 of the letters BCDEFGHIJKLNRTUV)")
        # dim_person has one row per OneID and is read by OneID anyway (docs/benchmarks.md, "Serving").
        row = reader.cursor.execute(
            "select oneid from dim_person where oneid = ?", [lookup.value.strip().upper()]
        ).fetchone()
    else:
        row = reader.cursor.execute(
            "select oneid from map_identifier_oneid where identifier_hash = ?",
            [keyed_hash(identifier_key(lookup, reader.night, scope))],
        ).fetchone()
    if row is None:
        raise PersonNotFound(f"no person holds this {lookup.kind}")
    return row[0]


_ACTIVITY_FIELDS = ("sources", "record_count", "first_seen_at", "last_seen_at")


def person_profile(reader: Reader, scope: BrandScope, oneid: str, found_by: str) -> dict[str, Any]:
    """The person as this token may see them; PersonNotFound when they belong only to hidden brands.

    Memberships and brand tags are read for every brand once: their brands,
    with the relationships, decide what is withheld; then only visible rows are kept.
    """
    notes: list[str] = []
    relationships = _relationships(reader, oneid)
    memberships = _memberships(reader, oneid, notes)
    brand_tags = _brand_tags(reader, oneid, notes)
    # Every brand that knows the person: relationships, memberships, and brand tags
    # (orders, App events, AIPL evidence): known only to hidden brands is not found.
    activity = relationships | {row["brand"] for row in memberships + brand_tags if row["brand"]}
    if activity and not activity & scope.visible:
        raise PersonNotFound(f"no person holds this {found_by}")
    group_visible = not activity & scope.hidden
    if not group_visible:
        notes.append(
            "group-level data (person, tags, group-wide audiences and campaigns) is withheld: "
            "it aggregates brands outside this token"
        )
    visible = sorted(scope.visible)

    def shown(row: dict[str, Any]) -> bool:
        return row["brand"] in scope.visible or (row["brand"] is None and group_visible)

    return {
        "oneid": oneid,
        "found_by": found_by,
        "business_date": reader.night.business_date,
        "group_data_withheld": not group_visible,
        "person": _person(reader, oneid, scope) if group_visible else None,
        "identifiers": _identifiers(reader, oneid, scope, notes, with_activity=group_visible),
        "memberships": [row for row in memberships if shown(row)],
        "tags": _person_tags(reader, oneid, notes) if group_visible else None,
        "brand_tags": [row for row in brand_tags if row["brand"] in scope.visible],
        "manual_tags": _manual_tags(reader, oneid, visible, notes),
        "audiences": [row for row in _audiences(reader, oneid) if shown(row)],
        "campaign_eligibility": [row for row in _eligibility(reader, oneid, notes) if shown(row)],
        "notes": notes,
    }


def _relationships(reader: Reader, oneid: str) -> frozenset[str]:
    """Brands the person is a member, Tmall shop member or WeChat follower/user of (int_activation__person_brands)."""
    if "int_activation__person_brands" not in reader.night.restricted_tables:
        return frozenset()
    rows = reader.cursor.execute(
        "select distinct brand from restricted.int_activation__person_brands where oneid = ?", [oneid]
    ).fetchall()
    return frozenset(brand for (brand,) in rows)


def _missing(table: str, notes: list[str]) -> list[Any]:
    notes.append(f"{table} is not in the published warehouse")
    return []


def _present(night: PublishedNight, table: str, wanted: tuple[str, ...]) -> str:
    """The wanted columns the mart has (marts grow column by column), quoted for SQL."""
    have = set(night.columns.get(table, ()))
    return ", ".join(f'"{c}"' for c in wanted if c in have)


def _person(reader: Reader, oneid: str, scope: BrandScope) -> dict[str, Any] | None:
    if not reader.night.has("dim_person"):
        return None
    found = records(reader.cursor.execute(
        f"select {_present(reader.night, 'dim_person', PERSON_FIELDS)} from dim_person where oneid = ?", [oneid]
    ))
    if not found:
        return None
    person = found[0]
    # Brand lists keep visible brands only, whatever the golden record aggregated.
    for field in ("brands", "member_brands"):
        if person.get(field):
            person[field] = ",".join(b for b in person[field].split(",") if b in scope.visible) or None
    return person


def _identifiers(
    reader: Reader, oneid: str, scope: BrandScope, notes: list[str], with_activity: bool
) -> list[dict[str, Any]]:
    """The person's identifiers, masked: their hashes by OneID from the restricted store
    (no raw value is read), then their rows of map_identifier_oneid by hash.

    Two point queries instead of one scan: stored in key order (restricted
    int_identifier_oneids by oneid, map_identifier_oneid by identifier_hash,
    as the look-up needs), each reads a row group, not the whole column
    (docs/benchmarks.md, "Serving").
    """
    source = "int_identifier_oneids"
    if source not in reader.night.restricted_tables:
        return _missing(source, notes)
    hashes = [h for (h,) in reader.cursor.execute(
        f"select identifier_hash from restricted.{source} where oneid = ?", [oneid]
    ).fetchall()]
    if not hashes:
        return []
    one_each = " union all ".join(
        "select id_type, namespace, identifier_masked, sources, record_count, first_seen_at, last_seen_at"
        " from map_identifier_oneid where identifier_hash = ?"
        for _ in hashes
    )
    rows = records(reader.cursor.execute(f"select * from ({one_each}) order by id_type, namespace, first_seen_at", hashes))
    # A member id or Tmall ouid is namespaced by its brand, an openid by its app's brand.
    shown = [
        row for row in rows
        if (row["id_type"] not in _BRAND_NAMESPACED or row["namespace"] in scope.visible)
        and (row["id_type"] != "wechat_openid" or reader.night.app_brands.get(row["namespace"]) in scope.visible)
    ]
    if with_activity:
        return shown
    # Sources, record counts and dates would count the hidden brands' records too.
    return [{k: v for k, v in row.items() if k not in _ACTIVITY_FIELDS} for row in shown]


def _memberships(reader: Reader, oneid: str, notes: list[str]) -> list[dict[str, Any]]:
    table = "int_person_memberships"
    if table not in reader.night.restricted_tables:
        return _missing(table, notes)
    return records(reader.cursor.execute(
        f"""
        select {_present(reader.night, f"restricted.{table}", MEMBERSHIP_FIELDS)} from restricted.{table}
        where oneid = ?
        order by brand, programme
        """,
        [oneid],
    ))


def _person_tags(reader: Reader, oneid: str, notes: list[str]) -> dict[str, Any] | None:
    if not reader.night.has("person_tags"):
        _missing("person_tags", notes)
        return None
    columns = _present(reader.night, "person_tags", reader.night.tag_columns("person_tags"))
    found = records(reader.cursor.execute(f"select {columns} from person_tags where oneid = ?", [oneid]))
    return found[0] if found else None


def _brand_tags(reader: Reader, oneid: str, notes: list[str]) -> list[dict[str, Any]]:
    if not reader.night.has("person_brand_tags"):
        return _missing("person_brand_tags", notes)
    columns = _present(reader.night, "person_brand_tags", ("brand", *reader.night.tag_columns("person_brand_tags")))
    return records(reader.cursor.execute(f"select {columns} from person_brand_tags where oneid = ? order by brand", [oneid]))


def _manual_tags(reader: Reader, oneid: str, visible: list[str], notes: list[str]) -> list[dict[str, Any]]:
    """Shop assistants' current tags (mart person_brand_manual_tags), per visible brand."""
    if not reader.night.has(MANUAL_TAGS):
        return _missing(MANUAL_TAGS, notes)
    columns = _present(reader.night, MANUAL_TAGS, MANUAL_TAG_FIELDS)
    return records(reader.cursor.execute(
        f"select {columns} from {MANUAL_TAGS} where oneid = ? and list_contains(?, brand) order by brand, tag_code",
        [oneid, visible],
    ))


def _audiences(reader: Reader, oneid: str) -> list[dict[str, Any]]:
    """Audiences holding the person: per brand, or group-wide (brand null)."""
    names = reader.night.audiences
    if not names:
        return []
    union = " union all ".join(
        f"select '{name}' as audience, brand from \"{AUDIENCE_PREFIX}{name}\" where oneid = $oneid" for name in names
    )
    return records(reader.cursor.execute(
        f"select distinct audience, brand from ({union}) order by audience, brand nulls first", {"oneid": oneid}
    ))


def _eligibility(reader: Reader, oneid: str, notes: list[str]) -> list[dict[str, Any]]:
    if not reader.night.has("campaign_eligibility"):
        return _missing("campaign_eligibility", notes)
    columns = _present(reader.night, "campaign_eligibility", ELIGIBILITY_FIELDS)
    return records(reader.cursor.execute(
        f"select {columns} from campaign_eligibility where oneid = ? order by campaign_id, channel", [oneid]
    ))
