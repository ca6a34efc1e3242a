"""`oneid explain` on the published demo home: identifiers and the chains of
links, with their records, that make them one person. Hubs, cut links and
rejected values are explained on the hand-made stories of
test_identity_graph.py (the small demo home may have no hub)."""

from __future__ import annotations

import random

import duckdb
import networkx as nx
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import BadInputError
from pipeline.home import Home
from pipeline.identifiers import mask_identifier
from pipeline.identity.explain import Chain, explain, shortest_path


def restricted(home: Home, sql: str) -> list[tuple]:
    with duckdb.connect(str(home.restricted), read_only=True) as con:
        return con.sql(sql).fetchall()


def assert_chain_is_walkable(chain: Chain) -> None:
    assert chain.is_connected and chain.links
    assert chain.links[0].from_identifier == chain.start
    assert chain.links[-1].to_identifier == chain.end
    for before, after in zip(chain.links, chain.links[1:]):
        assert before.to_identifier == after.from_identifier
    for link in chain.links:
        assert link.is_must_link or link.records, link
        for record in link.records:
            assert record.source_name and record.record_key and record.file_path and record.file_line


@pytest.fixture(scope="module")
def busy_person(published_home: Home) -> tuple[str, str, int]:
    """(OneID, its phone, identifiers) of a person with a phone and the most identifiers."""
    (row,) = restricted(
        published_home,
        """
        select oneids.oneid, phones.value, oneids.oneid_identifiers
        from int_identifier_oneids as oneids
        inner join int_identifier_oneids as phones on oneids.oneid = phones.oneid and phones.id_type = 'phone'
        order by oneids.oneid_identifiers desc, oneids.oneid, phones.value
        limit 1
        """,
    )
    return row


def test_a_phone_typed_any_way_explains_its_person(published_home: Home, busy_person: tuple[str, str, int]) -> None:
    oneid, phone, size = busy_person
    assert size >= 4
    typed = f"+86 {phone[:3]} {phone[3:7]}-{phone[7:]}"
    explained = explain(published_home, typed)
    assert explained.oneid == oneid
    assert [m.masked for m in explained.matched] == [mask_identifier("phone", phone)]
    assert len(explained.identifiers) == size
    # Each identifier is chained to the earliest seen, over links inside the OneID.
    earliest = explained.identifiers[0]
    assert all(earliest.first_seen_at <= i.first_seen_at for i in explained.identifiers)
    assert len(explained.chains) == size - 1
    for chain in explained.chains:
        assert chain.end == earliest and chain.is_intact
        assert_chain_is_walkable(chain)
    assert any(c.change_kind == "created" and c.new_oneid == oneid for c in explained.changes)


def test_a_oneid_and_a_hash_name_the_same_person(published_home: Home, busy_person: tuple[str, str, int]) -> None:
    oneid, _, _ = busy_person
    by_oneid = explain(published_home, oneid)
    other = by_oneid.identifiers[-1]
    by_hash = explain(published_home, other.identifier_hash)
    assert by_hash.oneid == oneid
    assert [i.identifier_key for i in by_hash.identifiers] == [i.identifier_key for i in by_oneid.identifiers]


def test_two_named_identifiers_are_chained(published_home: Home, busy_person: tuple[str, str, int]) -> None:
    oneid, _, _ = busy_person
    people = explain(published_home, oneid).identifiers
    start, end = people[1], people[-1]
    explained = explain(published_home, oneid, between=(start.identifier_key, end.identifier_key))
    (chain,) = explained.chains
    assert (chain.start, chain.end) == (start, end)
    assert_chain_is_walkable(chain)


def test_an_unknown_value_is_bad_input(published_home: Home) -> None:
    with pytest.raises(BadInputError):
        explain(published_home, "no-such-identifier-anywhere")


def test_the_cli_shows_identifiers_masked(published_home: Home, busy_person: tuple[str, str, int]) -> None:
    oneid, phone, _ = busy_person
    result = CliRunner().invoke(app, ["explain", phone, "--home", str(published_home.root)])
    assert result.exit_code == 0, result.output
    assert oneid in result.output and mask_identifier("phone", phone) in result.output
    assert phone not in result.output
    assert "chains of links" in result.output


def test_shortest_path_reads_only_links_of_the_frontier_and_matches_networkx() -> None:
    rng = random.Random(5)
    for _ in range(30):
        nodes = [f"n{i}" for i in range(rng.randint(2, 40))]
        edges = [tuple(rng.sample(nodes, 2)) for _ in range(rng.randint(0, 60))]
        asked: list[list[str]] = []

        def neighbours(frontier: list[str], edges: list[tuple[str, ...]] = edges) -> list[tuple[str, ...]]:
            asked.append(frontier)
            return [edge for edge in edges if edge[0] in frontier or edge[1] in frontier]

        start, end = rng.sample(nodes, 2)
        graph = nx.Graph(edges)
        graph.add_nodes_from([start, end])
        path = shortest_path(neighbours, start, end)
        if nx.has_path(graph, start, end):
            assert path is not None and path[0] == start and path[-1] == end
            assert len(path) == nx.shortest_path_length(graph, start, end) + 1
            assert all(graph.has_edge(a, b) for a, b in zip(path, path[1:]))
            assert len(asked) == len(path) - 1  # one query per step, none past the end
        else:
            assert path is None
    assert shortest_path(lambda frontier: [], "a", "a") == ["a"]
