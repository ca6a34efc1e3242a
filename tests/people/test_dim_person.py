"""dim_person on the published demo warehouse: one row per OneID, nothing raw,
and a golden record that agrees with an independent computation from the
staged data and with the generator's ground truth."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipeline.home import Home

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "people"
COUNTED_STATUSES = {"active", "frozen"}  # dbt_project.yml var people_member_statuses


@pytest.fixture(scope="module")
def warehouse(published_home: Home) -> Iterator[duckdb.DuckDBPyConnection]:
    """The published analyst warehouse, with the restricted store attached as `r`."""
    connection = duckdb.connect(str(published_home.warehouse), read_only=True)
    connection.execute(f"attach '{published_home.restricted}' as r (read_only)")
    yield connection
    connection.close()


def seed_rows(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def seed_table(rows: list[dict[str, str]], keys: tuple[str, ...], value: str) -> dict[tuple[str, ...], str]:
    """(key columns) -> value column of a seed; `lookup` lets `*` rows answer for brands without their own row."""
    return {tuple(row[k] for k in keys): row[value] for row in rows}


def lookup(table: dict[tuple[str, ...], str], programme: str, brand: str, *rest: str) -> str | None:
    return table.get((programme, brand, *rest), table.get((programme, "*", *rest)))


def test_every_oneid_has_exactly_one_person(warehouse: duckdb.DuckDBPyConnection) -> None:
    people = [row[0] for row in warehouse.execute("select oneid from dim_person").fetchall()]
    mapped = {row[0] for row in warehouse.execute("select distinct oneid from map_identifier_oneid").fetchall()}
    assert len(people) == len(set(people))
    assert set(people) == mapped
    assert len(mapped) > 100


def test_dim_person_holds_no_raw_name_phone_or_email(warehouse: duckdb.DuckDBPyConnection) -> None:
    raw = {
        value
        for row in warehouse.execute(
            "select person_name, primary_phone, primary_email from r.int_person_golden_record"
        ).fetchall()
        for value in row
        if value is not None and len(value) > 1
    }
    assert len(raw) > 100, "the golden record should hold names, phones and emails to protect"
    text_columns = [
        row[0]
        for row in warehouse.execute(
            "select column_name from information_schema.columns "
            "where table_catalog = current_database() and table_name = 'dim_person' and data_type = 'VARCHAR'"
        ).fetchall()
    ]
    for column in text_columns:
        values = {row[0] for row in warehouse.execute(f'select distinct "{column}" from dim_person').fetchall()}
        assert not (values & raw), f"dim_person.{column} holds raw personal data"
    masked = [row[0] for row in warehouse.execute("select name_masked from dim_person where name_masked is not null").fetchall()]
    assert masked and all(set(name[1:]) <= {"*"} for name in masked)


def test_tier_and_points_match_an_independent_computation(warehouse: duckdb.DuckDBPyConnection) -> None:
    tiers = seed_table(seed_rows("programme_tier_mapping"), ("programme", "brand", "tier_name"), "group_tier_code")
    rates = seed_table(seed_rows("programme_points_rates"), ("programme", "brand"), "group_points_per_point")
    ranks = {row["group_tier_code"]: int(row["group_tier_rank"]) for row in seed_rows("group_tier_scale")}
    memberships = warehouse.execute(
        """
        select o.oneid, 'crm', m.brand, m.member_tier, m.points, m.member_status
        from r.stg_crm__members m
        inner join r.int_record_oneids o
            on o.source_name = 'crm_members' and o.record_key = cast(m.crm_member_id as varchar)
        union all
        select o.oneid, 'tmall', t.brand, t.member_level, t.points, null
        from r.stg_tmall__members t
        inner join r.int_record_oneids o
            on o.source_name = 'tmall_members' and o.record_key = cast(t.tmall_member_id as varchar)
        """
    ).fetchall()
    best_rank: dict[str, int] = defaultdict(int)
    points: dict[str, int] = defaultdict(int)
    for oneid, programme, brand, tier_name, programme_points, status in memberships:
        if status is not None and status not in COUNTED_STATUSES:
            continue
        tier = lookup(tiers, programme, brand, tier_name)
        if tier is not None:
            best_rank[oneid] = max(best_rank[oneid], ranks[tier])
        rate = lookup(rates, programme, brand)
        if rate is not None and programme_points is not None:
            points[oneid] += int(Decimal(programme_points) * Decimal(rate) // 1)
    published = warehouse.execute("select oneid, unified_tier_rank, total_points from dim_person").fetchall()
    assert {oneid: rank for oneid, rank, _ in published} == {oneid: best_rank.get(oneid, 0) for oneid, _, _ in published}
    assert {oneid: total for oneid, _, total in published} == {oneid: points.get(oneid, 0) for oneid, _, _ in published}
    assert sum(1 for rank in best_rank.values() if rank >= 2) > 10, "the demo should hold tiers above the entry tier"


def test_member_classes_follow_the_crm_member_types(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute(
        """
        select o.oneid, m.member_type, m.dealer_code
        from r.stg_crm__members m
        inner join r.int_record_oneids o
            on o.source_name = 'crm_members' and o.record_key = cast(m.crm_member_id as varchar)
        where m.member_status in ('active', 'frozen')
        """
    ).fetchall()
    expected: dict[str, set[str]] = defaultdict(set)
    dealers: dict[str, set[str]] = defaultdict(set)
    for oneid, member_type, dealer_code in rows:
        expected[oneid].add(member_type)
        if member_type == "dealer":
            dealers[oneid].add(dealer_code)
    published = warehouse.execute(
        "select oneid, is_group_member, is_dealer_member, is_store_member, dealer_codes from dim_person"
    ).fetchall()
    for oneid, is_group, is_dealer, is_store, dealer_codes in published:
        types = expected.get(oneid, set())
        assert (is_group, is_dealer, is_store) == ("group" in types, "dealer" in types, "store" in types), oneid
        assert set((dealer_codes or "").split(",")) - {""} == dealers.get(oneid, set())
    assert any(row[2] for row in published) and any(row[1] for row in published)


def test_attributes_match_the_generated_ground_truth(published_home: Home, warehouse: duckdb.DuckDBPyConnection) -> None:
    """Where all of a OneID's identifiers belong to one generated person, the
    chosen name, gender, birthday and city are that person's."""
    truth = published_home.truth
    comparison = warehouse.execute(
        f"""
        with owners as (
            select i.oneid, min(t.person_id) as person_id, count(distinct t.person_id) as owners
            from r.int_identifier_oneids i
            inner join read_parquet('{truth / "identifiers.parquet"}') t
                on t.id_type = i.id_type and t.namespace = i.namespace and t.value = i.value
            group by i.oneid
        )
        select
            count(g.person_name), count_if(g.person_name = p.name),
            count(g.gender), count_if(g.gender = p.gender),
            count(g.birthday), count_if(g.birthday = p.birthday),
            count(g.city), count_if(g.city = p.city)
        from r.int_person_golden_record g
        inner join owners o on g.oneid = o.oneid and o.owners = 1
        inner join read_parquet('{truth / "persons.parquet"}') p on o.person_id = p.person_id
        """
    ).fetchone()
    assert comparison is not None
    for chosen, correct in zip(comparison[::2], comparison[1::2]):
        assert chosen > 30
        assert correct >= 0.99 * chosen
