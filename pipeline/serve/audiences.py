"""Audience sizes and tag distributions ("click a tag, see the crowd"), brand-scoped.

Counts follow the same rule as a profile (pipeline/serve/brand_scope.py):
per-brand rows only for brands the token sees, and group-level rows
(person_tags, group-wide audiences) only for people with no relationship or
activity at a hidden isolated brand. Tag and audience names are checked
against the published schema before they are quoted into SQL; values are
bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.serve.brand_scope import BrandScope
from pipeline.serve.night import AUDIENCE_PREFIX, PublishedNight
from pipeline.serve.night import MANUAL_TAGS
from pipeline.serve.published import Reader
from pipeline.serve.rows import records

GROUP, BRAND, MANUAL = "person_tags", "person_brand_tags", "manual"
MAX_VALUES = 100  # per brand: a tag such as monetary has a value per person
GROUP_SUMMARY = ("rfm_segment", "lifecycle_stage", "best_aipl_stage", "value_level")
BRAND_SUMMARY = ("rfm_segment", "lifecycle_stage", "aipl_stage", "value_level")


class NotFound(LookupError):
    """No such audience or tag in the published night."""


class BadQuery(ValueError):
    """The combination of parameters asks for something that does not exist (422)."""


@dataclass(frozen=True)
class Tag:
    name: str
    source: str  # GROUP, BRAND or MANUAL


def resolve_tag(night: PublishedNight, name: str, brand: str | None) -> Tag:
    """A manual tag code first, then a column of person_brand_tags (with a brand) or person_tags."""
    if name in night.manual_tag_codes:
        return Tag(name, MANUAL)
    group, per_brand = name in night.tag_columns(GROUP), name in night.tag_columns(BRAND)
    if brand is not None:
        if per_brand:
            return Tag(name, BRAND)
        if group:
            raise BadQuery(f"tag {name!r} is a person-level (group) tag: leave out brand=")
    elif group:
        return Tag(name, GROUP)
    elif per_brand:
        return Tag(name, BRAND)
    raise NotFound(f"no tag {name!r} in person_tags, person_brand_tags or the manual-tag catalog")


def resolve_audience(night: PublishedNight, name: str) -> str:
    if name.removeprefix(AUDIENCE_PREFIX) not in night.audiences:
        raise NotFound(f"no audience {name!r}; audiences: {', '.join(night.audiences)}")
    return name.removeprefix(AUDIENCE_PREFIX)


def _hidden_people(scope: BrandScope, night: PublishedNight) -> str:
    """SQL of the OneIDs whose group-level data the token may not count (binds $hidden)."""
    if not scope.hidden:
        return "select null as oneid where false"
    parts = [f"select oneid from {BRAND} where list_contains($hidden, brand)"] if night.has(BRAND) else []
    parts += [
        f"select oneid from restricted.{table} where list_contains($hidden, brand)"
        for table in ("int_activation__person_brands", "int_person_memberships")
        if table in night.restricted_tables
    ]
    return " union ".join(parts) or "select null as oneid where false"


def _members(audience: str) -> str:
    """SQL of the audience's rows the token may count: (oneid, brand), brand null for group-wide."""
    table = f'"{AUDIENCE_PREFIX}{audience}"'
    return f"""
        select distinct oneid, brand from {table} where list_contains($visible, brand)
        union all
        select distinct oneid, brand from {table} where brand is null and oneid not in (select oneid from hidden_people)
    """


def _bind(sql: str, scope: BrandScope, **more: Any) -> dict[str, Any]:
    """The named parameters the SQL uses (DuckDB refuses unused ones)."""
    params = {"visible": sorted(scope.visible), "hidden": sorted(scope.hidden), **more}
    return {name: value for name, value in params.items() if f"${name}" in sql}


