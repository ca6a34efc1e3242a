"""The report's charts, each from the mart that owns its figures.

A chart whose mart is missing from the warehouse (a capability not built on
that night) is drawn as an explicit "not available" panel, never dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from pipeline.report import svg
from pipeline.run_record import RunRecord

AIPL_STAGES = ("aware", "interest", "purchase", "loyal")
FLOW_STAGES = ("none", *AIPL_STAGES)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    caption: str
    svg: str
    has_data: bool


class Warehouse:
    """Read-only queries on a published (or just built) analyst warehouse."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.tables = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}

    def has(self, *tables: str) -> bool:
        return all(t in self.tables for t in tables)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, list(params)).fetchall()

    def labels(self, tag_name: str) -> dict[str, str]:
        """Code -> 'English label · 中文标签' from the tag_values seed, when published."""
        if not self.has("tag_values"):
            return {}
        return {
            code: " · ".join(label for label in (label_en, label_zh) if label) or code
            for code, label_en, label_zh in self.rows(
                "select value_code, label_en, label_zh from tag_values where tag_name = ?", [tag_name]
            )
        }


def data_start(w: Warehouse) -> date | None:
    """The first delivery date: where time charts start.

    Earlier dates come only from backlog columns of the first exports (a CRM
    member's join date, years back), not from complete data: drawn, they show
    years of sleeping and churned people against weeks of purchases.
    """
    if not w.has("ingestion_daily"):
        return None
    return w.rows("select min(oldest_delivery_date) from ingestion_daily")[0][0]


def axis_labels(days: Sequence[date]) -> list[str]:
    """MM-DD within one year; YYYY-MM-DD when the chart spans years."""
    spans_years = len({day.year for day in days}) > 1
    return [day.isoformat() if spans_years else day.isoformat()[5:] for day in days]


def _since(start: date | None) -> str:
    return f" From the first delivery ({start}) on." if start else ""


def _missing(key: str, title: str, table: str) -> Chart:
    return Chart(key, title, f"{table} is not in this warehouse yet.", svg.empty_chart(f"not available: {table} not built"), False)


def _chart(key: str, title: str, caption: str, body: str, has_data: bool) -> Chart:
    return Chart(key, title, caption, body, has_data)


def aipl_funnel(w: Warehouse) -> Chart:
    title = "AIPL funnel"
    if not w.has("person_brand_aipl"):
        return _missing("aipl_funnel", title, "person_brand_aipl")
    counts = dict(w.rows("select aipl_stage, count(*) from person_brand_aipl group by 1"))
    brands = w.rows("select brand, aipl_stage, count(*) from person_brand_aipl group by 1, 2 order by 1")
    per_brand: dict[str, dict[str, int]] = defaultdict(dict)
    for brand, stage, n in brands:
        per_brand[brand][stage] = n
    labels = w.labels("aipl_stage")
    categories = [labels.get(s, s) for s in AIPL_STAGES]
    series = {brand: [per_brand[brand].get(s, 0) for s in AIPL_STAGES] for brand in sorted(per_brand)}
    body = svg.bar_chart(categories, series, stacked=True, label=title)
    total = sum(counts.values())
    return _chart("aipl_funnel", title, f"Persons per AIPL stage and brand tonight ({total:,} person x brand pairs).", body, total > 0)


def aipl_flow(w: Warehouse) -> Chart:
    title = "AIPL flow and GMV contribution"
    if not w.has("aipl_flow"):
        return _missing("aipl_flow", title, "aipl_flow")
    cells = w.rows("select from_stage, to_stage, sum(persons), sum(gmv) from aipl_flow group by 1, 2")
    dates = w.rows("select min(flow_from_date), max(flow_to_date) from aipl_flow")
    matrix = [[0.0] * len(FLOW_STAGES) for _ in FLOW_STAGES]
    gmv_by_stage = {s: 0.0 for s in FLOW_STAGES}
    for from_stage, to_stage, persons, gmv in cells:
        matrix[FLOW_STAGES.index(from_stage)][FLOW_STAGES.index(to_stage)] = float(persons)
        gmv_by_stage[to_stage] += float(gmv or 0)
    body = svg.heatmap(FLOW_STAGES, FLOW_STAGES, matrix, label=title, row_title="from", column_title="to")
    body += svg.bar_chart(
        [f"to {s}" for s in FLOW_STAGES], {"GMV ¥": [gmv_by_stage[s] for s in FLOW_STAGES]}, label="GMV by stage reached"
    )
    start, end = dates[0] if dates else (None, None)
    return _chart(
        "aipl_flow", title,
        f"Persons per (stage on {start} → stage on {end}), all brands; below, the GMV each destination stage brought in.",
        body, bool(cells),
    )


