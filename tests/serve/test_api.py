"""`oneid serve` over HTTP: tokens and scopes, brand isolation, look-ups by every
identifier, audiences and tag distributions, guide-tag writes, the publish switch,
and a written tag arriving with the next night.

One published home per module (a copy of the session's), one server process.
Tests run in file order: the last ones publish new nights into the home.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline.home import Home
from pipeline.serve.profile_store import build_profile_store
from pipeline.settings import WarehouseSettings
from tests.conftest import BASELINE_DATE, copy_home
from tests.serve.server import Server, create_token, oneid

ALL_SCOPES = "profiles:read,audiences:read,guide_tags:write"


@pytest.fixture(scope="module")
def home(published_home: Home, tmp_path_factory: pytest.TempPathFactory) -> Home:
    """The published night, where one person known only to beian (member and buyer) loses
    the membership and relationship rows: beian knows them by their orders alone, as a
    buyer who gave a phone at the till (the small home has no such person of its own)."""
    home = copy_home(published_home, tmp_path_factory.mktemp("serve"))
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        only_beian = {o for o, in con.execute(
            "select oneid from person_brand_tags group by oneid having bool_and(brand = 'beian')"
        ).fetchall()}
    with duckdb.connect(str(home.restricted)) as con:
        (buyer,) = con.execute(
            """select min(oneid) from int_activation__person_brands
               where oneid in (select unnest(?)) and oneid in (select oneid from int_identifier_oneids where id_type = 'phone')
                 and oneid not in (select oneid from int_activation__person_brands where brand <> 'beian')""",
            [sorted(only_beian)],
        ).fetchone()
        assert buyer is not None
        con.execute("delete from int_activation__person_brands where oneid = ?", [buyer])
        con.execute("delete from int_person_memberships where oneid = ?", [buyer])
    # The night's profile store, written again from the changed store as the night would.
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        (run_id,) = con.execute("select run_id from run_history order by started_at desc limit 1").fetchone()
    build_profile_store(home.warehouse, home.restricted, home.profile_store, run_id, WarehouseSettings.from_env(home))
    return home


@pytest.fixture(scope="module")
def brands(home: Home) -> dict[str, bool]:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return dict(con.execute("select brand, is_shared_group_wide from brand_data_scopes").fetchall())


@pytest.fixture(scope="module")
def tokens(home: Home, brands: dict[str, bool]) -> dict[str, str]:
    return {
        "all": create_token(home, "all-brands", ",".join(brands), ALL_SCOPES),
        "lingfeng": create_token(home, "lingfeng-app", "lingfeng", ALL_SCOPES),
        "beian": create_token(home, "beian-app", "beian", "profiles:read,audiences:read"),
        "audiences_only": create_token(home, "lingfeng-bi", "lingfeng", "audiences:read"),
    }


@pytest.fixture(scope="module")
def server(home: Home, tokens: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server.start(home, tmp_path_factory.mktemp("serve-log") / "serve.log")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def people(home: Home) -> dict[str, Any]:
    """Identifiers of real people, from the restricted store (raw values: the tests type them)."""
    with duckdb.connect(str(home.restricted), read_only=True) as con:
        phone_of = dict(con.execute("select oneid, min(value) from int_identifier_oneids where id_type = 'phone' group by 1").fetchall())
        by_kind = {
            id_type: (namespace, value, owner)
            for id_type, namespace, value, owner in con.execute(
                """
                select id_type, namespace, value, oneid from int_identifier_oneids as ids
                where id_type in ('email', 'crm_member_id', 'wechat_openid', 'wechat_unionid')
                    and exists (select 1 from int_identifier_oneids as p where p.oneid = ids.oneid and p.id_type = 'phone')
                qualify row_number() over (partition by id_type order by value) = 1
                """
            ).fetchall()
        }
        relationships = con.execute(
            "select oneid, list(distinct brand order by brand) from int_activation__person_brands group by 1"
        ).fetchall()
        beian_members = {r[0] for r in con.execute("select oneid from int_person_memberships where brand = 'beian'").fetchall()}
        lingfeng_member = con.execute(
            "select value from int_identifier_oneids where id_type = 'crm_member_id' and namespace = 'lingfeng' order by value limit 1"
        ).fetchone()[0]
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        # Known to a brand without a relationship (a buyer by phone): the brands of person_brand_tags.
        activity = dict(con.execute("select oneid, list(distinct brand order by brand) from person_brand_tags group by 1").fetchall())
    shared = {"lingfeng", "xingye", "xiantian"}
    mixed = sorted(o for o, b in relationships if o in beian_members and shared & set(b) and o in phone_of)
    related = dict(relationships)
    beian_only = sorted(
        o for o in phone_of if sorted(set(related.get(o, [])) | set(activity.get(o, []))) == ["beian"] and o in related
    )
    beian_buyer_only = sorted(o for o in phone_of if activity.get(o) == ["beian"] and o not in related)
    assert mixed and beian_only and beian_buyer_only, "the home lacks a beian person of each kind"
    return {
        "phone_of": phone_of,
        "by_kind": by_kind,
        "mixed": mixed[0],
        "beian_only": beian_only[0],
        "beian_buyer_only": beian_buyer_only[0],
        "lingfeng_member": lingfeng_member,
    }


def lookup(server: Server, token: str | None, **params: str) -> Any:
    return server.get("/v1/people/lookup", token, **params)


def test_health_needs_no_token_and_openapi_is_served(server: Server) -> None:
    assert server.get("/v1/health", None).body == {"status": "ok"}
    paths = server.get("/openapi.json", None).body["paths"]
    assert {"/v1/people/lookup", "/v1/audiences", "/v1/audiences/{name}", "/v1/tags/{tag}/distribution", "/v1/guide-tags"} <= set(paths)
    body = paths["/v1/guide-tags"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"brand", "guide_id", "id_type", "id_value", "tag_code", "action"} <= set(body["properties"])


def test_ready_names_the_published_business_date(server: Server, tokens: dict[str, str]) -> None:
    answer = server.get("/v1/ready", tokens["beian"])
    assert answer.status == 200 and answer.body["ready"] is True
    assert answer.body["business_date"] == BASELINE_DATE.isoformat()


def test_not_ready_until_the_nights_files_are_published(published_home: Home, tmp_path: Path) -> None:
    empty = Home(tmp_path / "home").ensure()
    secret = create_token(empty, "ops", "lingfeng", "profiles:read")
    waiting = Server.start(empty, tmp_path / "serve.log")
    try:
        assert waiting.get("/v1/health", None).status == 200
        assert waiting.get("/v1/ready", secret).body["ready"] is False
        shutil.copy(published_home.warehouse, empty.warehouse)
        assert waiting.get("/v1/ready", secret).status == 503
        assert waiting.get("/v1/people/lookup", secret, oneid="OID0").status == 503
        shutil.copy(published_home.restricted, empty.restricted)
        assert waiting.get("/v1/ready", secret).status == 503  # no profile store yet
        # A profile store of another run is not this night's.
        build_profile_store(empty.warehouse, empty.restricted, empty.profile_store, "another-run", WarehouseSettings.from_env(empty))
        answer = waiting.get("/v1/ready", secret)
        assert answer.status == 503 and "another-run" in answer.body["detail"]
        shutil.copy(published_home.profile_store, empty.profile_store)
        assert waiting.get("/v1/ready", secret).body == {"ready": True, "business_date": BASELINE_DATE.isoformat()}
    finally:
        waiting.stop()


def test_not_ready_with_another_hash_key(home: Home, tokens: dict[str, str], tmp_path: Path) -> None:
    misconfigured = Server.start(home, tmp_path / "serve.log", env={"ONEID_HASH_KEY": "not-the-nights-key"})
    try:
        answer = misconfigured.get("/v1/ready", tokens["lingfeng"])
        assert answer.status == 503 and "ONEID_HASH_KEY" in answer.body["detail"]
    finally:
        misconfigured.stop()


def test_no_token_or_a_bad_one_is_401(server: Server, tokens: dict[str, str]) -> None:
    assert server.get("/v1/ready", None).status == 401
    assert server.get("/v1/ready", "oneid_not-a-real-token").status == 401
    assert server.call("GET", "/v1/audiences", tokens["all"] + "x").status == 401
    # Authentication comes before the body is read: a malformed body without a token is 401 too.
    assert server.call("POST", "/v1/guide-tags", None, body={"nonsense": 1}).status == 401


def test_revoked_and_new_tokens_take_effect_without_a_restart(server: Server, home: Home) -> None:
    secret = create_token(home, "short-lived", "lingfeng", "profiles:read")
    assert server.get("/v1/ready", secret).status == 200
    revoked = oneid("token", "revoke", "short-lived", "--home", str(home.root))
    assert revoked.returncode == 0, revoked.stderr
    assert server.get("/v1/ready", secret).status == 401
    listed = oneid("token", "list", "--home", str(home.root)).stdout
    assert "lingfeng-app" in listed and "short-lived" not in listed and "oneid_" not in listed
    typo = oneid("token", "create", "--home", str(home.root), "--name", "typo", "--brands", "lingfneg")
    assert typo.returncode == 3 and "unknown brand lingfneg" in typo.stderr


def test_a_missing_scope_or_a_brand_outside_the_token_is_403(server: Server, tokens: dict[str, str], people: dict[str, Any]) -> None:
    phone = people["phone_of"][people["mixed"]]
    assert lookup(server, tokens["audiences_only"], phone=phone).status == 403
    assert server.get("/v1/audiences", tokens["audiences_only"]).status == 200
    assert server.call("POST", "/v1/guide-tags", tokens["beian"], body=_tag(brand="beian")).status == 403
    outside = lookup(server, tokens["lingfeng"], member_id="BA0000000001", brand="beian")
    assert outside.status == 403 and "outside this token" in outside.body["detail"]
    assert server.call("POST", "/v1/guide-tags", tokens["lingfeng"], body=_tag(brand="xingye")).status == 403
    assert server.get("/v1/tags/rfm_segment/distribution", tokens["lingfeng"], brand="beian").status == 403


def test_unknown_people_audiences_and_tags_are_404(server: Server, tokens: dict[str, str]) -> None:
    assert lookup(server, tokens["all"], phone="19999999999").status == 404
    assert lookup(server, tokens["all"], oneid="OID" + "B" * 20).status == 404
    assert lookup(server, tokens["all"], oneid="OIDNOSUCHPERSON").status == 422, "not the form of a OneID"
    assert server.get("/v1/audiences/no_such_audience", tokens["all"]).status == 404
    assert server.get("/v1/tags/no_such_tag/distribution", tokens["all"]).status == 404
    assert server.get("/v1/tags/rfm_segment/distribution", tokens["all"], audience="no_such_audience").status == 404


def test_a_person_known_only_to_an_isolated_brand_is_404_to_other_brands(
    server: Server, tokens: dict[str, str], people: dict[str, Any]
) -> None:
    phone = people["phone_of"][people["beian_only"]]
    assert lookup(server, tokens["lingfeng"], phone=phone).status == 404
    assert lookup(server, tokens["lingfeng"], oneid=people["beian_only"]).status == 404
    assert lookup(server, tokens["beian"], phone=phone).body["oneid"] == people["beian_only"]
    # Known to beian by its orders alone (no membership, no WeChat app): hidden all the same.
    buyer_phone = people["phone_of"][people["beian_buyer_only"]]
    assert lookup(server, tokens["lingfeng"], phone=buyer_phone).status == 404
    assert lookup(server, tokens["beian"], phone=buyer_phone).body["oneid"] == people["beian_buyer_only"]


@pytest.mark.parametrize(
    "params",
    [
        {"phone": "13812345678", "email": "a@b.cn"},
        {},
        {"phone": "138-1234-567"},
        {"phone": "not a phone"},
        {"email": "nobody@"},
        {"member_id": "LF1"},
        {"openid": "oX"},
        {"openid": "oX", "appid": "wx_not_an_app"},
        {"phone": "13812345678", "brand": "lingfeng"},
    ],
)
def test_bad_lookups_are_422(server: Server, tokens: dict[str, str], params: dict[str, str]) -> None:
    answer = lookup(server, tokens["all"], **params)
    assert answer.status == 422
    for value in params.values():
        assert value not in answer.text  # the message never repeats what was typed


def test_every_identifier_kind_finds_the_same_person(server: Server, tokens: dict[str, str], people: dict[str, Any]) -> None:
    for id_type, (namespace, value, owner) in people["by_kind"].items():
        params = {
            "email": {"email": f"  {value.upper()} "},
            "crm_member_id": {"member_id": value, "brand": namespace},
            "wechat_openid": {"openid": value, "appid": namespace},
            "wechat_unionid": {"unionid": value},
        }[id_type]
        phone = people["phone_of"][owner]
        spellings = [{"phone": phone}, {"phone": f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"},
                     {"phone": phone.translate(str.maketrans("0123456789", "０１２３４５６７８９"))}, {"oneid": owner.lower()}, params]
        for spelling in spellings:
            answer = lookup(server, tokens["all"], **spelling)
            assert answer.status == 200, (id_type, answer.text)
            assert answer.body["oneid"] == owner and answer.body["found_by"] == next(iter(spelling))


def test_a_profile_has_every_section_and_masks_identifiers(server: Server, tokens: dict[str, str], people: dict[str, Any]) -> None:
    owner = people["by_kind"]["email"][2]
    profile = lookup(server, tokens["all"], oneid=owner).body
    assert {"person", "identifiers", "memberships", "tags", "brand_tags", "manual_tags", "audiences", "campaign_eligibility"} <= set(profile)
    masked = {i["id_type"]: i["identifier_masked"] for i in profile["identifiers"]}
    assert "****" in masked["phone"] and "***@" in masked["email"]
    assert profile["tags"]["rfm_segment"] and profile["person"] is not None


def test_an_isolated_brand_is_seen_only_by_its_own_token(server: Server, tokens: dict[str, str], people: dict[str, Any]) -> None:
    phone = people["phone_of"][people["mixed"]]
    own = lookup(server, tokens["beian"], phone=phone).body
    assert "beian" in {m["brand"] for m in own["memberships"]}
    assert any(i["namespace"] == "beian" for i in own["identifiers"] if i["id_type"] == "crm_member_id")
    other = lookup(server, tokens["lingfeng"], phone=phone)
    assert other.status == 200
    assert "beian" not in other.text  # no membership, brand tag, member id, audience or campaign of beian
    assert other.body["group_data_withheld"] is True
    assert other.body["tags"] is None and other.body["person"] is None
    assert all(a["brand"] is not None for a in other.body["audiences"])
    audiences = server.get("/v1/audiences", tokens["lingfeng"])
    assert "beian" not in audiences.text and "qingdai" not in audiences.text


def test_tag_distributions_count_only_what_the_token_sees(server: Server, tokens: dict[str, str], home: Home) -> None:
    def total(token: str, **params: str) -> int:
        answer = server.get("/v1/tags/rfm_segment/distribution", token, **params)
        assert answer.status == 200, answer.text
        return sum(v["people"] for v in answer.body["values"])

    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        con.execute(f"attach '{home.restricted}' as restricted (read_only)")
        everyone = con.execute("select count(*) from person_tags").fetchone()[0]
        # lingfeng's token does not see beian or qingdai: their people's group tags are not counted.
        lingfeng_sees = con.execute(
            """
            select count(*) from person_tags where oneid not in (
                select oneid from person_brand_tags where brand in ('beian', 'qingdai')
                union select oneid from restricted.int_activation__person_brands where brand in ('beian', 'qingdai')
                union select oneid from restricted.int_person_memberships where brand in ('beian', 'qingdai'))
            """
        ).fetchone()[0]
        lingfeng_buyers = con.execute("select count(*) from person_brand_tags where brand = 'lingfeng'").fetchone()[0]
    assert total(tokens["all"]) == everyone
    assert total(tokens["lingfeng"]) == lingfeng_sees < everyone
    assert total(tokens["lingfeng"], brand="lingfeng") == lingfeng_buyers
    within = server.get("/v1/tags/value_level/distribution", tokens["all"], audience="svip_care").body["values"]
    assert 0 < sum(v["people"] for v in within) < everyone
    manual = server.get("/v1/tags/contact_time/distribution", tokens["lingfeng"])
    assert manual.status == 200 and manual.body["source"] == "manual"


def test_an_audience_has_its_size_and_tag_distribution(server: Server, tokens: dict[str, str]) -> None:
    listed = {a["name"]: a for a in server.get("/v1/audiences", tokens["all"]).body["audiences"]}
    assert "svip_care" in listed and listed["svip_care"]["group_wide"] == listed["svip_care"]["people"] > 0
    detail = server.get("/v1/audiences/svip_care", tokens["all"]).body
    assert detail["people"] == listed["svip_care"]["people"]
    assert sum(v["people"] for v in detail["distributions"]["rfm_segment"]) == detail["people"]


def _tag(**overrides: Any) -> dict[str, Any]:
    tag = {
        "brand": "lingfeng", "store_code": "LF0001", "guide_id": "E00042", "id_type": "member_id",
        "id_value": "LF0000000001", "tag_code": "contact_time", "tag_value": "morning", "action": "set",
    }
    return {**tag, **overrides}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"tag_code": "skin_type"}, "not in brand 'lingfeng''s manual-tag catalog"),
        ({"tag_value": "midnight"}, "is not a value of lingfeng/contact_time"),
        ({"tag_value": None}, "needs a tag_value"),
        ({"action": "clear"}, "clear takes no tag_value"),
        ({"id_type": "phone", "id_value": "12345"}, "not a CN mobile"),
        ({"id_type": "openid", "id_value": "oABC"}, "needs appid"),
        ({"brand": "nosuchbrand"}, "unknown brand"),
    ],
)
def test_a_tag_the_catalog_cannot_take_is_422(
    server: Server, tokens: dict[str, str], overrides: dict[str, Any], message: str
) -> None:
    answer = server.call("POST", "/v1/guide-tags", tokens["lingfeng"], body=_tag(**overrides))
    assert answer.status == 422 and message in answer.body["detail"], answer.text


def test_a_malformed_tag_is_422_without_echoing_it(server: Server, tokens: dict[str, str]) -> None:
    answer = server.call("POST", "/v1/guide-tags", tokens["lingfeng"], body=_tag(id_type="fax", id_value="13812345678"))
    assert answer.status == 422 and "13812345678" not in answer.text


def test_the_publish_switch_drops_no_request(server: Server, tokens: dict[str, str], people: dict[str, Any], home: Home) -> None:
    """A new night replaces the files by rename while requests run: all succeed, then the new night answers."""
    owner = people["by_kind"]["email"][2]
    renamed = home.warehouse.with_name("oneid.next.duckdb")
    shutil.copy(home.warehouse, renamed)
    with duckdb.connect(str(renamed)) as con:
        con.execute("update dim_person set city = 'Switchville' where oneid = ?", [owner])
        con.execute(
            "update run_history set run_id = 'next-night' where started_at = (select max(started_at) from run_history)"
        )
    restricted = home.restricted.with_name("restricted.next.duckdb")
    shutil.copy(home.restricted, restricted)
    profiles = home.profile_store.with_name("profiles.next.sqlite")
    build_profile_store(renamed, restricted, profiles, "next-night", WarehouseSettings.from_env(home))
    failures: list[str] = []
    cities: list[str | None] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            answer = lookup(server, tokens["all"], oneid=owner)
            if answer.status != 200:
                failures.append(answer.text)
            else:
                cities.append(answer.body["person"]["city"])

    askers = [threading.Thread(target=keep_asking) for _ in range(4)]
    for asker in askers:
        asker.start()
    while len(cities) < 20 and not failures:
        time.sleep(0.05)
    # As pipeline/publish.py does: the restricted store, the profile store, then the warehouse.
    os.replace(restricted, home.restricted)
    os.replace(profiles, home.profile_store)
    os.replace(renamed, home.warehouse)
    seen = len(cities)
    while len(cities) < seen + 40 and not failures:
        time.sleep(0.05)
    stop.set()
    for asker in askers:
        asker.join()
    assert not failures
    assert cities[0] != "Switchville" and cities[-1] == "Switchville"
    assert lookup(server, tokens["all"], oneid=owner).body["person"]["city"] == "Switchville"


def test_no_raw_phone_email_or_query_reaches_responses_or_the_log(server: Server, people: dict[str, Any]) -> None:
    raw = [p for p in people["phone_of"].values()] + [people["by_kind"]["email"][1]]
    bodies = "\n".join(server.responses)
    log = server.log.read_text()
    for value in raw:
        assert value not in bodies and value.lower() not in bodies.lower()
        assert value not in log
    lines = [line for line in log.splitlines() if "oneid.serve.access" in line]
    assert len(lines) >= len(server.responses) - 1  # one line per request
    assert "route=/v1/people/lookup status=200" in log and "token=lingfeng-app" in log
    assert "?" not in log and "phone=" not in log and "Bearer" not in log


def test_a_written_tag_is_delivered_and_loaded_by_the_next_night(
    server: Server, tokens: dict[str, str], people: dict[str, Any], home: Home
) -> None:
    member = people["lingfeng_member"]
    written = server.call(
        "POST", "/v1/guide-tags", tokens["lingfeng"],
        body=_tag(id_value=member, tag_value=" 上午 ", tag_event_id="API-TEST-0001", tagged_at="2026-11-21T12:00:00+08:00"),
    )
    assert written.status == 202, written.text
    assert written.body["tag_event_id"] == "lingfeng:API-TEST-0001" and written.body["tag_value"] == "morning"
    phone = people["phone_of"][people["mixed"]]
    by_phone = server.call(
        "POST", "/v1/guide-tags", tokens["lingfeng"],
        body=_tag(id_type="phone", id_value=f"+86 {phone}", tag_code="household_size", tag_value=None, action="clear"),
    )
    assert by_phone.status == 202, by_phone.text
    delivered = home.inbox / written.body["file"]
    assert stat.S_IMODE(delivered.stat().st_mode) == 0o600
    line = json.loads(delivered.read_text(encoding="utf-8"))
    assert line == {
        "tag_event_id": "lingfeng:API-TEST-0001", "brand": "lingfeng", "store_code": "LF0001", "guide_id": "E00042",
        "id_type": "member_id", "id_value": member, "appid": None, "tag_code": "contact_time",
        "tag_value": "morning", "action": "set", "tagged_at": "2026-11-21T12:00:00+08:00",
    }
    phone_line = json.loads((home.inbox / by_phone.body["file"]).read_text(encoding="utf-8"))
    assert phone_line["id_value"] == phone and phone_line["tag_value"] is None  # the delivery carries it normalized
    assert uuid_like(by_phone.body["tag_event_id"])
    assert phone not in server.log.read_text()

    night = oneid("run", "--home", str(home.root), "--date", written.body["delivery_date"])
    assert night.returncode == 0, night.stdout + night.stderr
    with duckdb.connect(str(home.restricted), read_only=True) as con:
        lake = str(home.source_raw("guide_tags") / "**" / "*.parquet")
        landed = con.execute(
            "select count(*) from read_parquet(?, union_by_name = true) where tag_event_id = 'lingfeng:API-TEST-0001'", [lake]
        ).fetchone()[0]
        assert landed == 1
        accepted = con.execute(
            "select brand, tag_code, tag_value, rejection from int_guides__tag_events where tag_event_id = 'lingfeng:API-TEST-0001'"
        ).fetchall()
    assert accepted == [("lingfeng", "contact_time", "morning", None)]
    assert server.get("/v1/ready", tokens["lingfeng"]).body["business_date"] == written.body["delivery_date"]


def test_a_written_tag_is_the_persons_manual_tag_after_the_night(server: Server, tokens: dict[str, str], people: dict[str, Any]) -> None:
    member = {"member_id": people["lingfeng_member"], "brand": "lingfeng"}
    profile = lookup(server, tokens["lingfeng"], **member).body
    assert "person_brand_manual_tags is not in the published warehouse" not in profile["notes"]
    tagged = [t for t in profile["manual_tags"] if t["tag_event_id"] == "lingfeng:API-TEST-0001"]
    assert tagged == [{
        "brand": "lingfeng", "tag_code": "contact_time", "tag_name_zh": "偏好联系时间", "tag_name_en": "Preferred contact time",
        "tag_value": "morning", "value_label_zh": "上午", "value_label_en": "Morning", "guide_id": "E00042",
        "store_code": "LF0001", "tagged_at": "2026-11-21T04:00:00", "tag_event_id": "lingfeng:API-TEST-0001",
    }]
    crowd = server.get("/v1/tags/contact_time/distribution", tokens["lingfeng"], brand="lingfeng").body["values"]
    assert any(v["value"] == "morning" and v["label_zh"] == "上午" and v["people"] >= 1 for v in crowd)
    # lingfeng shares its customers group-wide: beian's token reads its manual tags too.
    shared = lookup(server, tokens["beian"], **member).body["manual_tags"]
    assert "lingfeng:API-TEST-0001" in {t["tag_event_id"] for t in shared}


def uuid_like(text: str) -> bool:
    return len(text) == 36 and text.count("-") == 4