def list_audiences(reader: Reader, scope: BrandScope, names: list[str] | None = None) -> list[dict[str, Any]]:
    """Sizes of the named audiences (default: all), per brand the token sees and group-wide."""
    night = reader.night
    names = night.audiences if names is None else names
    if not names:
        return []
    union = " union all ".join(f"select '{name}' as audience, oneid, brand from ({_members(name)})" for name in names)
    sql = f"""
        with hidden_people as ({_hidden_people(scope, night)})
        select audience, brand, count(distinct oneid) as people, 0 as is_total
        from ({union}) group by audience, brand
        union all
        select audience, null, count(distinct oneid), 1 from ({union}) group by audience
    """
    rows = reader.cursor.execute(sql, _bind(sql, scope)).fetchall()
    sizes: dict[str, dict[str, Any]] = {n: {"name": n, "people": 0, "by_brand": [], "group_wide": None} for n in names}
    for audience, brand, people, is_total in sorted(rows, key=lambda r: (r[0], r[1] or "")):
        entry = sizes[audience]
        if is_total:
            entry["people"] = people
        elif brand is None:
            entry["group_wide"] = people
        else:
            entry["by_brand"].append({"brand": brand, "people": people})
    return list(sizes.values())


def describe_audience(reader: Reader, scope: BrandScope, name: str, brand: str | None) -> dict[str, Any]:
    audience = resolve_audience(reader.night, name)
    (size,) = list_audiences(reader, scope, [audience])
    # A per-brand audience is described by its brands' tags, a group-wide one by person tags.
    if size["by_brand"] or brand is not None:
        tags = [Tag(t, BRAND) for t in BRAND_SUMMARY if t in reader.night.tag_columns(BRAND)]
    else:
        tags = [Tag(t, GROUP) for t in GROUP_SUMMARY if t in reader.night.tag_columns(GROUP)]
    return {
        **size,
        "business_date": reader.night.business_date,
        "distributions": {t.name: distribution(reader, scope, t, brand, audience)["values"] for t in tags},
    }


def distribution(
    reader: Reader, scope: BrandScope, tag: Tag, brand: str | None, audience: str | None
) -> dict[str, Any]:
    night = reader.night
    notes: list[str] = []
    if tag.source == MANUAL and not night.has(MANUAL_TAGS):
        notes.append(f"{MANUAL_TAGS} is not in the published warehouse")
        return {"tag": tag.name, "source": tag.source, "brand": brand, "audience": audience, "values": [], "notes": notes}
    in_audience = ""
    if audience is not None:
        in_audience = (
            "and t.oneid in (select oneid from audience_members)"
            if tag.source == GROUP
            else "and exists (select 1 from audience_members as a where a.oneid = t.oneid"
            " and (a.brand = t.brand or a.brand is null))"
        )
    if tag.source == GROUP:
        body = f"""
            select null as brand, t."{tag.name}" as value, count(*) as people
            from {GROUP} as t
            where t.oneid not in (select oneid from hidden_people) {in_audience}
            group by all
        """
    else:
        table, column, extra = (MANUAL_TAGS, "tag_value", "and t.tag_code = $tag") if tag.source == MANUAL else (
            BRAND, f'"{tag.name}"', "")
        body = f"""
            select t.brand, t.{column} as value, count(distinct t.oneid) as people
            from {table} as t
            where list_contains($visible, t.brand) and ($brand is null or t.brand = $brand) {extra} {in_audience}
            group by all
        """
    ctes = f"hidden_people as ({_hidden_people(scope, night)})"
    if audience is not None:
        ctes += f", audience_members as ({_members(audience)})"
    sql = f"""
        with {ctes}
        select * from ({body})
        qualify row_number() over (partition by brand order by people desc, value) <= {MAX_VALUES}
        order by brand nulls first, people desc, value
    """
    values = records(reader.cursor.execute(sql, _bind(sql, scope, brand=brand, tag=tag.name)))
    if tag.source == MANUAL:
        _label_manual_values(night, tag.name, values)
    return {"tag": tag.name, "source": tag.source, "brand": brand, "audience": audience, "values": values, "notes": notes}


def _label_manual_values(night: PublishedNight, code: str, values: list[dict[str, Any]]) -> None:
    for row in values:
        tag = night.catalog.get(row["brand"], {}).get(code)
        label = next((v for v in tag.values if v.tag_value == row["value"]), None) if tag else None
        row["label_zh"], row["label_en"] = (label.label_zh, label.label_en) if label else (None, None)
