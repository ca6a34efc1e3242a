"""Owned-channel send lists: only on request, private files, and a run record naming who asked."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest

from pipeline.errors import ConfigurationError
from pipeline.exports.send_lists import write_send_lists
from pipeline.home import Home


def test_send_lists_are_private_and_recorded(home_copy: Home) -> None:
    assert not (home_copy.restricted_dir / "send_lists").exists(), "never written without a request"
    record, lists = write_send_lists(home_copy, "li.lei@crm")
    assert lists
    on_disk = json.loads(record.path(home_copy).read_text())
    (stage,) = on_disk["stages"]
    assert stage["detail"]["requested_by"] == "li.lei@crm"
    assert stage["rows"]["rows"] == sum(s.rows for s in lists)
    with duckdb.connect(str(home_copy.warehouse), read_only=True) as con:
        for sent in lists:
            assert sent.file.stat().st_mode & 0o777 == 0o600
            assert sent.file.parent.stat().st_mode & 0o777 == 0o700
            assert home_copy.restricted_dir in sent.file.parents
            rows = list(csv.DictReader(io.StringIO(sent.file.read_text(encoding="utf-8"))))
            assert len(rows) == sent.rows
            eligible = {r[0] for r in con.execute(
                "select oneid from campaign_eligibility where campaign_id = ? and is_eligible", [sent.campaign_id]
            ).fetchall()}
            assert {r["oneid"] for r in rows} <= eligible
            expected_types = {"sms": {"phone"}, "wechat_template": {"wechat_openid"}, "app_push": {"oaid", "idfa", "imei"}}
            assert {r["id_type"] for r in rows} <= expected_types[sent.channel]


def test_send_lists_need_a_requester(home_copy: Home) -> None:
    with pytest.raises(ConfigurationError):
        write_send_lists(home_copy, " ")
