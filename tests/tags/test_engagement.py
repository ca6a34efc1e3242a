"""Engagement tags on the published demo: AIPL per brand and its night-to-night
history, channel preference and media backflow groups (docs/tags.md).

The stage and the preferred channel are recomputed here in Python from the
restricted store's unified interactions and touches, with the rules as
docs/tags.md states them, and must agree with the marts row for row. The
AIPL history is replayed over two nights from the SQL dbt compiled for the
published home (as tests/identity/test_stable_oneids.py does), so no second
dbt build is needed.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
import yaml

from pipeline.home import Home
from pipeline.state import STATE_TABLES, promote, stage_state_snapshots, write_state_schema_files
from tests.conftest import BASELINE_DATE

PROJECT = Path(__file__).resolve().parents[2]
STAGES = ("aware", "interest", "purchase", "loyal")


def dbt_vars() -> dict[str, object]:
    return yaml.safe_load((PROJECT / "dbt_project.yml").read_text())["vars"]


def query(home: Home, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        con.execute(f"attach '{home.restricted}' as restricted (read_only)")
        return con.sql(sql).pl()


@pytest.fixture(scope="module")
def aipl(published_home: Home) -> pl.DataFrame:
    return query(published_home, "select * from main.person_brand_aipl")


def expected_aipl(interactions: pl.DataFrame, tiers: pl.DataFrame, business_date: date) -> pl.DataFrame:
    """(oneid, brand, aipl_stage) by the documented rules."""
    settings = dbt_vars()
    engagement_from = business_date - timedelta(days=int(settings["tags_aipl_engagement_window_days"]) - 1)
    purchase_from = business_date - timedelta(days=int(settings["tags_aipl_purchase_window_days"]) - 1)
    day = pl.col("interaction_on")
    in_engagement = day.is_between(engagement_from, business_date)
    in_purchase = day.is_between(purchase_from, business_date)
    signal = pl.col("aipl_signal")
    evidence = interactions.group_by("oneid", "brand").agg(
        purchase_days=day.filter((signal == "purchase") & in_purchase).n_unique(),
        good_review=((signal == "loyal") & in_purchase).any(),
        interest=((signal == "interest") & in_engagement).any(),
        aware=((signal == "aware") & in_engagement).any(),
    )
    people = evidence.join(tiers.with_columns(tier=pl.lit(True)), on=["oneid", "brand"], how="full", coalesce=True)
    stage = (
        pl.when((pl.col("purchase_days") >= 2) | pl.col("good_review") | pl.col("tier").fill_null(False)).then(pl.lit("loyal"))
        .when(pl.col("purchase_days") >= 1).then(pl.lit("purchase"))
        .when(pl.col("interest")).then(pl.lit("interest"))
        .when(pl.col("aware")).then(pl.lit("aware"))
    )  # fmt: skip
    return people.select("oneid", "brand", aipl_stage=stage).drop_nulls("aipl_stage")


def test_aipl_recomputed_from_interactions_agrees_row_for_row(published_home: Home, aipl: pl.DataFrame) -> None:
    interactions = query(published_home, "select * from restricted.int_engagement__interactions")
    tiers = query(
        published_home,
        """select distinct m.oneid, coalesce(a.brand, m.brand) as brand
           from restricted.int_person_memberships m
           left join restricted.identity_brand_aliases a on m.brand = a.alias
           where m.is_current and m.group_tier_rank > 1 and m.oneid is not null""",
    )
    expected = expected_aipl(interactions, tiers, BASELINE_DATE)
    published = aipl.select("oneid", "brand", "aipl_stage")
    assert published.height > 100
    assert published.select("oneid", "brand").is_unique().all()
    assert published.sort("oneid", "brand").equals(expected.sort("oneid", "brand"))
    # A realistic base has every stage, and every brand has people at each.
    assert set(published["aipl_stage"]) == set(STAGES)
    assert published.group_by("brand").agg(pl.col("aipl_stage").n_unique())["aipl_stage"].min() >= 3


def test_every_interaction_source_reaches_the_unified_table(published_home: Home) -> None:
    sources = set(query(published_home, "select distinct source_name from restricted.int_engagement__interactions")["source_name"])
    assert {"app_events", "wechat_oa_followers", "wechat_miniapp_users", "crm_members", "orders", "campaign_touches", "ad_backflow"} <= sources


def test_tonights_stages_are_exported_as_state(published_home: Home, aipl: pl.DataFrame) -> None:
    (table,) = [t for t in STATE_TABLES if t.name == "aipl_stage_runs"]
    snapshot = pl.read_parquet(published_home.state / table.name / f"business_date={BASELINE_DATE}.parquet")
    assert snapshot.schema == table.schema
    # The demo's first published night: every run starts tonight and holds.
    assert snapshot.select("oneid", "brand", "aipl_stage").sort("oneid", "brand").equals(
        aipl.select("oneid", "brand", "aipl_stage").sort("oneid", "brand")
    )
    assert snapshot.select((pl.col("valid_from") == BASELINE_DATE).all() & pl.col("valid_to").is_null().all()).item()
    history = query(published_home, "select valid_from, is_current, count(*) as n from main.aipl_stage_history group by all")
    assert history.rows() == [(BASELINE_DATE, True, aipl.height)]


def test_every_tag_value_has_an_english_code_and_a_chinese_label(published_home: Home) -> None:
    values = pl.read_csv(PROJECT / "seeds" / "tags" / "tag_values.csv")
    codes = {(tag, code) for tag, code in values.select("tag_name", "value_code").iter_rows()}
    assert values.filter(pl.col("tag_name").is_in(["aipl_stage", "preferred_channel", "backflow_group"]))["label_zh"].null_count() == 0
    used = query(
        published_home,
        """select distinct 'aipl_stage' as tag_name, aipl_stage as value_code from main.person_brand_aipl
           union select distinct 'aipl_stage_reason', stage_reason from main.person_brand_aipl
           union select distinct 'preferred_channel', preferred_channel from main.person_channel_preference
           union select distinct 'backflow_group', backflow_group from main.person_media_backflow""",
    )
    assert set(used.iter_rows()) <= codes


def test_channel_preference_recomputed_from_touches(published_home: Home) -> None:
    settings = dbt_vars()
    since = BASELINE_DATE - timedelta(days=int(settings["tags_channel_window_days"]) - 1)
    minimum = int(settings["tags_channel_min_touches"])
    touches = query(
        published_home,
        f"""select oneid, channel, opened_at is not null as opened, clicked_at is not null as clicked
            from restricted.int_engagement__campaign_touches
            where oneid is not null and is_delivered and channel in ('sms', 'wechat_template', 'app_push')
              and sent_on between date '{since}' and date '{BASELINE_DATE}'""",
    )
    rates = touches.group_by("oneid", "channel").agg(
        delivered=pl.len(), click_rate=pl.col("clicked").mean(), open_rate=pl.col("opened").mean()
    ).with_columns(open_rate=pl.when(pl.col("channel") == "sms").then(None).otherwise(pl.col("open_rate")))
    expected: dict[str, str] = {}
    for (oneid,), group in rates.group_by("oneid"):
        trusted = [r for r in group.iter_rows(named=True) if r["delivered"] >= minimum]
        if not trusted:
            expected[oneid] = "insufficient_touches"
            continue
        best = sorted(trusted, key=lambda r: (-r["click_rate"], -(r["open_rate"] if r["open_rate"] is not None else -1), -r["delivered"], r["channel"]))[0]
        expected[oneid] = "unresponsive" if best["click_rate"] == 0 and not best["open_rate"] else best["channel"]
    published = dict(query(published_home, "select oneid, preferred_channel from main.person_channel_preference").iter_rows())
    assert len(expected) > 10
    assert {oneid: channel for oneid, channel in published.items() if oneid in expected} == expected
    # People whose touches were never delivered have a row and no trusted channel.
    never_delivered = set(published) - set(expected)
    assert {published[oneid] for oneid in never_delivered} <= {"insufficient_touches"}


def test_backflow_groups_follow_their_rules(published_home: Home) -> None:
    groups = query(published_home, "select * from main.person_media_backflow")
    matched = query(
        published_home,
        f"""select oneid, count(*) filter (where event_name = 'impression') as impressions,
                   count(*) filter (where event_name = 'click') as clicks,
                   count(*) filter (where event_name = 'conversion') as conversions
            from restricted.int_engagement__backflow_events
            where oneid is not null
              and event_on > date '{BASELINE_DATE}' - interval {int(dbt_vars()["tags_backflow_window_days"])} day
              and event_on <= date '{BASELINE_DATE}'
            group by oneid""",
    )
    assert groups.height == matched.height > 10
    assert groups.select("oneid", "impressions", "clicks", "conversions").sort("oneid").equals(
        matched.cast({c: pl.Int64 for c in ("impressions", "clicks", "conversions")}).sort("oneid")
    )
    first_match = (
        pl.when(pl.col("purchase_days") >= 2).then(pl.lit("high_repurchase_value"))
        .when((pl.col("conversions") > 0) | pl.col("has_purchase_after_click")).then(pl.lit("high_conversion_value"))
        .when(pl.col("clicks") >= 1).then(pl.lit("high_reach_value"))
        .when(pl.col("impressions") >= 1).then(pl.lit("potential_reach"))
    )  # fmt: skip
    assert groups.select((pl.col("backflow_group") == first_match).all()).item()
    assert groups["backflow_group"].n_unique() >= 3


# ----------------------------------------------------------- nights of history

HISTORY_MODELS = (
    "staging/state/stg_state__aipl_stage_runs",
    "intermediate/engagement/int_engagement__aipl_stage_runs",
    "marts/tags/aipl_stage_history",
)
NIGHT_1 = date(2026, 3, 1)
NIGHT_2 = date(2026, 3, 2)
NIGHT_4 = date(2026, 3, 4)  # night 3 was never published
# (oneid, brand, stage) and identifier hash -> OneID of night 1.
NIGHT_1_STAGES = [("OID_A", "beian", "interest"), ("OID_B", "beian", "purchase"), ("OID_C", "xingye", "aware")]
NIGHT_1_ONEIDS = {"h-a": "OID_A", "h-b": "OID_B", "h-c": "OID_C"}


def compiled_history_models(published: Home) -> dict[str, str]:
    target = sorted(published.runs.glob("*/dbt/target"))[-1]
    compiled = {}
    for model in HISTORY_MODELS:
        sql = (target / "compiled" / "oneid" / "models" / f"{model}.sql").read_text()
        sql = sql.replace(f"'{BASELINE_DATE.isoformat()}'", "'{business_date}'").replace(str(published.state), "{state}")
        compiled[model.split("/")[-1]] = sql
    return compiled


def replay_night(home: Home, compiled: dict[str, str], night: date, stages: list[tuple[str, str, str]],
                 oneids: dict[str, str]) -> set[tuple[object, ...]]:
    """Build the night from (oneid, brand, stage) and identifier hash -> OneID; publish its state; return the history."""
    store = home.root / f"restricted-{night}.duckdb"
    store.unlink(missing_ok=True)
    tonight = ", ".join(f"('{o}', '{b}', '{s}')" for o, b, s in stages) or "(null, null, null)"
    identifiers = ", ".join(f"('{h}', '{o}')" for h, o in oneids.items())
    with duckdb.connect() as con:
        con.execute(f"attach '{store}' as restricted")
        con.execute(
            "create table restricted.main.int_engagement__aipl_stages as select * from (values "
            f"{tonight}) as t(oneid, brand, aipl_stage) where oneid is not null"
        )
        con.execute(f"create table restricted.main.int_identifier_oneids as select * from (values {identifiers}) as t(identifier_hash, oneid)")
        for model, sql in compiled.items():
            sql = sql.replace("{business_date}", night.isoformat()).replace("{state}", str(home.state))
            con.execute(f'create table restricted.main."{model}" as {sql}')
        history = set(
            con.execute(
                "select oneid, brand, aipl_stage, valid_from, valid_to, previous_aipl_stage from restricted.main.aipl_stage_history"
            ).fetchall()
        )
        con.execute("detach restricted")
    promote(stage_state_snapshots(home, store, night))
    return history


def test_aipl_history_carries_stages_across_nights_and_merges(published_home: Home, tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    write_state_schema_files(home)
    compiled = compiled_history_models(published_home)
    first = replay_night(home, compiled, NIGHT_1, NIGHT_1_STAGES, NIGHT_1_ONEIDS)
    assert first == {(o, b, s, NIGHT_1, None, None) for o, b, s in NIGHT_1_STAGES}
    # Night 2: A and B merged into A (B's anchor now belongs to A); A is loyal; C dropped out.
    merged = {**NIGHT_1_ONEIDS, "h-b": "OID_A"}
    second = replay_night(home, compiled, NIGHT_2, [("OID_A", "beian", "loyal")], merged)
    assert second == {
        ("OID_A", "beian", "purchase", NIGHT_1, NIGHT_2, None),  # the higher of the two merged stages
        ("OID_A", "beian", "loyal", NIGHT_2, None, "purchase"),
        ("OID_C", "xingye", "aware", NIGHT_1, NIGHT_2, None),
    }
    # Night 4 (night 3 never published): A's loyal run goes on; C is back, with no stage just before.
    fourth = replay_night(home, compiled, NIGHT_4, [("OID_A", "beian", "loyal"), ("OID_C", "xingye", "interest")], merged)
    assert fourth == second | {("OID_C", "xingye", "interest", NIGHT_4, None, None)}
    # A rerun of night 2 sees only the nights before it, never night 4.
    assert replay_night(home, compiled, NIGHT_2, [("OID_A", "beian", "loyal")], merged) == second
    assert sorted(p.name for p in (home.state / "aipl_stage_runs").glob("business_date=*.parquet")) == [
        f"business_date={night}.parquet" for night in (NIGHT_1, NIGHT_2, NIGHT_4)
    ]
