"""Each platform's normalization and hash against the examples the platforms publish.

Sources (docs/activation.md):
- Tencent Ads customer-file audiences, developers.e.qq.com/docs/audience_management/file:
  HASH_IDFA FF1999CD-7177-4937-A474-74937A102630 -> 2c010ed96aef2fc34983e1e7e9176b7e,
  HASH_IMEI a000002c9060f7 -> f2d5a650733ca8c27d502b1c08da14e5.
- Tencent data nexus user ids (test case), datanexus.qq.com/doc/develop/guider/interface/user_id:
  OAID 1fe9a970-efbb-29e0-0bdd-f5dbbf751ab5 -> md5 83e9158a4fb54c0e1ef0b238639a23ae.
- TikTok "supported IDs and formats for a customer file": email janedoe@gmail.com ->
  d6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69; phone 37493828222 (country
  code, no +) -> 65b7e6dcf6f4310f8d7cbfbd78289a753062fb054d6664fb9aaac5df66a422d4; MAID
  5f3a2b18-9c4d-4e7f-b8e2-17d3a1e69b25 -> 83dc3f5f32b9472613b0f038d36f22585a609d018af6f6067f50da318bf354bd.
"""

from __future__ import annotations

import pytest

from pipeline.exports import normalize as n
from pipeline.exports.hashing import DIGESTS
from pipeline.exports.platforms import PLATFORMS
from pipeline.identifiers import normalize_cn_mobile, normalize_email


def written(platform: str, code: str, value: str) -> str | None:
    rule = next(r for r in PLATFORMS[platform].rules if r.code == code)
    normalized = rule.normalizer(value)
    return None if normalized is None else DIGESTS[rule.digest](normalized)


@pytest.mark.parametrize(
    ("platform", "code", "value", "published"),
    [
        ("tencent_ads", "HASH_IDFA", "FF1999CD-7177-4937-A474-74937A102630", "2c010ed96aef2fc34983e1e7e9176b7e"),
        # the same IDFA as a device may report it: lower-case, or without hyphens
        ("tencent_ads", "HASH_IDFA", "ff1999cd-7177-4937-a474-74937a102630", "2c010ed96aef2fc34983e1e7e9176b7e"),
        ("tencent_ads", "HASH_IDFA", "FF1999CD71774937A47474937A102630", "2c010ed96aef2fc34983e1e7e9176b7e"),
        ("tencent_ads", "HASH_IMEI", "a000002c9060f7", "f2d5a650733ca8c27d502b1c08da14e5"),
        ("tencent_ads", "HASH_IMEI", "A000002C9060F7", "f2d5a650733ca8c27d502b1c08da14e5"),
        ("tencent_ads", "HASH_OAID", "1fe9a970-efbb-29e0-0bdd-f5dbbf751ab5", "83e9158a4fb54c0e1ef0b238639a23ae"),
        ("tiktok", "Email_SHA256", "JaneDoe@Gmail.com ", "d6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69"),
        ("tiktok", "MAID_SHA256", "5F3A2B18-9C4D-4E7F-B8E2-17D3A1E69B25", "83dc3f5f32b9472613b0f038d36f22585a609d018af6f6067f50da318bf354bd"),
    ],
)
def test_published_examples(platform: str, code: str, value: str, published: str) -> None:
    assert written(platform, code, value) == published


def test_tiktok_phone_rule_matches_its_published_example() -> None:
    # TikTok's example hashes the digits with country code and no `+`; ours adds 86 to CN mobiles.
    assert DIGESTS["sha256"]("37493828222") == "65b7e6dcf6f4310f8d7cbfbd78289a753062fb054d6664fb9aaac5df66a422d4"
    assert n.cn_mobile_with_country_code("13800138000") == "8613800138000"


def test_one_phone_is_hashed_from_a_different_string_per_platform() -> None:
    phone = "13800138000"
    sha = DIGESTS["sha256"]
    assert written("tencent_ads", "SHA256_MOBILE_PHONE", phone) == sha("13800138000")
    assert written("ocean_engine", "MOBILE_HASH_SHA256", phone) == sha("13800138000")
    assert written("alimama", "PHONE_MD5", phone) == DIGESTS["md5"]("13800138000")
    assert written("meta", "phone", phone) == sha("8613800138000")
    assert written("google", "Phone", phone) == sha("+8613800138000")
    assert written("tiktok", "Phone_SHA256", phone) == sha("8613800138000")


@pytest.mark.parametrize(
    ("raw", "national"),
    [("+86 138-0013-8000", "13800138000"), ("008613800138000", "13800138000"), ("１３８００１３８０００", "13800138000"),
     ("8613800138000", "13800138000"), ("138****8000", None), ("1.38001E+10", None), ("12800138000", None),
     ("1440013800012", None)],
)
def test_cn_mobile_normalization(raw: str, national: str | None) -> None:
    assert normalize_cn_mobile(raw) == national


@pytest.mark.parametrize(
    ("raw", "google", "tiktok", "meta"),
    [
        ("John.Smith+ads@Gmail.com", "johnsmith@gmail.com", "john.smith@gmail.com", "john.smith+ads@gmail.com"),
        ("j.s+x@googlemail.com", "js@googlemail.com", "j.s@googlemail.com", "j.s+x@googlemail.com"),
        # the dot and plus rule is for Google's own mail only
        ("john.smith+ads@qq.com", "john.smith+ads@qq.com", "john.smith@qq.com", "john.smith+ads@qq.com"),
    ],
)
def test_email_rules_differ_per_platform(raw: str, google: str, tiktok: str, meta: str) -> None:
    assert n.email_google(raw) == google
    assert n.email_without_plus_tag(raw) == tiktok
    assert normalize_email(raw) == meta


def test_unusable_values_are_rejected_not_hashed() -> None:
    assert n.idfa_upper_hyphenated("00000000-0000-0000-0000-000000000000") is None
    assert n.imei_lower("000000000000000") is None
    assert normalize_email("not-an-email") is None
    assert n.oaid_as_reported("00000000-0000-0000-0000-000000000000") is None


def test_every_digest_is_lower_case_hex() -> None:
    for platform in PLATFORMS.values():
        for rule in platform.rules:
            if rule.digest == "none":
                continue
            digest = DIGESTS[rule.digest]("ABC")
            assert digest == digest.lower()
