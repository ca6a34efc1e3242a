"""What each media platform accepts: which identifiers, normalized and hashed
how, laid out in which files, and the smallest audience worth uploading.

Facts and their sources: shared/reference/media-upload-formats.md and
docs/activation.md. The campaign channel codes are these platform codes
(seeds/activation/campaigns.csv), and seeds/activation/channel_identifier_types.csv
repeats the id types per platform for the eligibility rules (a test keeps the two equal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipeline.exports import normalize as n
from pipeline.exports.hashing import Digest
from pipeline.identifiers import normalize_cn_mobile, normalize_email

# zip_per_type: one `<code>.txt` per identifier type, one value per line, each zipped on its own.
# txt_per_type: the same, not zipped.
# csv_per_person: one CSV, one row per person holding all of that person's identifiers, a
#   header per slot repeated up to the platform's documented maximum per type (Meta, Google
#   and TikTok match a row on every key it holds: docs/activation.md cites their layouts).
Layout = Literal["zip_per_type", "txt_per_type", "csv_per_person"]


@dataclass(frozen=True)
class IdentifierRule:
    code: str  # the platform's name of the type: file stem or CSV header
    id_type: str  # id_type in the restricted store
    normalizer: n.Normalizer
    digest: Digest
    # "value": the normalized value; "reported": as the device reported it (OAID)
    source: Literal["value", "reported"] = "value"
    per_appid: bool = False  # WeChat openids: one file per appid
    # csv_per_person: the most values of this type one row takes (the platform's documented
    # maximum of columns with this header); None for one value per line.
    per_person: int | None = None

    @property
    def rule(self) -> str:
        """How a value becomes what is written, for the manifest: e.g. `sha256(cn_mobile_e164)`."""
        step = self.normalizer.__name__
        return step if self.digest == "none" else f"{self.digest}({step})"


@dataclass(frozen=True)
class Platform:
    code: str
    name: str
    layout: Layout
    rules: tuple[IdentifierRule, ...]
    min_audience_size: int  # default; per-run overrides: pipeline/exports/min_sizes.py
    min_audience_basis: str  # where the default comes from
    file_name: str = ""  # csv_per_person only
    # How the platform takes a change to an audience it holds: the operations that apply an
    # added and a removed file (docs/activation.md, "Deltas"); None: it only takes the full
    # file as a replacement.
    delta_operations: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        if self.layout == "csv_per_person" and any(rule.per_person is None for rule in self.rules):
            raise ValueError(f"{self.code}: every rule of a csv_per_person layout needs per_person (its columns)")

    @property
    def id_types(self) -> frozenset[str]:
        return frozenset(rule.id_type for rule in self.rules)


_PHONE_MD5_11 = IdentifierRule("HASH_MOBILE_PHONE", "phone", normalize_cn_mobile, "md5")
_PHONE_SHA256_11 = IdentifierRule("SHA256_MOBILE_PHONE", "phone", normalize_cn_mobile, "sha256")
_IDFA_MD5_UPPER = IdentifierRule("HASH_IDFA", "idfa", n.idfa_upper_hyphenated, "md5")
_IMEI_MD5 = IdentifierRule("HASH_IMEI", "imei", n.imei_lower, "md5")

PLATFORMS: dict[str, Platform] = {
    platform.code: platform
    for platform in (
        Platform(
            code="tencent_ads",
            name="Tencent Ads 号码包 (customer file audience)",
            layout="zip_per_type",
            rules=(
                _PHONE_MD5_11,
                _PHONE_SHA256_11,
                _IDFA_MD5_UPPER,
                _IMEI_MD5,
                IdentifierRule("HASH_OAID", "oaid", n.oaid_as_reported, "md5", source="reported"),
                IdentifierRule("WECHAT_OPENID", "wechat_openid", n.wechat_openid, "none", per_appid=True),
            ),
            min_audience_size=2000,
            min_audience_basis="Tencent Ads: lookalike seed audiences need 2,000 to 30,000,000 ids",
            delta_operations=("custom_audience_files/add operation_type=APPEND", "custom_audience_files/add operation_type=REDUCE"),
        ),
        Platform(
            code="ocean_engine",
            name="Ocean Engine 巨量引擎 (DMP web upload)",
            layout="zip_per_type",
            rules=(
                IdentifierRule("MOBILE_HASH_SHA256", "phone", normalize_cn_mobile, "sha256"),
                IdentifierRule("IDFA_MD5", "idfa", n.idfa_lower_hyphenated, "md5"),
                IdentifierRule("OAID_MD5", "oaid", n.oaid_lower, "md5", source="reported"),
                IdentifierRule("IMEI_MD5", "imei", n.imei_lower, "md5"),
            ),
            min_audience_size=1000,
            min_audience_basis="Ocean Engine publishes no minimum for file audiences; 1,000 like TikTok, its sister platform",
        ),
        Platform(
            code="alimama",
            name="Alimama 达摩盘 (connector upload)",
            layout="txt_per_type",
            rules=(
                IdentifierRule("PHONE_MD5", "phone", normalize_cn_mobile, "md5"),
                IdentifierRule("PHONE_SHA256", "phone", normalize_cn_mobile, "sha256"),
                IdentifierRule("IMEI_MD5", "imei", n.imei_lower, "md5"),
                IdentifierRule("IDFA_MD5", "idfa", n.idfa_upper_hyphenated, "md5"),
            ),
            min_audience_size=2000,
            min_audience_basis="Alimama: pushes need more than 2,000 ids and more than 1,000 matched",
        ),
        Platform(
            code="meta",
            name="Meta custom audience (customer list CSV)",
            layout="csv_per_person",
            file_name="customer_list.csv",
            rules=(
                # Meta takes up to three email and three phone columns per customer.
                IdentifierRule("email", "email", normalize_email, "sha256", per_person=3),
                IdentifierRule("phone", "phone", n.cn_mobile_with_country_code, "sha256", per_person=3),
                # Meta matches mobile advertiser ids only unhashed (lower-case, hyphens kept); one column.
                IdentifierRule("madid", "idfa", n.idfa_lower_hyphenated, "none", per_person=1),
            ),
            min_audience_size=100,
            min_audience_basis="Meta: lists under about 100 people should not be uploaded",
            delta_operations=("add customers: POST /{audience_id}/users", "remove customers: DELETE /{audience_id}/users"),
        ),
        Platform(
            code="google",
            name="Google Customer Match (contact info CSV)",
            layout="csv_per_person",
            file_name="customer_match.csv",
            rules=(
                # Google allows several Email and Phone columns per record and names no maximum: three, as Meta.
                IdentifierRule("Email", "email", n.email_google, "sha256", per_person=3),
                IdentifierRule("Phone", "phone", n.cn_mobile_e164, "sha256", per_person=3),
            ),
            min_audience_size=1000,
            min_audience_basis="Google Customer Match: 1,000 to serve on Search and YouTube (about 100 on Display)",
            delta_operations=("add members: OfflineUserDataJob create", "remove members: OfflineUserDataJob remove"),
        ),
        Platform(
            code="tiktok",
            name="TikTok customer file (CSV)",
            layout="csv_per_person",
            file_name="customer_file.csv",
            rules=(
                # TikTok: each header at most three times in a file with several id types.
                IdentifierRule("Email_SHA256", "email", n.email_without_plus_tag, "sha256", per_person=3),
                # TikTok's newest page and its published example hash: digits with country code, no `+`.
                IdentifierRule("Phone_SHA256", "phone", n.cn_mobile_with_country_code, "sha256", per_person=3),
                IdentifierRule("MAID_SHA256", "idfa", n.idfa_lower_hyphenated, "sha256", per_person=3),
            ),
            min_audience_size=1000,
            min_audience_basis="TikTok: at least 1,000 rows and 1,000 matched before it can target",
            delta_operations=("customer file: Add Data", "customer file: Remove Data"),
        ),
    )
}