def rfm_segments(w: Warehouse) -> Chart:
    title = "RFM segments"
    if not w.has("person_tags"):
        return _missing("rfm_segments", title, "person_tags")
    rows = w.rows(
        "select rfm_segment, count(*), coalesce(sum(monetary), 0) from person_tags "
        "where rfm_segment is not null group by 1 order by 3 desc, 1"
    )
    labels = w.labels("rfm_segment")
    categories = [labels.get(r[0], r[0]) for r in rows]
    body = svg.bar_chart(categories, {"persons": [r[1] for r in rows]}, label="RFM segment sizes")
    body += svg.bar_chart(categories, {"revenue ¥": [float(r[2]) for r in rows]}, label="RFM segment revenue")
    return _chart("rfm_segments", title, "Persons per RFM segment (group-wide), then their net spend in the RFM window.", body, bool(rows))


def lifecycle_status(w: Warehouse) -> Chart:
    title = "Lifecycle and status"
    if not w.has("person_tags"):
        return _missing("lifecycle_status", title, "person_tags")
    rows = w.rows(
        "select lifecycle_stage, activity_status, count(*) from person_tags "
        "where lifecycle_stage is not null group by 1, 2 order by 1, 2"
    )
    stages = sorted({r[0] for r in rows}, key=lambda s: ("prospect", "new", "returning", "member").index(s) if s in ("prospect", "new", "returning", "member") else 9)
    statuses = sorted({r[1] for r in rows if r[1] is not None})
    grid = {(r[0], r[1]): r[2] for r in rows}
    lifecycle_labels, status_labels = w.labels("lifecycle_stage"), w.labels("activity_status")
    body = svg.bar_chart(
        [lifecycle_labels.get(s, s) for s in stages],
        {status_labels.get(st, st): [grid.get((s, st), 0) for s in stages] for st in statuses},
        stacked=True, label=title,
    )
    return _chart("lifecycle_status", title, "Persons per lifecycle stage (潜客 → 新客 → 老客 → 会员), split by activity status.", body, bool(rows))


def acquisition(w: Warehouse) -> Chart:
    title = "Acquisition by channel"
    if not w.has("funnel_daily"):
        return _missing("acquisition", title, "funnel_daily")
    start = data_start(w)
    rows = w.rows(
        """
        select cast(date_trunc('week', funnel_date) as date) as week, source_name, sum(oneids_new)
        from funnel_daily
        where source_name <> 'all' and funnel_date >= coalesce(cast(? as date), date '0001-01-01')
        group by 1, 2 order by 1, 2
        """,
        [start],
    )
    weeks = sorted({r[0] for r in rows})
    # The first week holds everyone already known when the data starts: drawn, but it would flatten the rest.
    sources = sorted({r[1] for r in rows})
    grid = {(r[0], r[1]): float(r[2]) for r in rows}
    series = {s: [grid.get((wk, s), 0.0) for wk in weeks[1:]] for s in sources if any(grid.get((wk, s), 0) for wk in weeks[1:])}
    body = svg.line_chart(axis_labels(weeks[1:]), series, label=title)
    return _chart(
        "acquisition", title,
        "New persons (OneIDs) per week by the source of their first record (the first week, the backlog, is left out)."
        + _since(start),
        body, bool(series),
    )


def purchase_funnel(w: Warehouse) -> Chart:
    title = "First purchases, repurchases, sleeping and churned"
    if not w.has("funnel_daily"):
        return _missing("purchase_funnel", title, "funnel_daily")
    start = data_start(w)
    rows = w.rows(
        """
        select cast(date_trunc('week', funnel_date) as date) as week,
               sum(first_purchases), sum(repurchases), sum(newly_sleeping), sum(newly_churned)
        from funnel_daily
        where funnel_date >= coalesce(cast(? as date), date '0001-01-01')
        group by 1 order by 1
        """,
        [start],
    )
    series = {
        "first purchases": [float(r[1]) for r in rows],
        "repurchases": [float(r[2]) for r in rows],
        "newly sleeping": [float(r[3]) for r in rows],
        "newly churned": [float(r[4]) for r in rows],
    }
    body = svg.line_chart(axis_labels([r[0] for r in rows]), series, label=title)
    return _chart("purchase_funnel", title, "Per week, all sources and brands." + _since(start), body, bool(rows))


