"""Find a person by one identifier and assemble what a brand's token may see of them.

Both come from the night's profile store (pipeline/serve/profile_store.py),
never from a raw value: the typed identifier is normalized like staging does
(pipeline/identifiers.py), written as its key
`<id_type>:<namespace>:<value>` and keyed-hashed like the build
(pipeline/keyed_hash.py), then matched on the hashes of
map_identifier_oneid. The service therefore needs the night's ONEID_HASH_KEY.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.keyed_hash import keyed_hash
from pipeline.identifiers import looks_like_oneid, normalize_cn_mobile, normalize_email
from pipeline.serve.brand_scope import BrandForbidden, BrandScope
from pipeline.serve.night import PublishedNight
from pipeline.serve.published import Reader

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
    """The identifier's key as the build writes it (macro identifier_key, macros/identity/identifier_privacy.sql)."""
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


def find_oneid(reader: Reader, scope: BrandScope, lookup: Lookup) -> tuple[str, bytes]:
    """The person's OneID and stored profile document (pipeline/serve/profile_store.py)."""
    if lookup.kind == "oneid":
        if not looks_like_oneid(lookup.value):
            raise BadLookup("oneid is not a OneID (OID and 20 of the letters BCDEFGHIJKLNRTUV)")
        oneid: str | None = lookup.value.strip().upper()
    else:
        oneid = reader.oneid_of(keyed_hash(identifier_key(lookup, reader.night, scope)))
    document = reader.document_of(oneid) if oneid is not None else None
    if oneid is None or document is None:
        raise PersonNotFound(f"no person holds this {lookup.kind}")
    return oneid, document


_ACTIVITY_FIELDS = ("sources", "record_count", "first_seen_at", "last_seen_at")


def person_profile(reader: Reader, scope: BrandScope, oneid: str, document: bytes, found_by: str) -> dict[str, Any]:
    """The person as this token may see them; PersonNotFound when they belong only to hidden brands.

    The stored document holds every brand's rows: their brands (relationships,
    memberships, brand tags) decide what is withheld; then only visible rows are kept.
    """
    stored = reader.store.profile(document)
    notes = [f"{table} is not in the published warehouse" for table in reader.store.missing_tables]
    memberships = stored.get("memberships", [])
    brand_tags = stored.get("brand_tags", [])
    # Every brand that knows the person: relationships, memberships, and brand tags
    # (orders, App events, AIPL evidence): known only to hidden brands is not found.
    activity = {row["brand"] for row in stored.get("relationships", []) + memberships + brand_tags if row["brand"]}
    if activity and not activity & scope.visible:
        raise PersonNotFound(f"no person holds this {found_by}")
    group_visible = not activity & scope.hidden
    if not group_visible:
        notes.append(
            "group-level data (person, tags, group-wide audiences and campaigns) is withheld: "
            "it aggregates brands outside this token"
        )

    def shown(row: dict[str, Any]) -> bool:
        return row["brand"] in scope.visible or (row["brand"] is None and group_visible)

    return {
        "oneid": oneid,
        "found_by": found_by,
        "business_date": reader.night.business_date,
        "group_data_withheld": not group_visible,
        "person": _person(stored.get("person"), scope) if group_visible else None,
        "identifiers": _identifiers(stored.get("identifiers", []), reader.night, scope, with_activity=group_visible),
        "memberships": [row for row in memberships if shown(row)],
        "tags": stored.get("tags") if group_visible else None,
        "brand_tags": [row for row in brand_tags if row["brand"] in scope.visible],
        "manual_tags": [row for row in stored.get("manual_tags", []) if row["brand"] in scope.visible],
        "audiences": [row for row in stored.get("audiences", []) if shown(row)],
        "campaign_eligibility": [row for row in stored.get("campaign_eligibility", []) if shown(row)],
        "notes": notes,
    }


def _person(person: dict[str, Any] | None, scope: BrandScope) -> dict[str, Any] | None:
    if person is None:
        return None
    # Brand lists keep visible brands only, whatever the golden record aggregated.
    for field in ("brands", "member_brands"):
        if person.get(field):
            person[field] = ",".join(b for b in person[field].split(",") if b in scope.visible) or None
    return person


def _identifiers(
    rows: list[dict[str, Any]], night: PublishedNight, scope: BrandScope, with_activity: bool
) -> list[dict[str, Any]]:
    """The person's identifiers, masked, those of visible brands and apps only."""
    # A member id or Tmall ouid is namespaced by its brand, an openid by its app's brand.
    shown = [
        row for row in rows
        if (row["id_type"] not in _BRAND_NAMESPACED or row["namespace"] in scope.visible)
        and (row["id_type"] != "wechat_openid" or night.app_brands.get(row["namespace"]) in scope.visible)
    ]
    if with_activity:
        return shown
    # Sources, record counts and dates would count the hidden brands' records too.
    return [{k: v for k, v in row.items() if k not in _ACTIVITY_FIELDS} for row in shown]
