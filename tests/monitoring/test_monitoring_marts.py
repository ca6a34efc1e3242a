"""Monitoring marts on the published test home, each against an independent recomputation."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import timedelta

import duckdb
import pytest

from pipeline.home import Home


@pytest.fixture(scope="module")
def stores(published_home: Home):
    con = duckdb.connect(str(published_home.warehouse), read_only=True)
    con.execute(f"attach '{published_home.restricted}' as restricted (read_only)")
    yield con
    con.close()


def test_identity_health_ends_at_tonight_graph(stores) -> None:
    persons, identifiers = stores.execute(
        "select count(distinct oneid), count(*) from map_identifier_oneid"
    ).fetchone()
    row = stores.execute(
        "select persons_total, identifiers_total, max_component_size from identity_health_daily where is_business_date"
    ).fetchone()
    assert row[0] == persons and row[1] == identifiers
    largest = stores.execute("select max(oneid_identifiers) from map_identifier_oneid").fetchone()[0]
    assert row[2] == largest
    assert stores.execute("select count(*) from identity_health_daily where health_date > (select health_date from identity_health_daily where is_business_date)").fetchone()[0] == 0


def test_component_sizes_cover_every_person(stores) -> None:
    sizes = defaultdict(int)
    for (size,) in stores.execute("select count(*) from map_identifier_oneid group by oneid").fetchall():
        sizes[str(size) if size < 10 else "10+"] += 1
    mart = dict(stores.execute("select size_bucket, persons from identity_component_sizes").fetchall())
    assert mart == dict(sizes)


def test_campaign_performance_recomputed_from_touches_and_orders(stores) -> None:
    window = timedelta(days=stores.execute("select max(attribution_days) from campaign_performance").fetchone()[0])
    touches = stores.execute(
        "select campaign_id, channel, oneid, sent_at, is_delivered from restricted.int_engagement__campaign_touches"
    ).fetchall()
    orders_by_person = defaultdict(list)
    for order_key, oneid, ordered_at, net in stores.execute(
        "select order_key, oneid, ordered_at, net_amount from restricted.int_commerce__orders "
        "where is_valid_purchase and oneid is not null"
    ).fetchall():
        orders_by_person[oneid].append((order_key, ordered_at, net))
    sent = defaultdict(int)
    attributed: dict[tuple[str, str], dict[str, object]] = defaultdict(dict)
    for campaign_id, channel, oneid, sent_at, delivered in touches:
        sent[campaign_id, channel] += 1
        if not delivered or oneid is None:
            continue
        for order_key, ordered_at, net in orders_by_person[oneid]:
            if sent_at <= ordered_at < sent_at + window:
                attributed[campaign_id, channel][order_key] = net
    mart = {
        (c, ch): (n, rev)
        for c, ch, n, rev in stores.execute(
            # Campaigns without touches are there for their lift only.
            "select campaign_id, channel, touches_sent, revenue from campaign_performance where touches_sent > 0"
        ).fetchall()
    }
    assert set(mart) == set(sent)
    for key, (n, revenue) in mart.items():
        assert n == sent[key]
        assert revenue == sum(attributed[key].values(), start=0), key
    matched = stores.execute("select sum(touches_matched), sum(touches_sent) from campaign_performance").fetchone()
    assert matched[0] > 0.5 * matched[1], "most touches reach a person (attribution windows: the dbt unit test)"


def test_media_backflow_matches_recomputed_digests(stores) -> None:
    """Hash our raw phones and devices in Python and match the platforms' digests ourselves."""
    digests: dict[tuple[str, str], set[str]] = defaultdict(set)
    rows = stores.execute(
        """
        select ids.id_type, ids.value, oneids.oneid
        from restricted.int_identifiers as ids
        inner join restricted.int_identifier_oneids as oneids on ids.identifier_key = oneids.identifier_key
        where ids.id_type in ('phone', 'idfa', 'imei')
        """
    ).fetchall()
    for id_type, value, oneid in rows:
        digests[f"{id_type}_md5", hashlib.md5(value.encode()).hexdigest()].add(oneid)
        if id_type == "phone":
            digests["phone_sha256", hashlib.sha256(value.encode()).hexdigest()].add(oneid)
    matched: dict[str, int] = defaultdict(int)
    events: dict[str, int] = defaultdict(int)
    for platform, id_type, id_value in stores.execute(
        "select platform, id_type, id_value from restricted.stg_ads__backflow_events where id_type <> 'oaid_md5'"
    ).fetchall():
        events[platform] += 1
        if len(digests.get((id_type, id_value), ())) == 1:
            matched[platform] += 1
    mart = dict(
        stores.execute(
            """
            select platform, count(*) filter (where oneid is not null)
            from restricted.int_engagement__backflow_events where id_type <> 'oaid_md5' group by 1
            """
        ).fetchall()
    )
    assert mart == dict(matched)
    assert sum(matched.values()) > 0
    totals = dict(stores.execute("select platform, sum(events) from media_backflow_performance group by 1").fetchall())
    all_events = dict(stores.execute("select platform, count(*) from restricted.stg_ads__backflow_events group by 1").fetchall())
    assert totals == all_events


def test_funnel_counts_every_person_and_first_purchase_once(stores) -> None:
    new_persons = stores.execute("select sum(oneids_new) from funnel_daily").fetchone()[0]
    persons_with_records = stores.execute(
        "select count(distinct oneid) from restricted.int_record_oneids where oneid is not null"
    ).fetchone()[0]
    assert new_persons == persons_with_records
    first, repeat = stores.execute("select sum(first_purchases), sum(repurchases) from funnel_daily").fetchone()
    pairs, orders = stores.execute(
        "select count(distinct (oneid, coalesce(brand, 'unknown'))), count(*) from restricted.int_commerce__orders "
        "where is_valid_purchase and oneid is not null"
    ).fetchone()
    assert first == pairs and first + repeat == orders


def test_aipl_flow_ends_in_tonight_stages(stores) -> None:
    tonight = dict(
        stores.execute(
            "select aipl_stage, count(*) from aipl_stage_history where is_current group by 1"
        ).fetchall()
    )
    flow = dict(stores.execute("select to_stage, sum(persons) from aipl_flow where to_stage <> 'none' group by 1").fetchall())
    assert flow == tonight


def test_campaign_performance_names_the_seeds_campaigns(stores) -> None:
    """The demo's touch logs send under the campaigns seed's ids: those campaigns carry the seed's names."""
    named = dict(stores.execute("select campaign_id, campaign_name from campaign_performance where campaign_name is not null").fetchall())
    seed = dict(stores.execute("select campaign_id, campaign_name from campaigns").fetchall())
    assert named and all(seed[campaign_id] == name for campaign_id, name in named.items())
    unnamed = [row[0] for row in stores.execute("select campaign_id from campaign_performance where campaign_name is null").fetchall()]
    assert not set(unnamed) & set(seed)


def test_every_demo_brand_name_resolves(stores) -> None:
    """The demo's shops are in the alias seed and its brand columns hold seed brands: nothing unresolved."""
    rows = stores.execute("select resolved_by, count(*), sum(delivered_rows) from brand_name_resolution group by 1").fetchall()
    assert rows and {r[0] for r in rows} <= {"alias_seed", "known_brand"}
    # ... and every name resolves to a brand of the seed, not to a brand of its own.
    assert stores.execute(
        "select distinct brand from brand_name_resolution"
        " where brand not in (select brand from restricted.identity_brand_aliases)"
    ).fetchall() == []
