"""The keyed hash of macros/identity/identifier_privacy.sql (`keyed_hash`), for
Python: SHA-256 of `<key>|<text>`, its hex digits written in ModHex. Python
keeps identifiers only in this form (the exports' state between nights); a
test checks it gives the warehouse's `identifier_hash` for the same key.
"""

from __future__ import annotations

import hashlib
import os

# The macro's default too: for development only, a real home sets ONEID_HASH_KEY.
DEVELOPMENT_KEY = "oneid-development-key-not-secret"
_MODHEX = str.maketrans("0123456789abcdef", "cbdefghijklnrtuv")


def hash_key() -> str:
    return os.environ.get("ONEID_HASH_KEY", DEVELOPMENT_KEY)


def keyed_hash(text: str, key: str | None = None) -> str:
    digest = hashlib.sha256(f"{hash_key() if key is None else key}|{text}".encode("utf-8")).hexdigest()
    return digest.translate(_MODHEX)
