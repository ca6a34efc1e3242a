"""The string each platform hashes, from an identifier as the restricted store
holds it (phone: 11 national digits; email: trimmed, lower-case; IDFA:
upper-case with hyphens; IMEI and OAID: lower-case; OAID also as the device
spelled it). Rules: shared/reference/media-upload-formats.md. The phone and
email rules are the staging macros' (pipeline/identifiers.py); what a platform
adds (country code, Google's dots) is here.

A hash of an unnormalized value matches nobody and no platform says so, so
every function here rejects (returns None) what it cannot normalize instead of
passing it through.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipeline.identifiers import normalize_cn_mobile, normalize_email

CN_COUNTRY_CODE = "86"
_IDFA = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
_IMEI = re.compile(r"^([0-9]{14,15}|[0-9a-f]{14})$")
_GOOGLE_MAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})

Normalizer = Callable[[str], "str | None"]


def cn_mobile_with_country_code(value: str) -> str | None:
    """Meta, TikTok: country code and number, digits only, no `+`."""
    national = normalize_cn_mobile(value)
    return None if national is None else CN_COUNTRY_CODE + national


def cn_mobile_e164(value: str) -> str | None:
    """Google Customer Match: E.164 with the `+`."""
    national = normalize_cn_mobile(value)
    return None if national is None else "+" + CN_COUNTRY_CODE + national


def email_google(value: str) -> str | None:
    """Lower-case; for gmail.com and googlemail.com only, dots in the local part
    and a `+tag` are removed (other providers treat them as different mailboxes)."""
    email = normalize_email(value)
    if email is None:
        return None
    local, domain = email.rsplit("@", 1)
    if domain in _GOOGLE_MAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        if not local:
            return None
    return f"{local}@{domain}"


def email_without_plus_tag(value: str) -> str | None:
    """TikTok: lower-case, `+` and what follows it up to `@` removed, for every domain."""
    email = normalize_email(value)
    if email is None:
        return None
    local, domain = email.rsplit("@", 1)
    local = local.split("+", 1)[0]
    return f"{local}@{domain}" if local else None


def idfa_upper_hyphenated(value: str) -> str | None:
    """Tencent's rule (its published example reproduces only this way)."""
    compact = value.strip().upper().replace("-", "")
    if len(compact) != 32 or set(compact) - set("0123456789ABCDEF") or set(compact) == {"0"}:
        return None
    idfa = f"{compact[:8]}-{compact[8:12]}-{compact[12:16]}-{compact[16:20]}-{compact[20:]}"
    return idfa if _IDFA.match(idfa) else None


def idfa_lower_hyphenated(value: str) -> str | None:
    """Meta `madid`, TikTok `MAID`, Ocean Engine: lower-case, hyphens kept."""
    idfa = idfa_upper_hyphenated(value)
    return None if idfa is None else idfa.lower()


def imei_lower(value: str) -> str | None:
    imei = value.strip().lower()
    return imei if _IMEI.match(imei) and set(imei) != {"0"} else None


def oaid_as_reported(value: str) -> str | None:
    """Tencent and Ocean Engine hash the OAID exactly as the device reports it."""
    oaid = value.strip()
    return oaid if oaid and set(oaid) - {"0", "-"} else None


def oaid_lower(value: str) -> str | None:
    oaid = oaid_as_reported(value)
    return None if oaid is None else oaid.lower()


def wechat_openid(value: str) -> str | None:
    openid = value.strip()
    return openid or None
