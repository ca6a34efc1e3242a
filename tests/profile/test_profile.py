"""`oneid profile`: typed identifiers find the right person; the view masks them and degrades gracefully."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.home import Home
from pipeline.profile.lookup import PersonNotFound, find_person
from pipeline.identifiers import ONEID_PATTERN, looks_like_oneid, normalize_cn_mobile, normalize_email
from pipeline.profile.sections import build_profile


@pytest.mark.parametrize(
    "typed",
    ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678", "86-13812345678", "138-1234-5678", "１３８１２３４５６７８"],
)
def test_phone_spellings_normalize_like_staging(typed: str) -> None:
    assert normalize_cn_mobile(typed) == "13812345678"


@pytest.mark.parametrize("typed", ["138****5678", "1.38123E+10", "12812345678", "1381234567", "00000"])
def test_unusable_phones_are_not_phones(typed: str) -> None:
    assert normalize_cn_mobile(typed) is None


def test_email_is_trimmed_and_lower_cased() -> None:
    assert normalize_email("  Li.Na@QQ.com ") == "li.na@qq.com"
    assert normalize_email("test@") is None


@pytest.fixture(scope="module")
def buyer(published_home: Home) -> dict[str, str]:
    """The person with the most orders, and a raw phone, email and openid of theirs (from the restricted store)."""
    with duckdb.connect(str(published_home.restricted), read_only=True) as con:
        oneid = con.execute(
            """
            select orders.oneid from int_commerce__orders as orders
            inner join int_identifier_oneids as ids on ids.oneid = orders.oneid and ids.id_type = 'phone'
            group by orders.oneid order by count(*) desc, orders.oneid limit 1
            """
        ).fetchone()[0]
        values = dict(
            con.execute(
                "select id_type, min(value) from int_identifier_oneids where oneid = ? group by 1", [oneid]
            ).fetchall()
        )
        email_owner = con.execute(
            "select value, oneid from int_identifier_oneids where id_type = 'email' order by value limit 1"
        ).fetchone()
        openid_owner = con.execute(
            """
            select value, min(oneid) from int_identifier_oneids where id_type = 'wechat_openid'
            group by value having count(distinct oneid) = 1 order by value limit 1
            """
        ).fetchone()
    return {
        "oneid": oneid,
        "phone": values["phone"],
        "email": email_owner[0],
        "email_oneid": email_owner[1],
        "openid": openid_owner[0],
        "openid_oneid": openid_owner[1],
    }


def test_lookup_by_every_kind_of_input(published_home: Home, buyer: dict[str, str]) -> None:
    phone = buyer["phone"]
    spaced = f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}"
    assert find_person(published_home, spaced).oneid == buyer["oneid"]
    assert find_person(published_home, buyer["oneid"].lower()).oneid == buyer["oneid"]
    assert find_person(published_home, f"  {buyer['email'].upper()} ").oneid == buyer["email_oneid"]
    assert find_person(published_home, buyer["openid"]).oneid == buyer["openid_oneid"]
    with pytest.raises(PersonNotFound):
        find_person(published_home, "13000000001")
    with pytest.raises(PersonNotFound):
        find_person(published_home, "OIDNOBODY")


def test_profile_tells_the_buyer_story_with_masked_identifiers(published_home: Home, buyer: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["profile", buyer["phone"], "--home", str(published_home.root)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert buyer["oneid"] in text
    assert buyer["phone"] not in text, "a raw phone must never be printed"
    assert f"{buyer['phone'][:3]}****{buyer['phone'][-4:]}" in text
    for title in ("Identifiers", "Timeline"):
        assert title in text
    profile = build_profile(published_home, find_person(published_home, buyer["phone"]))
    timeline = profile.section("Timeline")
    assert any(kind == "order" for _, _, kind, _, _ in timeline.rows)
    times = [row[0] for row in timeline.rows]
    assert times == sorted(times, reverse=True)


def test_missing_marts_are_reported_not_fatal(published_home: Home, buyer: dict[str, str], tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    home.warehouse_dir.mkdir(parents=True)
    home.restricted_dir.mkdir(parents=True)
    shutil.copy(published_home.warehouse, home.warehouse)
    shutil.copy(published_home.restricted, home.restricted)
    with duckdb.connect(str(home.warehouse)) as con:
        for table in ("person_tags", "campaign_eligibility", "dim_person"):
            con.execute(f"drop table if exists {table}")
    profile = build_profile(home, find_person(home, buyer["oneid"]))
    assert not profile.section("Tags").is_available
    assert not profile.section("Campaign eligibility").is_available
    assert profile.facts == {}
    assert profile.section("Identifiers").rows, "sections whose marts exist still show"
    result = CliRunner().invoke(app, ["profile", buyer["oneid"], "--home", str(home.root)])
    assert result.exit_code == 0 and "not available" in result.output


def test_unknown_person_exits_with_one_line(published_home: Home) -> None:
    result = CliRunner().invoke(app, ["profile", "nobody@example.invalid", "--home", str(published_home.root)])
    assert result.exit_code == PersonNotFound.exit_code


def test_profile_shows_the_shop_assistants_current_tags(published_home: Home) -> None:
    with duckdb.connect(str(published_home.warehouse), read_only=True) as con:
        oneid, brand, tag_code, tag_value, guide_id = con.execute(
            "select oneid, brand, tag_code, tag_value, guide_id from person_brand_manual_tags order by oneid limit 1"
        ).fetchone()
    section = build_profile(published_home, find_person(published_home, oneid)).section("Manual tags")
    assert section.is_available
    rows = [dict(zip(section.columns, row)) for row in section.rows]
    assert any(
        r["brand"] == brand and r["tag"].endswith(tag_code) and r["value"].endswith(tag_value) and r["guide"] == guide_id
        for r in rows
    ), rows


def test_every_oneid_has_the_one_oneid_pattern(published_home: Home) -> None:
    with duckdb.connect(str(published_home.warehouse), read_only=True) as con:
        oneids = [row[0] for row in con.execute("select oneid from dim_person").fetchall()]
    assert oneids and all(ONEID_PATTERN.fullmatch(oneid) for oneid in oneids)
    assert looks_like_oneid(f" {oneids[0].lower()} ")
    assert not looks_like_oneid("OID12345") and not looks_like_oneid(oneids[0][:-1])


@pytest.mark.parametrize(
    ("table", "key"),
    [("map_identifier_oneid", "identifier_hash"), ("dim_person", "oneid"), ("person_tags", "oneid"),
     ("person_brand_tags", "oneid"), ("campaign_eligibility", "oneid"), ("aud_middle_aged", "oneid")],
)
def test_look_up_tables_are_stored_in_key_order(published_home: Home, table: str, key: str) -> None:
    """DuckDB finds a key in one row group only in a table stored in key order (macro stored_in_order_of)."""
    with duckdb.connect(str(published_home.warehouse), read_only=True) as con:
        rows, out_of_order = con.execute(
            f"select count(*), count(*) filter (where previous > {key})"
            f" from (select {key}, lag({key}) over (order by rowid) as previous from {table})"
        ).fetchone()
    assert rows > 1 and out_of_order == 0
