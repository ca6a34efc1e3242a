"""JSON Lines sources: gzip, nested paths, broken lines, client retries."""

from __future__ import annotations

import gzip
import json

from tests.ingest.conftest import Lake
from tests.ingest.samples import JSON_RECORDS, jsonl_of

EVENT = JSON_RECORDS["app_events"]


def event(event_id: str, **changes) -> dict:
    return {**EVENT, "event_id": event_id, **changes}


def test_gzip_and_plain_files_land_alike(lake: Lake) -> None:
    lake.deliver("app_events", "a.jsonl.gz", gzip.compress(jsonl_of(event("e1")).encode()))
    lake.deliver("app_events", "b.jsonl", jsonl_of(event("e2")))
    result = lake.land()
    assert [f.encoding for f in result.files] == ["gzip+utf-8", "utf-8"]
    assert lake.landed("app_events")["event_id"].to_list() == ["e1", "e2"]


def test_bad_gzip_rejects_the_file(lake: Lake) -> None:
    good = gzip.compress(jsonl_of(event("e1"), event("e2")).encode())
    lake.deliver("app_events", "truncated.jsonl.gz", good[: len(good) // 2])
    lake.deliver("app_events", "garbage.jsonl.gz", b"\x1f\x8b\x08\x00 not really")
    lake.deliver("app_events", "plain_text.jsonl.gz", jsonl_of(event("e3")))
    result = lake.land()
    for outcome in result.files:
        assert (outcome.status, outcome.rejection_code, outcome.rows_read) == ("rejected", "unreadable", 0)
    assert lake.outcome(result, "truncated.jsonl.gz").message.startswith("truncated gzip stream")
    assert lake.outcome(result, "garbage.jsonl.gz").message.startswith("corrupt gzip data")
    assert lake.outcome(result, "plain_text.jsonl.gz").message.startswith("not a gzip file")
    assert lake.landed("app_events").height == 0
    assert lake.quarantined("app_events").height == 0


def test_duplicate_event_ids_both_land(lake: Lake) -> None:
    lake.deliver("app_events", "events.jsonl", jsonl_of(event("e1"), event("e1"), event("e2")))
    lake.land()
    assert lake.landed("app_events")["event_id"].to_list() == ["e1", "e1", "e2"]


def test_broken_lines_are_quarantined_with_their_real_line(lake: Lake) -> None:
    lines = [
        json.dumps(event("e1")),
        '{"event_id": "e2", "event_time": "2026-11-22T10:00:00+08:00"',  # truncated
        "",
        "[1, 2]",
        json.dumps(event("e3", device="ipad")),
        json.dumps(event("e4", event_time=None)),
        json.dumps(event("e5")),
    ]
    lake.deliver("app_events", "events.jsonl", "\n".join(lines) + "\n\n")
    outcome = lake.outcome(lake.land(), "events.jsonl")
    assert (outcome.rows_read, outcome.rows_landed, outcome.rows_quarantined) == (6, 2, 4)
    assert lake.landed("app_events").select("event_id", "_file_line").rows() == [("e1", 1), ("e5", 7)]
    quarantined = lake.quarantined("app_events")
    assert quarantined.select("_file_line", "reason_code").rows() == [
        (2, "malformed_json"),
        (4, "malformed_json"),
        (5, "malformed_json"),
        (6, "missing_required"),
    ]
    assert quarantined["raw_text"].to_list()[0] == lines[1]
    assert quarantined["reason_detail"].to_list()[1:3] == ["not a JSON object but list", "device is not a JSON object"]


def test_raw_text_of_a_quarantined_line_read_in_one_go(lake: Lake) -> None:
    # No broken line: the file is read whole, and the raw text is read back for quarantine.
    lake.deliver("app_events", "events.jsonl", jsonl_of(event("e1"), event("e2", event="dance")))
    lake.land()
    quarantined = lake.quarantined("app_events")
    assert quarantined.select("_file_line", "reason_code").rows() == [(2, "bad_value")]
    assert json.loads(quarantined["raw_text"][0])["event"] == "dance"


def test_properties_are_kept_whole_and_read_into_columns(lake: Lake) -> None:
    properties = {"sku": "S9", "price": 12.3, "rating": 4, "keyword": "空调", "coupon_id": "CP1", "live_id": None, "extra": [1, {"a": "b"}]}
    records = [
        event("e1", properties=properties),
        event("e2", properties=None),
        event("e3", properties={}),
        event("e4", properties={"price": "abc"}),
    ]
    lake.deliver("app_events", "events.jsonl", jsonl_of(*records))
    lake.land()
    landed = lake.landed("app_events")
    first = landed.row(0, named=True)
    assert json.loads(first["properties_json"]) == properties
    assert (first["item_sku"], str(first["item_price"]), first["review_rating"], first["search_keyword"]) == ("S9", "12.30", 4, "空调")
    assert landed["properties_json"].to_list()[1:] == [None, "{}"]
    assert lake.quarantined("app_events").select("reason_code").rows() == [("bad_amount",)]


def test_unknown_keys_are_recorded_as_schema_drift(lake: Lake) -> None:
    lake.deliver("app_events", "events.jsonl", jsonl_of(event("e1", session="s1", device={**EVENT["device"], "model": "X"})))
    outcome = lake.outcome(lake.land(), "events.jsonl")
    assert (outcome.status, outcome.extra_columns) == ("loaded", "device.model, session")


def test_schema_drift_is_told_per_file_of_a_batch(lake: Lake) -> None:
    # A device that is text in one file would read as text for all files together,
    # hiding the new key of the other file's device object.
    lake.deliver("app_events", "a_plain.jsonl", jsonl_of(event("e1")))
    lake.deliver("app_events", "b_text_device.jsonl", jsonl_of(event("e2", device="ipad")))
    lake.deliver("app_events", "c_new_key.jsonl", jsonl_of(event("e3", device={**EVENT["device"], "model": "X"})))
    lake.deliver("app_events", "d_new_top.jsonl", jsonl_of(event("e4", session="s4")))
    result = lake.land()
    names = ("a_plain.jsonl", "b_text_device.jsonl", "c_new_key.jsonl", "d_new_top.jsonl")
    assert {name: lake.outcome(result, name).extra_columns for name in names} == {
        "a_plain.jsonl": None,
        "b_text_device.jsonl": None,
        "c_new_key.jsonl": "device.model",
        "d_new_top.jsonl": "session",
    }


def test_schema_drift_of_files_read_together(lake: Lake) -> None:
    lake.deliver("app_events", "a_plain.jsonl", jsonl_of(event("e1"), event("e2")))
    lake.deliver("app_events", "b_session.jsonl", jsonl_of(event("e3", session="s3", trace="t")))
    lake.deliver("app_events", "c_null_session.jsonl", jsonl_of(event("e4", session=None)))
    lake.deliver("app_events", "d_blank.jsonl", "\n\n")
    lake.deliver("app_events", "e_session_as_value.jsonl", jsonl_of(event("e5", event="session")))
    result = lake.land()
    names = ("a_plain", "b_session", "c_null_session", "d_blank", "e_session_as_value")
    assert {name: lake.outcome(result, f"{name}.jsonl").extra_columns for name in names} == {
        "a_plain": None,
        "b_session": "session, trace",
        "c_null_session": "session",  # a key without a value is still a new key
        "d_blank": None,
        "e_session_as_value": None,
    }


def test_numbers_and_objects_where_text_is_expected(lake: Lake) -> None:
    user = {**JSON_RECORDS["wechat_miniapp_users"], "phone": 13812345678, "nickname": {"zh": "小明"}}
    lake.deliver("wechat_miniapp_users", "users.jsonl", jsonl_of(user))
    lake.land()
    row = lake.landed("wechat_miniapp_users").row(0, named=True)
    assert row["phone"] == "13812345678"
    assert json.loads(row["nickname"]) == {"zh": "小明"}


def test_empty_jsonl_files(lake: Lake) -> None:
    lake.deliver("app_events", "zero.jsonl", b"")
    lake.deliver("app_events", "blank.jsonl", b"\n\n")
    lake.deliver("app_events", "empty.jsonl.gz", gzip.compress(b""))
    result = lake.land()
    assert [f.status for f in result.files] == ["empty", "empty", "empty"]