def campaigns(w: Warehouse) -> Chart:
    title = "Campaign performance"
    if not w.has("campaign_performance"):
        return _missing("campaigns", title, "campaign_performance")
    by_channel = w.rows(
        """
        select channel, sum(touches_sent), sum(touches_delivered), sum(touches_opened), sum(touches_clicked),
               sum(persons_purchased), sum(revenue)
        from campaign_performance group by 1 order by 1
        """
    )
    top = w.rows(
        "select coalesce(campaign_name, campaign_id || ' ' || channel), revenue from campaign_performance "
        "order by revenue desc, 1 limit 10"
    )
    names = ("sent", "delivered", "opened", "clicked", "purchased")
    body = svg.bar_chart(
        [r[0] for r in by_channel], {name: [float(r[i + 1]) for r in by_channel] for i, name in enumerate(names)},
        label="Campaign funnel per channel",
    )
    body += svg.bar_chart([r[0] for r in top], {"revenue ¥": [float(r[1]) for r in top]}, label="Top campaigns by revenue")
    window = w.rows("select max(attribution_days) from campaign_performance")[0][0]
    return _chart(
        "campaigns", title,
        f"Touches per channel, and persons who bought within {window} days of a delivered touch; below, attributed revenue of the top campaigns.",
        body, bool(by_channel),
    )


def campaign_lift(w: Warehouse) -> Chart:
    title = "Campaign lift over holdout"
    if not w.has("campaign_performance"):
        return _missing("campaign_lift", title, "campaign_performance")
    rows = w.rows(
        """
        select coalesce(campaign_name, campaign_id), 100 * treatment_conversion_rate, 100 * holdout_conversion_rate,
               100 * absolute_lift, 100 * absolute_lift_ci_low, 100 * absolute_lift_ci_high,
               treatment_people, holdout_people
        from campaign_performance where holdout_people > 0 order by 1
        """
    )
    labels = [
        f"{name} (lift {lift:+.1f} pts, 95% CI {low:+.1f} to {high:+.1f}; n={treated}/{held})"
        for name, _, _, lift, low, high, treated, held in rows
    ]
    body = svg.bar_chart(
        labels,
        {"treatment %": [float(r[1]) for r in rows], "holdout %": [float(r[2]) for r in rows]},
        label="Conversion of treatment and holdout people",
        value_suffix="%",
    )
    window = w.rows("select max(attribution_days) from campaign_performance")[0][0]
    return _chart(
        "campaign_lift", title,
        f"Campaigns with a holdout group: the share of treatment and holdout people who bought the campaign's brand within "
        f"{window} days of being assigned, the absolute lift in percentage points and its 95% confidence interval.",
        body, bool(rows),
    )


def match_rates(w: Warehouse) -> Chart:
    title = "Audience match rates"
    if not w.has("media_audience_match_rates"):
        return _missing("match_rates", title, "media_audience_match_rates")
    rows = w.rows(
        """
        select coalesce(campaign_name, campaign_id) || ' · ' || id_type, 100 * match_rate, exported_people
        from media_audience_match_rates order by campaign_id, id_type = 'any' desc, id_type
        """
    )
    body = svg.bar_chart(
        [f"{r[0]} (of {r[2]})" for r in rows], {"matched %": [float(r[1]) for r in rows]},
        label="Exported people the platform's backflow later matched", value_suffix="%",
    )
    return _chart(
        "match_rates", title,
        "Per media campaign and identifier type: the share of exported people whom the platform's backflow named afterwards.",
        body, bool(rows),
    )


def media(w: Warehouse) -> Chart:
    title = "Media backflow"
    if not w.has("media_backflow_performance"):
        return _missing("media", title, "media_backflow_performance")
    rows = w.rows(
        """
        select platform, sum(impressions), sum(clicks), sum(matched_persons), sum(persons_purchased), sum(cost),
               sum(cost) / nullif(sum(matched_persons), 0)
        from media_backflow_performance group by 1 order by 1
        """
    )
    body = svg.bar_chart(
        [r[0] for r in rows],
        {"impressions": [float(r[1]) for r in rows], "clicks": [float(r[2]) for r in rows],
         "matched persons": [float(r[3]) for r in rows], "purchased": [float(r[4]) for r in rows]},
        label="Media backflow per platform",
    )
    body += svg.bar_chart([r[0] for r in rows], {"cost per matched person ¥": [float(r[6] or 0) for r in rows]}, label="Cost per matched person")
    return _chart("media", title, "Backflow events per platform, persons matched through hashed ids, and the cost per matched person.", body, bool(rows))


