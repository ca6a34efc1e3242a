"""campaign_eligibility and the audiences on the published demo night, checked
against independent recomputations from the restricted store."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from pipeline.home import Home
from tests.conftest import BASELINE_DATE

PROJECT = Path(__file__).resolve().parents[2]
REASONS = ("is_opted_out", "has_no_consent", "has_no_reachable_identifier", "is_frequency_capped",
           "is_outside_brand_scope", "is_suppressed", "is_taken_by_higher_priority", "is_holdout", "is_over_person_cap")


@pytest.fixture(scope="module")
def stores(published_home: Home) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(published_home.warehouse), read_only=True)
    con.execute(f"attach '{published_home.restricted}' as restricted (read_only)")
    yield con
    con.close()


def test_every_running_campaign_covers_exactly_its_audience(stores: duckdb.DuckDBPyConnection) -> None:
    expected = stores.execute(
        """
        select distinct c.campaign_id, m.oneid
        from campaigns c
        join restricted.main.int_activation__audience_members m
          on m.audience = c.audience and (m.brand is null or c.brand is null or m.brand = c.brand)
        where ? between c.start_date and c.end_date
        """,
        [BASELINE_DATE],
    ).fetchall()
    actual = stores.execute("select campaign_id, oneid from campaign_eligibility").fetchall()
    assert expected and sorted(actual) == sorted(expected)
    ended = stores.execute("select campaign_id from campaigns where end_date < ?", [BASELINE_DATE]).fetchall()
    assert ended, "the seed ships an ended campaign"
    assert not stores.execute(
        "select 1 from campaign_eligibility where campaign_id in (select campaign_id from campaigns where end_date < ?)",
        [BASELINE_DATE],
    ).fetchall()


def test_reasons_text_lists_exactly_the_reasons_set(stores: duckdb.DuckDBPyConnection) -> None:
    rows = stores.execute(f"select is_eligible, ineligibility_reasons, {', '.join(REASONS)} from campaign_eligibility").fetchall()
    codes = ("opted_out", "no_consent", "no_reachable_identifier", "frequency_capped",
             "outside_brand_scope", "suppressed", "taken_by_higher_priority", "holdout", "over_person_cap")
    assert any(not r[0] for r in rows) and any(r[0] for r in rows)
    for eligible, text, *flags in rows:
        listed = set((text or "").split(",")) - {""}
        assert listed == {code for code, flag in zip(codes, flags) if flag}
        assert eligible == (not listed)


def test_opt_outs_recomputed_from_the_consent_log(stores: duckdb.DuckDBPyConnection) -> None:
    """SMS: a person is opted out when the latest SMS event of one of their phones or member ids is an opt-out."""
    events = stores.execute(
        """
        select e.id_type, e.id_value_normalized, e.event_at, e.is_opt_in
        from restricted.main.stg_consents__consent_events e
        where e.channel = 'sms' and e.id_value_normalized is not null and cast(e.event_at as date) <= ?
        """,
        [BASELINE_DATE],
    ).fetchall()
    latest: dict[tuple[str, str], tuple[object, bool]] = {}
    for id_type, value, at, opt_in in events:
        key = (id_type, value)
        if key not in latest or (at, not opt_in) > (latest[key][0], not latest[key][1]):
            latest[key] = (at, opt_in)
    owners: dict[tuple[str, str], set[str]] = {}
    for id_type, value, oneid in stores.execute(
        "select id_type, value, oneid from restricted.main.int_identifier_oneids where id_type in ('phone', 'crm_member_id')"
    ).fetchall():
        owners.setdefault(("phone" if id_type == "phone" else "member_id", value), set()).add(oneid)
    opted_out = {o for key, (_, opt_in) in latest.items() if not opt_in for o in owners.get(key, set())}
    rows = stores.execute("select oneid, is_opted_out from campaign_eligibility where channel = 'sms'").fetchall()
    assert rows
    for oneid, flag in rows:
        assert flag == (oneid in opted_out), oneid


def test_suppressed_people_are_never_eligible(stores: duckdb.DuckDBPyConnection) -> None:
    assert not stores.execute(
        """
        select 1 from campaign_eligibility e
        join restricted.main.int_activation__suppressed_people s on e.oneid = s.oneid
        where e.is_eligible or not e.is_suppressed
        """
    ).fetchall()


def test_exclusion_groups_never_share_an_eligible_person(stores: duckdb.DuckDBPyConnection) -> None:
    assert not stores.execute(
        """
        select c.exclusion_group, e.oneid
        from campaign_eligibility e join campaigns c using (campaign_id)
        where e.is_eligible and c.exclusion_group is not null
        group by 1, 2 having count(*) > 1
        """
    ).fetchall()


def test_person_caps_hold(stores: duckdb.DuckDBPyConnection) -> None:
    assert not stores.execute(
        """
        select e.campaign_id from campaign_eligibility e join campaigns c using (campaign_id)
        where c.person_cap is not null and e.is_eligible
        group by e.campaign_id, c.person_cap having count(*) > c.person_cap
        """
    ).fetchall()


def test_audiences_carry_their_meta() -> None:
    spec = yaml.safe_load((PROJECT / "models" / "audiences" / "_audiences__models.yml").read_text(encoding="utf-8"))
    models = {m["name"]: m for m in spec["models"]}
    on_disk = {p.stem for p in (PROJECT / "models" / "audiences").glob("aud_*.sql")}
    assert set(models) == on_disk and on_disk
    members = (PROJECT / "models" / "intermediate" / "activation" / "int_activation__audience_members.sql").read_text()
    assert {name for name in on_disk if f"'{name}'" not in members} == set(), "every audience is a campaign's to select"
    for name, model in models.items():
        config = model["config"]
        assert "audience" in config["tags"]
        assert {"name_zh", "name_en", "description", "brand_scope", "owner"} <= set(config["meta"]), name
