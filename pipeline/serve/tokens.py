"""API tokens of `oneid serve`: who may call, for which brands, with which scopes.

The store keeps only each token's SHA-256 (a token is 256 random bits, so a
plain hash cannot be brute-forced), its name, brands, scopes and creation
time, in `<home>/access/tokens.json` (mode 0600). The secret is shown once,
when it is created. The running server rereads the file when it changes,
so a new or revoked token takes effect without a restart.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from pipeline.errors import ConfigurationError
from pipeline.home import Home

SCOPES = ("profiles:read", "audiences:read", "guide_tags:write")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_BRAND = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_SECRET_PREFIX = "oneid_"


@dataclass(frozen=True)
class Token:
    name: str
    brands: tuple[str, ...]
    scopes: tuple[str, ...]
    created_at: str
    sha256: str


def token_store_path(home: Home) -> Path:
    return home.root / "access" / "tokens.json"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class TokenStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._signature: tuple[int, int, int] | None = None
        self._by_digest: dict[str, Token] = {}

    @classmethod
    def for_home(cls, home: Home) -> "TokenStore":
        return cls(token_store_path(home))

    def tokens(self) -> list[Token]:
        if not self.path.is_file():
            return []
        try:
            rows = json.loads(self.path.read_text(encoding="utf-8"))["tokens"]
            return [
                Token(r["name"], tuple(r["brands"]), tuple(r["scopes"]), r["created_at"], r["sha256"]) for r in rows
            ]
        except (ValueError, KeyError, TypeError) as failure:
            raise ConfigurationError(f"token store {self.path} is unreadable: {failure}") from None

    def create(self, name: str, brands: list[str], scopes: list[str]) -> str:
        """Add a token and return its secret (the only time it is seen)."""
        if not _NAME.match(name):
            raise ConfigurationError(f"token name {name!r}: use 1-64 of a-z 0-9 . _ - (starting with a letter or digit)")
        if not brands:
            raise ConfigurationError("a token needs at least one brand (--brands b1,b2)")
        for brand in brands:
            if not _BRAND.match(brand):
                raise ConfigurationError(f"brand {brand!r} is not a brand code (e.g. lingfeng)")
        unknown = [s for s in scopes if s not in SCOPES]
        if unknown or not scopes:
            raise ConfigurationError(f"scopes must be some of {', '.join(SCOPES)}; got {', '.join(scopes) or 'none'}")
        with self._changing():
            existing = self.tokens()
            if any(t.name == name for t in existing):
                raise ConfigurationError(f"a token named {name!r} exists; revoke it first")
            secret = _SECRET_PREFIX + secrets.token_urlsafe(32)
            created = datetime.now(timezone.utc).isoformat(timespec="seconds")
            token = Token(name, tuple(dict.fromkeys(brands)), tuple(dict.fromkeys(scopes)), created, _digest(secret))
            self._write([*existing, token])
        return secret

    def revoke(self, name: str) -> None:
        with self._changing():
            existing = self.tokens()
            if not any(t.name == name for t in existing):
                raise ConfigurationError(f"no token named {name!r} in {self.path}")
            self._write([t for t in existing if t.name != name])

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """One change at a time across processes: two `oneid token` commands that
        read, change and write the file at once would lose one change (a revoked
        token coming back)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.parent.chmod(0o700)
        with open(self.path.with_name(f".{self.path.name}.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def authenticate(self, secret: str) -> Token | None:
        """The token whose secret this is, as the store holds it now."""
        with self._lock:
            self._reload_if_changed()
            return self._by_digest.get(_digest(secret))

    def _reload_if_changed(self) -> None:
        # The file is only ever replaced by rename, so a new inode (or mtime,
        # size) means new contents; one stat per request is cheap.
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._signature, self._by_digest = None, {}
            return
        signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if signature != self._signature:
            self._by_digest = {t.sha256: t for t in self.tokens()}
            self._signature = signature

    def _write(self, tokens: list[Token]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.parent.chmod(0o700)
        text = json.dumps({"tokens": [asdict(t) for t in tokens]}, ensure_ascii=False, indent=2) + "\n"
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)