def component_sizes(w: Warehouse) -> Chart:
    title = "OneID component sizes"
    if not w.has("identity_component_sizes"):
        return _missing("component_sizes", title, "identity_component_sizes")
    rows = w.rows("select size_bucket, persons from identity_component_sizes order by size_bucket_order")
    body = svg.bar_chart([f"{r[0]} identifiers" for r in rows], {"persons": [r[1] for r in rows]}, label=title)
    return _chart("component_sizes", title, "Persons by the number of identifiers their OneID holds; a long tail means over-merging.", body, bool(rows))


def identity_growth(w: Warehouse) -> Chart:
    title = "Identity health"
    if not w.has("identity_health_daily"):
        return _missing("identity_growth", title, "identity_health_daily")
    start = data_start(w)
    rows = w.rows(
        "select health_date, identifiers_total, persons_total from identity_health_daily "
        "where health_date >= coalesce(cast(? as date), date '0001-01-01') order by 1",
        [start],
    )
    body = svg.line_chart(
        axis_labels([r[0] for r in rows]),
        {"identifiers": [float(r[1]) for r in rows], "persons": [float(r[2]) for r in rows]},
        label=title,
    )
    tonight = w.rows(
        "select hubs_cut, links_cut, identifier_values_rejected, oneid_changes from identity_health_daily where is_business_date"
    )
    detail = ""
    if tonight:
        hubs, links, rejected, changes = tonight[0]
        detail = f" Tonight: {hubs} hubs cut, {links} links cut, {rejected:,} identifier values rejected, {changes:,} OneID changes."
    return _chart(
        "identity_growth", title, "Identifiers and persons known by each date." + _since(start) + detail, body, bool(rows)
    )


def data_quality(w: Warehouse) -> Chart:
    title = "Data quality"
    if not w.has("ingestion_daily"):
        return _missing("data_quality", title, "ingestion_daily")
    rows = w.rows("select source_name, sum(rows_landed), sum(rows_quarantined) from ingestion_daily group by 1 order by 1")
    body = svg.bar_chart(
        [r[0] for r in rows], {"landed": [float(r[1]) for r in rows], "quarantined": [float(r[2]) for r in rows]},
        stacked=True, label="Rows landed and quarantined per source",
    )
    if w.has("quarantine_reasons_daily"):
        reasons = w.rows(
            "select source_name || ': ' || reason_code, sum(rows_quarantined) from quarantine_reasons_daily group by 1 order by 2 desc, 1 limit 12"
        )
        if reasons:
            body += svg.bar_chart([r[0] for r in reasons], {"rows": [float(r[1]) for r in reasons]}, label="Quarantine reasons")
    caption = "Rows landed and quarantined per source over every load; below, the quarantine reasons."
    if w.has("brand_name_resolution"):
        unresolved = w.rows(
            "select name_as_delivered || ' (' || unresolved_reason || coalesce(': ' || candidate_brands, '') || ')', "
            "delivered_rows from brand_name_resolution where not is_resolved order by delivered_rows desc, 1 limit 12"
        )
        if unresolved:
            body += svg.bar_chart(
                [r[0] for r in unresolved], {"rows": [float(r[1]) for r in unresolved]},
                label="Shop and store names that resolve to no brand",
            )
            caption += " Last, the shop and store names that resolve to no brand: their rows count for no brand."
    return _chart("data_quality", title, caption, body, bool(rows))


def run_history(records: Sequence[RunRecord]) -> Chart:
    title = "Run history"
    recent = [r for r in records if r.stages][-20:]
    if not recent:
        return Chart("run_history", title, "No runs recorded yet.", svg.empty_chart("no runs yet"), False)
    stage_names: list[str] = []
    for record in recent:
        for stage in record.stages:
            if stage.name not in stage_names:
                stage_names.append(stage.name)
    seconds = {
        name: [sum(s.seconds or 0 for s in r.stages if s.name == name) for r in recent] for name in stage_names
    }
    categories = [f"{r.business_date} {r.command} {'✓' if r.status != 'failed' else '✗'}" for r in recent]
    body = svg.bar_chart(categories, seconds, stacked=True, label=title, value_suffix="s")
    return Chart("run_history", title, "Seconds per stage of the latest runs (✗ failed, undone).", body, True)


WAREHOUSE_CHARTS: tuple[Callable[[Warehouse], Chart], ...] = (
    aipl_funnel,
    aipl_flow,
    rfm_segments,
    lifecycle_status,
    acquisition,
    purchase_funnel,
    campaigns,
    campaign_lift,
    media,
    match_rates,
    component_sizes,
    identity_growth,
    data_quality,
)
