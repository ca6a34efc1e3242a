"""Hex digests as every platform wants them: lower-case, of the UTF-8 bytes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Literal

Digest = Literal["md5", "sha256", "none"]


def md5_hex(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def unhashed(text: str) -> str:
    return text


DIGESTS: dict[Digest, Callable[[str], str]] = {"md5": md5_hex, "sha256": sha256_hex, "none": unhashed}
