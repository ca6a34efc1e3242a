"""Masking of the example values a report keeps.

Run records are read by operators and land in the warehouse's run history, so
an example value that looks like a phone number or an email address is
masked before it is stored, whatever column it came from.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９＋－", "0123456789+-")

# CN mobile with optional country prefix and the separators vendors use;
# digit lookarounds keep order ids and other long numbers that merely contain
# 11 digits intact.
_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
# Excel's scientific notation of an 11-digit number (1.38123E+10).
_EXCEL_NUMBER = re.compile(r"\d\.\d+[eE]\+?10\b")
_EMAIL = re.compile(r"([\w.%+-]+)@([\w-]+(?:\.[\w-]+)+)")

_KEPT_DIGITS = 3


def mask_text(text: str) -> str:
    """Mask every phone- or email-looking part of `text`, keep the rest."""
    text = text.translate(_FULL_WIDTH_DIGITS)
    text = _EMAIL.sub(lambda m: f"{m.group(1)[:1]}***@{m.group(2)}", text)
    for pattern in (_MOBILE, _LANDLINE, _EXCEL_NUMBER):
        text = pattern.sub(_mask_number, text)
    return text


def _mask_number(match: re.Match[str]) -> str:
    found = match.group(0)
    return found[:_KEPT_DIGITS] + "*" * (len(found) - _KEPT_DIGITS)


def render_example(value: Any) -> str:
    """One example value as masked text for the run record."""
    return mask_text(_plain(value))


def _plain(value: Any) -> str:
    if value is None or _is_missing(value):
        return "null"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_plain(v) for v in value) + ")"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_plain(v)}" for k, v in value.items())
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float) or hasattr(value, "dtype"):  # numpy scalars too
        number = value.item() if hasattr(value, "item") else value
        if isinstance(number, float) and number.is_integer():
            return str(int(number))
        return str(number)
    return str(value)


def _is_missing(value: Any) -> bool:
    """NaN and NaT: the only values not equal to themselves."""
    if isinstance(value, (str, bytes, tuple, list, dict)):
        return False
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False
