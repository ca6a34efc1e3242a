"""The token store: secrets shown once, only hashes kept, file private, changes seen at once."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from pipeline.errors import ConfigurationError
from pipeline.serve.tokens import TokenStore


def test_only_the_hash_is_stored_in_a_private_file(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "access" / "tokens.json")
    secret = store.create("lingfeng-app", ["lingfeng"], ["profiles:read"])
    text = store.path.read_text()
    assert secret not in text and "lingfeng-app" in text
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    token = store.authenticate(secret)
    assert token is not None and token.brands == ("lingfeng",) and token.scopes == ("profiles:read",)
    assert store.authenticate(secret + "x") is None


def test_another_process_revoking_is_seen_by_the_next_check(tmp_path: Path) -> None:
    serving, cli = TokenStore(tmp_path / "tokens.json"), TokenStore(tmp_path / "tokens.json")
    secret = cli.create("guide-app", ["beian"], ["guide_tags:write"])
    assert serving.authenticate(secret) is not None
    cli.revoke("guide-app")
    assert serving.authenticate(secret) is None
    assert cli.tokens() == []


@pytest.mark.parametrize(
    ("name", "brands", "scopes"),
    [("Bad Name", ["lingfeng"], ["profiles:read"]), ("ok", [], ["profiles:read"]), ("ok", ["lingfeng"], ["admin"]),
     ("ok", ["Ling Feng"], ["profiles:read"])],
)
def test_bad_tokens_are_refused(tmp_path: Path, name: str, brands: list[str], scopes: list[str]) -> None:
    with pytest.raises(ConfigurationError):
        TokenStore(tmp_path / "tokens.json").create(name, brands, scopes)


def test_names_are_unique_and_revoking_an_unknown_name_fails(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    store.create("app", ["lingfeng"], ["profiles:read"])
    with pytest.raises(ConfigurationError, match="exists"):
        store.create("app", ["lingfeng"], ["profiles:read"])
    with pytest.raises(ConfigurationError, match="no token"):
        store.revoke("nobody")
