"""pipeline/keyed_hash.py is the macro keyed_hash, in Python: the same function with the
same key gives the warehouse's identifier_hash."""

from __future__ import annotations

import duckdb

from pipeline.home import Home
from pipeline.keyed_hash import DEVELOPMENT_KEY, keyed_hash


def test_python_keyed_hash_equals_the_warehouses(published_home: Home) -> None:
    with duckdb.connect(str(published_home.restricted), read_only=True) as con:
        rows = con.execute(
            "select identifier_key, identifier_hash from int_identifiers"
            " where identifier_key is not null order by identifier_key limit 50"
        ).fetchall()
    assert len(rows) == 50
    assert [keyed_hash(key) for key, _ in rows] == [identifier_hash for _, identifier_hash in rows]


def test_another_key_gives_other_hashes() -> None:
    assert keyed_hash("phone::13800138000", DEVELOPMENT_KEY) != keyed_hash("phone::13800138000", "another key")
    assert set(keyed_hash("x")) <= set("cbdefghijklnrtuv")
