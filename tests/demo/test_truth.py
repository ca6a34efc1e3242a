"""The ground truth is complete and consistent with what was delivered."""

from __future__ import annotations

import hashlib
import re

import polars as pl
import pytest

from pipeline.demo.breakage import BROKEN_FILE_MISSING_HEADER
from pipeline.demo.mess import ZERO_DEVICE_ID
from tests.demo.conftest import file_text, inbox_files

ID_TYPES = {"phone", "email", "tmall_ouid", "jd_pin", "wechat_openid", "wechat_unionid", "app_user_id", "oaid", "idfa", "imei", "crm_member_id"}


@pytest.fixture(scope="module")
def truth(moderate) -> dict[str, pl.DataFrame]:
    home, _ = moderate
    return {p.stem: pl.read_parquet(p) for p in home.truth.glob("*.parquet")}


def _csv(moderate, source: str) -> pl.DataFrame:
    home, _ = moderate
    frames = []
    for path in inbox_files(home):
        if path.parent.parent.name == source and path.stat().st_size:
            text = file_text(path)
            if BROKEN_FILE_MISSING_HEADER in text.splitlines()[0] or source != "tmall_orders":
                frames.append(pl.read_csv(text.encode(), infer_schema_length=0, truncate_ragged_lines=True))
    return pl.concat(frames, how="diagonal")


def test_identifiers_are_normalized(truth) -> None:
    ids = truth["identifiers"]
    assert set(ids["id_type"].unique()) == ID_TYPES
    phones = ids.filter(pl.col("id_type") == "phone")["value"]
    assert phones.str.contains(r"^1[3-9]\d{9}$").all()
    emails = ids.filter(pl.col("id_type") == "email")["value"]
    assert (emails == emails.str.to_lowercase()).all() and emails.str.contains("@").all()
    assert ids.filter(pl.col("id_type") == "imei")["value"].str.contains(r"^\d{15}$").all()
    idfa = ids.filter(pl.col("id_type") == "idfa")["value"]
    assert (idfa == idfa.str.to_uppercase()).all() and ZERO_DEVICE_ID not in idfa.to_list()
    assert set(ids["person_id"]) <= set(truth["persons"]["person_id"])


def test_only_devices_and_recycled_numbers_are_shared(truth) -> None:
    ids = truth["identifiers"]
    shared = ids.group_by("id_type", "namespace", "value").agg(pl.col("person_id").n_unique().alias("people")).filter(pl.col("people") > 1)
    family = set(truth["shared_devices"]["value"])
    assert set(shared.filter(pl.col("id_type").is_in(["oaid", "idfa", "imei"]))["value"]) <= family
    recycled = shared.filter(pl.col("id_type") == "phone")
    assert recycled.height > 0
    assert set(shared["id_type"]) <= {"phone", "oaid", "idfa", "imei"}
    # A recycled number has one owner at a time.
    owners = ids.join(recycled.select("value"), on="value").filter(pl.col("id_type") == "phone").sort("value", "valid_from", nulls_last=False)
    for _, group in owners.group_by("value"):
        first, second = group.row(0, named=True), group.row(1, named=True)
        assert first["valid_to"] is not None and second["valid_from"] is not None
        assert first["valid_to"] < second["valid_from"]


def test_people_in_several_brands(truth) -> None:
    persons = truth["persons"]
    assert persons.filter(pl.col("brands").list.len() >= 2).height > 0
    assert persons["phone_recycled_from"].drop_nulls().len() > 0


def test_delivered_ids_belong_to_someone(truth, moderate) -> None:
    ids = truth["identifiers"]

    def known(id_type: str) -> set[str]:
        return set(ids.filter(pl.col("id_type") == id_type)["value"])

    assert set(_csv(moderate, "crm_members")["member_id"]) <= known("crm_member_id")
    assert set(_csv(moderate, "tmall_orders")["买家OUID"]) <= known("tmall_ouid")
    assert set(_csv(moderate, "tmall_members")["ouid"]) <= known("tmall_ouid")
    assert set(_csv(moderate, "wechat_oa_followers")["openid"]) <= known("wechat_openid")
    assert set(_csv(moderate, "wechat_oa_followers")["unionid"].drop_nulls()) <= known("wechat_unionid")
    sub_orders = set(_csv(moderate, "tmall_orders")["子订单编号"].str.strip_chars('="'))
    assert sub_orders <= set(truth["order_lines"].filter(pl.col("source") == "tmall_orders")["line_key"])


def test_ad_hashes_match_the_ids_as_platforms_hash_them(truth, moderate) -> None:
    ads = _csv(moderate, "ad_backflow").with_columns(pl.col("id_value").str.to_lowercase())
    ids = truth["identifiers"]

    def hashed(id_type: str, digest, transform) -> set[str]:
        values = ids.filter(pl.col("id_type") == id_type)["value"].to_list()
        return {digest(transform(v).encode()).hexdigest() for v in values}

    expected = {
        "phone_md5": hashed("phone", hashlib.md5, str),
        "phone_sha256": hashed("phone", hashlib.sha256, str),
        "oaid_md5": hashed("oaid", hashlib.md5, str),
        "idfa_md5": hashed("idfa", hashlib.md5, str.upper),
        "imei_md5": hashed("imei", hashlib.md5, str.lower),
    }
    for id_type, digests in expected.items():
        values = set(ads.filter(pl.col("id_type") == id_type)["id_value"])
        assert values & digests, id_type
        assert all(re.fullmatch(r"[0-9a-f]{32}|[0-9a-f]{64}", v) for v in values)
