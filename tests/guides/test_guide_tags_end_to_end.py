"""Shop assistants' tags (source 14, `guide_tags`) end to end, from a hostile
inbox written to the contract: every identifier kind, spellings the catalog
must take, the reasons it must refuse, a clear, an event id re-sent, a guide
tagging another brand's customer, and a member id that no member holds yet
and that joins its person when the CRM delivers the member a night later.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline.home import Home
from pipeline.nightly import execute
from tests.conftest import BASELINE_DATE, copy_home
from tests.ingest.samples import CSV_RECORDS

FIRST, SECOND = BASELINE_DATE + timedelta(days=1), BASELINE_DATE + timedelta(days=2)
NEW_MEMBER = "QDNEW000123"


def event(tag_event_id: str, **fields: str) -> dict[str, str]:
    row = dict(CSV_RECORDS["guide_tags"], tag_event_id=tag_event_id, brand="qingdai", appid="")
    row.update(fields)
    return row


def deliver(home: Home, source: str, day: Any, name: str, rows: list[dict[str, str]]) -> None:
    folder = home.inbox / source / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    if name.endswith(".jsonl"):
        (folder / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        return
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (folder / name).write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def people(published_home: Home) -> dict[str, tuple[str, ...]]:
    """Real people of the published night, by what the tests need of them (raw ids from the restricted store)."""
    with duckdb.connect(str(published_home.restricted), read_only=True) as con:
        def one(sql: str) -> tuple[str, ...]:
            row = con.execute(sql).fetchone()
            assert row is not None, sql
            return tuple(row)

        return {
            # a qingdai CRM member: (member id, OneID)
            "member": one(
                """select m.member_id, o.oneid from stg_crm__members as m
                   inner join int_identifier_oneids as o
                     on o.id_type = 'crm_member_id' and o.namespace = 'qingdai' and o.value = m.member_id
                   where m.brand = 'qingdai' order by m.member_id limit 1"""
            ),
            # a qingdai mini-program user: (openid, appid, unionid, OneID)
            "follower": one(
                """select u.openid, u.appid, u.unionid, o.oneid from stg_wechat__miniapp_users as u
                   inner join int_identifier_oneids as o
                     on o.id_type = 'wechat_openid' and o.namespace = u.appid and o.value = u.openid
                   where u.brand = 'qingdai' and u.unionid is not null order by u.openid limit 1"""
            ),
            # a phone whose person is a lingfeng customer and not a qingdai one: (phone, OneID)
            "other_brand": one(
                """select o.value, o.oneid from int_identifier_oneids as o
                   where o.id_type = 'phone'
                     and o.oneid in (select oneid from int_activation__person_brands where brand = 'lingfeng')
                     and o.oneid not in (select oneid from int_activation__person_brands where brand = 'qingdai')
                     and o.oneid not in (select oneid from int_tags__lifecycle where scope = 'qingdai')
                   order by o.value limit 1"""
            ),
            # a phone of a qingdai customer: the new member's phone
            "joiner": one(
                """select o.value, o.oneid from int_identifier_oneids as o
                   where o.id_type = 'phone'
                     and o.oneid in (select oneid from int_activation__person_brands where brand = 'qingdai')
                   order by o.value desc limit 1"""
            ),
        }


@pytest.fixture(scope="module")
def tagged_home(published_home: Home, people: dict[str, tuple[str, ...]], tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = copy_home(published_home, tmp_path_factory.mktemp("guide-tags"))
    member_id = people["member"][0]
    openid, appid, unionid, _ = people["follower"]
    first_night = [
        # the Chinese label, spaced and in full width: sensitive
        event("T-LABEL", id_type="member_id", id_value=member_id, tag_code="SKIN_TYPE", tag_value=" 敏感性　",
              tagged_at="2026-11-18T10:00:00+08:00"),
        # set, then cleared later: gone
        event("T-SET", id_type="member_id", id_value=member_id, tag_code="occupation", tag_value="student",
              tagged_at="2026-11-18 10:00:00"),
        event("T-CLEAR", id_type="member_id", id_value=member_id, tag_code="occupation", tag_value="", action="clear",
              tagged_at="2026-11-18 11:00:00"),
        event("T-OPENID", id_type="openid", id_value=openid, appid=appid, tag_code="contact_time", tag_value="Evening",
              tagged_at="2026-11-18T12:00:00+08:00"),
        event("T-UNIONID", id_type="unionid", id_value=unionid, tag_code="occupation", tag_value="上班族",
              tagged_at="2026-11-18T12:05:00+08:00"),
        event("T-NEW", id_type="member_id", id_value=NEW_MEMBER, tag_code="skin_type", tag_value="dry",
              tagged_at="2026-11-18T13:00:00+08:00"),
        event("T-OTHER", id_type="phone", id_value=people["other_brand"][0], tag_code="skin_type", tag_value="oily",
              tagged_at="2026-11-18T14:00:00+08:00"),
        event("T-NOTAG", id_type="member_id", id_value=member_id, tag_code="hobby", tag_value="golf"),
        event("T-NOVALUE", id_type="member_id", id_value=member_id, tag_code="skin_type", tag_value="shiny"),
        event("T-NOAPPID", id_type="openid", id_value=openid, appid="", tag_code="skin_type", tag_value="dry"),
        # refused by the loader: not an identifier type of the contract, not an action
        event("T-EMAIL", id_type="email", id_value="guest@example.com"),
        event("T-DELETE", action="delete"),
    ]
    deliver(home, "guide_tags", FIRST, "guide_app.jsonl", first_night)
    execute(home, "run", FIRST)
    return home


def query(home: Home, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        con.execute(f"attach '{home.restricted}' as restricted (read_only)")
        return con.execute(sql, params or []).fetchall()


def test_the_catalog_and_the_brand_decide_each_event(tagged_home: Home) -> None:
    verdicts = dict(query(tagged_home, "select tag_event_id, rejection from restricted.int_guides__person_tag_events"
                                       " where tag_event_id like 'T-%'"))
    assert verdicts == {
        "T-LABEL": None, "T-SET": None, "T-CLEAR": None, "T-OPENID": None, "T-UNIONID": None, "T-NEW": None,
        "T-OTHER": "other_brand_customer", "T-NOTAG": "unknown_tag_code", "T-NOVALUE": "value_not_in_catalog",
        "T-NOAPPID": "no_person",
    }
    rejected = dict(query(tagged_home, "select tag_event_id, rejection from manual_tag_rejections where tag_event_id like 'T-%'"))
    assert rejected == {k: v for k, v in verdicts.items() if v}
    quarantined = query(
        tagged_home,
        "select reason_code from restricted.stg_lake__quarantined_rows where source_name = 'guide_tags'",
    )
    assert len(quarantined) == 2, quarantined
    # Every delivered row is loaded or quarantined; every loaded one is accepted or rejected.
    (staged,) = query(tagged_home, "select count(*) from restricted.stg_guides__tag_events where tag_event_id like 'T-%'")[0]
    assert staged == len(verdicts) == 10


def test_current_tags_per_person_and_brand(tagged_home: Home, people: dict[str, tuple[str, ...]]) -> None:
    tags = {
        (oneid, tag_code): (tag_value, label, guide_id)
        for oneid, tag_code, tag_value, label, guide_id in query(
            tagged_home,
            "select oneid, tag_code, tag_value, value_label_zh, guide_id from person_brand_manual_tags"
            " where tag_event_id like 'T-%' and brand = 'qingdai'",
        )
    }
    member_oneid, follower_oneid = people["member"][1], people["follower"][3]
    assert tags[(member_oneid, "skin_type")] == ("sensitive", "敏感性", "E00001")
    assert (member_oneid, "occupation") not in tags, "a later clear removes the tag"
    assert tags[(follower_oneid, "contact_time")][0] == "evening"
    assert tags[(follower_oneid, "occupation")][0] == "office_worker"
    assert people["other_brand"][1] not in {oneid for oneid, _ in tags}
    (manual,) = query(tagged_home, "select manual_tags from person_brand_tags where oneid = ? and brand = 'qingdai'",
                      [member_oneid])[0]
    assert "skin_type=sensitive" in manual
    audience = {row[0] for row in query(tagged_home, "select oneid from aud_sensitive_skin_guide_tagged where brand = 'qingdai'")}
    assert member_oneid in audience
    # A member id a guide typed is no membership, and a refused tag is no brand of the person.
    (new_oneid,) = query(tagged_home, "select oneid from person_brand_manual_tags where tag_event_id = 'T-NEW'")[0]
    assert query(tagged_home, "select * from restricted.int_person_memberships where oneid = ?", [new_oneid]) == []
    (brands,) = query(tagged_home, "select coalesce(brands, '') from dim_person where oneid = ?", [people["other_brand"][1]])[0]
    assert "qingdai" not in brands.split(",")


def test_a_member_id_no_member_holds_yet_joins_its_person_later(
    tagged_home: Home, people: dict[str, tuple[str, ...]], tmp_path: Path
) -> None:
    (new_oneid,) = query(tagged_home, "select oneid from person_brand_manual_tags where tag_event_id = 'T-NEW'")[0]
    joiner_phone, joiner_oneid = people["joiner"]
    assert new_oneid != joiner_oneid
    home = copy_home(tagged_home, tmp_path)
    member = dict(CSV_RECORDS["crm_members"], member_id=NEW_MEMBER, brand="qingdai", phone=joiner_phone, email="")
    deliver(home, "crm_members", SECOND, "members_new.csv", [member])
    # The same event id re-sent with another value counts once: the first delivery holds.
    deliver(home, "guide_tags", SECOND, "guide_app.csv",
            [event("T-NEW", id_type="member_id", id_value=NEW_MEMBER, tag_code="skin_type", tag_value="oily")])
    execute(home, "run", SECOND)
    owners = query(
        home,
        "select distinct oneid from restricted.int_identifier_oneids"
        " where (id_type = 'crm_member_id' and namespace = 'qingdai' and value = ?) or (id_type = 'phone' and value = ?)",
        [NEW_MEMBER, joiner_phone],
    )
    assert len(owners) == 1, "the new member id and the phone are one person now"
    rows = query(home, "select oneid, tag_value from person_brand_manual_tags where tag_event_id = 'T-NEW'")
    assert rows == [(owners[0][0], "dry")], "the tag follows its person; the re-sent id changed nothing"


def test_the_apis_comparison_key_is_the_macros(tagged_home: Home) -> None:
    """`oneid serve` checks a tag against the catalog in Python before it queues it: its
    comparison_key must give what macro comparison_key gave staging for the same text
    (full-width, spaces, capitals, Chinese labels of the hostile inbox and the generator)."""
    from pipeline.identifiers import comparison_key

    rows = query(
        tagged_home,
        "select tag_code, tag_code_key, tag_value, tag_value_key from restricted.stg_guides__tag_events",
    )
    pairs = [(text, key) for code, code_key, value, value_key in rows for text, key in ((code, code_key), (value, value_key))
             if text is not None]
    assert {"SKIN_TYPE", "Evening"} <= {text for text, _ in pairs}
    assert [(text, comparison_key(text)) for text, _ in pairs] == pairs
