"""What a person types, in the canonical form staging gives identifiers.

Mirrors macros/identity/normalize_identifiers.sql so that a phone typed as
`+86 138-1234-5678` or `１３８１２３４５６７８` finds the same identifier the
night normalized from an export.
"""

from __future__ import annotations

import re

_HALFWIDTH = str.maketrans("０１２３４５６７８９＋－（）．　", "0123456789+-(). ")
_PHONE_SEPARATORS = re.compile(r"[\s().-]")
_CN_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_EMAIL = re.compile(r"^[a-z0-9._%+-]+@[a-z0-9.-]+[.][a-z]{2,}$")
# The one OneID pattern: `OID` and 20 upper-case ModHex letters (int_oneid_assignments).
ONEID_PATTERN = re.compile(r"OID[BCDEFGHIJKLNRTUV]{20}")


def normalize_cn_mobile(text: str) -> str | None:
    """The 11-digit national number, or None when `text` is not a usable CN mobile."""
    compact = _PHONE_SEPARATORS.sub("", text.translate(_HALFWIDTH).strip())
    for prefix in ("+86", "0086", "86"):
        if compact.startswith(prefix) and len(compact) == len(prefix) + 11 and compact[len(prefix):].isdigit():
            compact = compact[len(prefix):]
            break
    return compact if _CN_MOBILE.match(compact) else None


def normalize_email(text: str) -> str | None:
    value = text.strip().lower()
    return value if _EMAIL.match(value) else None


def looks_like_oneid(text: str) -> bool:
    """Typed in any case: OneIDs are upper-case, and no other identifier has this form."""
    return bool(ONEID_PATTERN.fullmatch(text.strip().upper()))
