"""The profile store holds, for every person, exactly their rows of the marts it is written from."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb
import pytest

from pipeline.home import Home
from pipeline.serve.night import AUDIENCE_PREFIX
from pipeline.serve.profile_store import SECTIONS, document_of, open_store


def _same(stored: Any, marts: Any) -> bool:
    """A stored JSON value against the mart's value: timestamps in ISO 8601, decimals as numbers."""
    if marts is None or stored is None:
        return stored is marts
    if isinstance(marts, datetime):
        return datetime.fromisoformat(stored) == marts
    if isinstance(marts, date):
        return stored == marts.isoformat()
    if isinstance(marts, (Decimal, float)):
        return abs(Decimal(str(stored)) - Decimal(str(marts))) < Decimal("1e-9")
    return stored == marts


def _rows_of_the_marts(con: duckdb.DuckDBPyConnection, table: str, fields: tuple[str, ...]) -> dict[str, list[tuple]]:
    columns = ", ".join(f'"{f}"' for f in fields)
    if table == "aud_*":
        audiences = [t for (t,) in con.execute(
            "select table_name from duckdb_tables() where database_name = 'oneid' and table_name like 'aud\\_%' escape '\\'"
        ).fetchall()]
        sql = " union ".join(
            f"select oneid, '{t.removeprefix(AUDIENCE_PREFIX)}' as audience, brand from oneid.\"{t}\"" for t in audiences
        )
    else:
        sql = f"select distinct oneid, {columns} from {table}"
    rows: dict[str, list[tuple]] = defaultdict(list)
    for oneid, *values in con.execute(sql).fetchall():
        rows[oneid].append(tuple(values))
    return rows


@pytest.fixture(scope="module")
def stores(published_home: Home):
    profiles, night = open_store(published_home.profile_store)
    con = duckdb.connect(":memory:")
    con.execute(f"attach '{published_home.warehouse}' as oneid (read_only)")
    con.execute(f"attach '{published_home.restricted}' as restricted (read_only)")
    con.execute("use oneid")
    yield profiles, night, con
    con.close()
    profiles.close()


def test_one_document_per_person(stores) -> None:
    profiles, night, con = stores
    people = {o for (o,) in con.execute("select oneid from map_identifier_oneid union select oneid from dim_person").fetchall()}
    stored = {o for (o,) in profiles.execute("select oneid from profiles").fetchall()}
    assert stored == people and len(people) > 100
    assert night.missing_tables == ()


def test_identifier_hashes_find_their_person(stores) -> None:
    profiles, _, con = stores
    expected = dict(con.execute("select identifier_hash, oneid from map_identifier_oneid").fetchall())
    assert dict(profiles.execute("select identifier_hash, oneid from identifiers").fetchall()) == expected


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.name)
def test_every_section_holds_the_persons_rows(stores, section) -> None:
    profiles, night, con = stores
    fields = night.fields[section.name]
    table = section.table if section.table.startswith(("restricted.", "aud_")) else f"oneid.{section.table}"
    expected = _rows_of_the_marts(con, table, fields)
    assert expected, f"{section.table} has no rows to compare"
    people = [o for (o,) in profiles.execute("select oneid from profiles").fetchall()]
    for oneid in people:
        stored = night.profile(document_of(profiles, oneid))[section.name]
        stored_rows = ([] if stored is None else [stored]) if section.order is None else stored
        wanted = expected.get(oneid, [])
        assert len(stored_rows) == len(wanted), (section.name, oneid)
        unmatched = list(wanted)
        for row in stored_rows:
            values = tuple(row[f] for f in fields)
            match = next((w for w in unmatched if all(_same(s, m) for s, m in zip(values, w))), None)
            assert match is not None, (section.name, oneid, row)
            unmatched.remove(match)


def test_a_changed_value_is_noticed(stores) -> None:
    """The comparison above can fail."""
    assert not _same("2026-11-20T00:00:00", datetime(2026, 11, 21))
    assert not _same(12.5, Decimal("12.51"))
    assert not _same(None, 0)
