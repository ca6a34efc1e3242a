"""The identifier rules Python needs, each equal to its SQL macro.

The night applies the rules in SQL (macros/identity/normalize_identifiers.sql,
macros/identity/identifier_privacy.sql, macros/text.sql); the API, `oneid
profile`, `oneid explain` and the media exports apply them to what a person
types or what the restricted store holds. They are written here once, and
tests/identity/test_identifier_rules.py holds each to its macro, compiled by
dbt and run on DuckDB, over one table of cases
(tests/identity/identifier_rule_cases.csv).
"""

from __future__ import annotations

import re

_HALFWIDTH = str.maketrans("０１２３４５６７８９＋－（）．　", "0123456789+-(). ")
_PHONE_SEPARATORS = re.compile(r"[ \t\n\r\f\v().-]")
_CN_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_EMAIL = re.compile(r"^[a-z0-9._%+-]+@[a-z0-9.-]+[.][a-z]{2,}$")
_FULL_WIDTH_ALNUM = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)
# What the macro trim_spaces drops on both engines: the Unicode space separators
# (category Zs), not tabs or newlines as str.strip() would.
_SQL_TRIMMED = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# The one OneID pattern: `OID` and 20 upper-case ModHex letters (int_oneid_assignments).
ONEID_PATTERN = re.compile(r"OID[BCDEFGHIJKLNRTUV]{20}")


def normalize_cn_mobile(text: str) -> str | None:
    """The 11-digit national number, or None when `text` is not a usable CN mobile
    (macro normalize_cn_mobile): full-width folded, separators dropped, a +86 / 0086 / 86
    prefix dropped only when exactly 11 digits remain."""
    compact = _PHONE_SEPARATORS.sub("", text.strip(_SQL_TRIMMED).translate(_HALFWIDTH))
    for prefix in ("+86", "0086", "86"):
        if compact.startswith(prefix) and len(compact) == len(prefix) + 11 and compact[len(prefix):].isdigit():
            compact = compact[len(prefix):]
            break
    return compact if _CN_MOBILE.match(compact) else None


def normalize_email(text: str) -> str | None:
    """Trimmed and lower-case, or None when it is no email address (macro normalize_email)."""
    value = text.strip(_SQL_TRIMMED).lower()
    return value if _EMAIL.match(value) else None


def mask_identifier(id_type: str, value: str) -> str:
    """A normalized identifier as people may see it (macro mask_identifier)."""
    if id_type == "phone":
        return value[:3] + "****" + value[-4:]
    if id_type == "email":
        domain = value.split("@", 1)[1] if "@" in value else ""
        return value[:1] + "***@" + domain.split(".", 1)[0] + ".***"
    if len(value) <= 8:
        return value[:1] + "***"
    return value[:4] + "****" + value[-4:]


def mask_rejected_value(value: str) -> str:
    """A rejected raw value's example (macro mask_rejected_value)."""
    if len(value) <= 4:
        return value
    if len(value) <= 8:
        return value[:1] + "***"
    return value[:3] + "****" + value[-4:]


def comparison_key(text: str) -> str:
    """Spaces dropped, full-width letters and digits made half-width, lower-case (macro comparison_key)."""
    return text.translate(_FULL_WIDTH_ALNUM).replace(" ", "").replace("\u3000", "").lower()


def looks_like_oneid(text: str) -> bool:
    """Typed in any case: OneIDs are upper-case, and no other identifier has this form."""
    return bool(ONEID_PATTERN.fullmatch(text.strip().upper()))
