"""Why is this identifier (or OneID) the person it is? (`oneid explain`)

Reads the restricted store of a home. Given a phone, email, member id,
openid, device id, identifier key, keyed identifier hash, backflow MD5 /
SHA-256 or OneID, it returns the person's identifiers and, for pairs of
them, the shortest chain of links between them with the records that
asserted each link (source, file, line, record key, when). A chain between
identifiers of different OneIDs runs over every link the data hold and says
which links the guardrails cut and why. A value that is no identifier
(rejected, blocklisted) or a hub says why it was left out. Identifiers are
shown masked; the structures keep the keys for the pipeline's own use.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb

from pipeline.errors import BadInputError, ConfigurationError
from pipeline.home import Home
from pipeline.identifiers import looks_like_oneid, mask_identifier, mask_rejected_value, normalize_cn_mobile

KEYED_HASH_PATTERN = re.compile(r"[bcdefghijklnrtuv]{64}")
HEX_DIGEST_PATTERN = re.compile(r"[0-9a-f]{32}|[0-9a-f]{64}")
RECORDS_PER_LINK = 3


@dataclass(frozen=True)
class Identifier:
    identifier_key: str  # raw: never printed
    node_id: int
    identifier_hash: str
    id_type: str
    namespace: str
    masked: str
    oneid: str | None
    status: str  # in_oneid | hub
    first_seen_at: datetime | None
    last_seen_at: datetime | None
    record_count: int
    sources: str


@dataclass(frozen=True)
class SourceRecord:
    source_name: str
    record_key: str
    file_path: str | None
    file_line: int | None
    observed_at: datetime | None


@dataclass(frozen=True)
class Link:
    from_identifier: Identifier
    to_identifier: Identifier
    record_count: int
    first_seen_at: datetime | None
    last_seen_at: datetime | None
    sources: str
    is_must_link: bool
    cut_reason: str | None  # max_size | one_per_person | cannot_link | hub, when the link is not in the graph
    cut_detail: str | None
    records: tuple[SourceRecord, ...]


@dataclass(frozen=True)
class Chain:
    start: Identifier
    end: Identifier
    links: tuple[Link, ...]
    is_connected: bool  # false: no record ever links them, even through others

    @property
    def is_intact(self) -> bool:
        return self.is_connected and all(link.cut_reason is None for link in self.links)


@dataclass(frozen=True)
class Refusal:
    """A delivered value that is no identifier, or an identifier cut out of the graph."""

    kind: str  # rejected_value | hub
    id_type: str
    namespace: str | None
    masked: str
    reason: str
    detail: str
    records: tuple[SourceRecord, ...]


@dataclass(frozen=True)
class CutLink:
    """A link of the person's identifiers that a guardrail cut, or a link to a hub."""

    inside: Identifier
    outside: Identifier
    reason: str
    detail: str
    record_count: int


@dataclass(frozen=True)
class OneIDChange:
    changed_on: date
    old_oneid: str | None
    new_oneid: str | None
    change_kind: str
    cause: str
    identifiers_moved: int


@dataclass
class Explanation:
    query: str
    oneid: str | None
    oneid_created_on: date | None
    matched: list[Identifier] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    chains: list[Chain] = field(default_factory=list)
    cut_links: list[CutLink] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    changes: list[OneIDChange] = field(default_factory=list)


def query_spellings(query: str) -> list[str]:
    """The ways a typed identifier may be stored: as typed, lower and upper case,
    and as an 11-digit mobile (without +86, spaces, dashes, full-width digits)."""
    typed = unicodedata.normalize("NFKC", query).strip()
    spellings = [typed, typed.lower(), typed.upper()]
    phone = normalize_cn_mobile(typed)
    if phone is not None:
        spellings.append(phone)
    # A member id or order number typed with spaces or dashes.
    digits = re.sub(r"[\s\-.()+]", "", typed)
    if digits.isdigit():
        spellings.append(digits)
    return list(dict.fromkeys(spellings))


IDENTIFIER_COLUMNS = """
    identifiers.identifier_key, identifiers.node_id, identifiers.identifier_hash, identifiers.id_type,
    identifiers.namespace, identifiers.value, oneids.oneid,
    case when oneids.oneid is null then 'hub' else 'in_oneid' end as status,
    identifiers.first_seen_at, identifiers.last_seen_at, identifiers.record_count, identifiers.sources
"""
IDENTIFIER_FROM = """
    int_identifiers as identifiers
    left join int_identifier_oneids as oneids on identifiers.identifier_key = oneids.identifier_key
"""


class RestrictedStore:
    """Read-only queries over a restricted store."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, list(parameters)).fetchall()

    def identifiers(self, where: str, parameters: Sequence[Any] = ()) -> list[Identifier]:
        found = self.rows(f"select {IDENTIFIER_COLUMNS} from {IDENTIFIER_FROM} where {where}", parameters)
        return [_identifier(row) for row in found]

    def resolve(self, query: str) -> tuple[str | None, list[Identifier]]:
        """(OneID, matched identifiers) of what the operator typed."""
        typed = query.strip()
        if looks_like_oneid(typed):
            return typed.upper(), []
        if KEYED_HASH_PATTERN.fullmatch(typed):
            return None, self.identifiers("identifiers.identifier_hash = ?", [typed])
        if self.rows("select 1 from int_identifiers where identifier_key = ?", [typed]):
            return None, self.identifiers("identifiers.identifier_key = ?", [typed])
        if HEX_DIGEST_PATTERN.fullmatch(typed.lower()):
            digest = typed.lower()
            matched = self.identifiers("identifiers.md5_hex = ? or identifiers.sha256_hex = ?", [digest, digest])
            if matched:
                return None, matched
        spellings = query_spellings(typed)
        marks = ", ".join("?" for _ in spellings)
        return None, self.identifiers(f"identifiers.value in ({marks})", spellings)

    def records_of_link(self, key_a: str, key_b: str) -> tuple[SourceRecord, ...]:
        found = self.rows(
            """
            select distinct a.source_name, a.record_key, a._file_path, a._file_line, a.observed_at
            from int_identifier_observations as a
            inner join int_identifier_observations as b on a.record_id = b.record_id
            where a.identifier_key = ? and b.identifier_key = ?
            order by a.observed_at, a.source_name, a.record_key
            limit ?
            """,
            [key_a, key_b, RECORDS_PER_LINK],
        )
        return tuple(SourceRecord(*row) for row in found)

    def records_of_value(self, spellings: list[str]) -> list[tuple[Any, ...]]:
        marks = ", ".join("?" for _ in spellings)
        return self.rows(
            f"""
            select id_type, namespace, raw_value, rejection, source_name, record_key, _file_path, _file_line, observed_at
            from int_identifier_observations
            where rejection is not null and (raw_value in ({marks}) or regexp_replace(raw_value, '[^0-9]', '', 'g') in ({marks}))
            order by observed_at, source_name, record_key
            """,
            [*spellings, *spellings],
        )


def _identifier(row: tuple[Any, ...]) -> Identifier:
    key, node, hashed, id_type, namespace, value, oneid, status, first, last, records, sources = row
    return Identifier(key, node, hashed, id_type, namespace, mask_identifier(id_type, value), oneid, status, first, last, records, sources)


def explain(home: Home, query: str, between: tuple[str, str] | None = None) -> Explanation:
    """Explain the person behind `query`; `between` names two identifiers to chain
    (by default each identifier of the person is chained to the earliest seen)."""
    if not home.restricted.is_file():
        raise ConfigurationError(f"no restricted store at {home.restricted}: run `oneid run` first")
    with duckdb.connect(str(home.restricted), read_only=True) as con:
        return explain_in(RestrictedStore(con), query, between)


def explain_in(store: RestrictedStore, query: str, between: tuple[str, str] | None = None) -> Explanation:
    oneid, matched = store.resolve(query)
    if oneid is None:
        oneids = {identifier.oneid for identifier in matched if identifier.oneid}
        if len(oneids) > 1:
            listed = ", ".join(sorted(f"{i.id_type}:{i.namespace}" for i in matched))
            raise BadInputError(f"{query!r} names identifiers of {len(oneids)} OneIDs ({listed}): give the identifier key")
        oneid = next(iter(oneids), None)
    explanation = Explanation(query=query, oneid=oneid, oneid_created_on=None, matched=matched)
    explanation.refusals = _refusals(store, query, matched)
    if oneid is None:
        if not matched and not explanation.refusals:
            raise BadInputError(f"{query!r} is no identifier, hash or OneID of this home")
        return explanation
    explanation.identifiers = store.identifiers("oneids.oneid = ? order by identifiers.first_seen_at, identifiers.identifier_key", [oneid])
    if not explanation.identifiers:
        went = store.rows(
            "select change_kind, changed_on, coalesce(new_oneid, '-') from int_oneid_changes "
            "where old_oneid = ? order by changed_on desc, new_oneid",
            [oneid],
        )
        fate = "; ".join(f"{kind} on {day} into {new}" for kind, day, new in went) or "never assigned here"
        raise BadInputError(f"OneID {oneid} is no longer in use: {fate}")
    (created,) = store.rows("select min(oneid_created_on) from int_identifier_oneids where oneid = ?", [oneid])
    explanation.oneid_created_on = created[0]
    explanation.changes = [
        OneIDChange(*row)
        for row in store.rows(
            "select changed_on, old_oneid, new_oneid, change_kind, cause, identifiers_moved from int_oneid_changes "
            "where ? in (old_oneid, new_oneid) order by changed_on, change_kind",
            [oneid],
        )
    ]
    explanation.cut_links = _cut_links(store, explanation.identifiers)
    pairs = _chain_pairs(store, explanation, between)
    explanation.chains = [chain(store, start, end) for start, end in pairs]
    return explanation


def _chain_pairs(
    store: RestrictedStore, explanation: Explanation, between: tuple[str, str] | None
) -> list[tuple[Identifier, Identifier]]:
    if between is None:
        earliest, *others = explanation.identifiers
        return [(other, earliest) for other in others]
    ends = []
    for typed in between:
        oneid, matched = store.resolve(typed)
        if oneid is not None or len(matched) != 1:
            raise BadInputError(f"--between {typed!r} must name exactly one identifier ({len(matched)} found)")
        ends.append(matched[0])
    return [(ends[0], ends[1])]


def chain(store: RestrictedStore, start: Identifier, end: Identifier) -> Chain:
    """The shortest chain of links from start to end: inside the OneID when they
    share one, otherwise over every link the data hold (cut links included)."""
    if start.oneid is not None and start.oneid == end.oneid:
        edges = """
            select links.identifier_key_a, links.identifier_key_b
            from int_identity_graph_links as links
            inner join int_identifier_oneids as a on links.identifier_key_a = a.identifier_key
            inner join int_identifier_oneids as b on links.identifier_key_b = b.identifier_key
            where a.oneid = ? and b.oneid = ?
        """
        parameters: list[Any] = [start.oneid, start.oneid]
    else:
        edges = (
            "select identifier_key_a, identifier_key_b from int_identity_links "
            "union select identifier_key_a, identifier_key_b from int_identity_graph_links where is_must_link"
        )
        parameters = []

    def neighbours(frontier: list[str]) -> list[tuple[Any, ...]]:
        return store.rows(
            f"select identifier_key_a, identifier_key_b from ({edges}) as edges "
            "where identifier_key_a in (select unnest(?)) or identifier_key_b in (select unnest(?)) "
            "order by identifier_key_a, identifier_key_b",
            [*parameters, frontier, frontier],
        )

    path = shortest_path(neighbours, start.identifier_key, end.identifier_key)
    if path is None:
        return Chain(start, end, (), is_connected=False)
    by_key = {i.identifier_key: i for i in store.identifiers(
        "identifiers.identifier_key in (select unnest(?))", [path]
    )}
    return Chain(start, end, tuple(_link(store, by_key[a], by_key[b]) for a, b in zip(path, path[1:])), True)


def shortest_path(
    neighbours: Callable[[list[str]], list[tuple[Any, ...]]], start: str, end: str
) -> list[str] | None:
    """Breadth-first from start, one query per step (the links touching the
    frontier), so only the part of the graph nearer than `end` is read; None
    when end is not reachable."""
    parents: dict[str, str | None] = {start: None}
    frontier = [start]
    while frontier and end not in parents:
        reached: list[str] = []
        on_frontier = set(frontier)
        for key_a, key_b in neighbours(frontier):
            for here, there in ((key_a, key_b), (key_b, key_a)):
                if here in on_frontier and there not in parents:
                    parents[there] = here
                    reached.append(there)
        frontier = reached
    if end not in parents:
        return None
    path = [end]
    while (parent := parents[path[-1]]) is not None:
        path.append(parent)
    return path[::-1]


def _link(store: RestrictedStore, start: Identifier, end: Identifier) -> Link:
    # Links are stored once, from the smaller node id.
    key_a, key_b = (i.identifier_key for i in sorted((start, end), key=lambda i: i.node_id))
    found = store.rows(
        """
        select coalesce(graph.record_count, links.record_count, 0), coalesce(graph.first_seen_at, links.first_seen_at),
            coalesce(graph.last_seen_at, links.last_seen_at), coalesce(graph.sources, links.sources, ''),
            coalesce(graph.is_must_link, false), cuts.cut_reason,
            case cuts.cut_reason
                when 'one_per_person' then 'the weakest link between two ' || cuts.cut_id_type || ' of namespace ' || cuts.cut_namespace || ' (a person has one)'
                when 'max_size' then 'among the weakest links of a component above the size cap'
                when 'cannot_link' then 'the weakest link between the two sides of a cannot-link override'
            end
        from (select ? as identifier_key_a, ? as identifier_key_b) as pair
        left join int_identity_graph_links as graph
            on pair.identifier_key_a = graph.identifier_key_a and pair.identifier_key_b = graph.identifier_key_b
        left join int_identity_links as links
            on pair.identifier_key_a = links.identifier_key_a and pair.identifier_key_b = links.identifier_key_b
        left join int_identity_link_cuts as cuts
            on pair.identifier_key_a = cuts.identifier_key_a and pair.identifier_key_b = cuts.identifier_key_b
        """,
        [key_a, key_b],
    )
    records, first, last, sources, must_link, cut_reason, cut_detail = found[0]
    hub = next((i for i in (start, end) if i.status == "hub"), None)
    if cut_reason is None and hub is not None:
        cut_reason, cut_detail = "hub", f"{hub.id_type} {hub.masked} is a hub: all its links are cut"
    return Link(
        start, end, records, first, last, sources, must_link, cut_reason, cut_detail,
        store.records_of_link(start.identifier_key, end.identifier_key),
    )  # fmt: skip


def _cut_links(store: RestrictedStore, identifiers: list[Identifier]) -> list[CutLink]:
    keys = [i.identifier_key for i in identifiers]
    inside = {i.identifier_key: i for i in identifiers}
    found = store.rows(
        """
        select cuts.identifier_key_a, cuts.identifier_key_b, cuts.cut_reason,
            coalesce(cuts.cut_id_type || ' of namespace ' || cuts.cut_namespace, ''), cuts.record_count
        from int_identity_link_cuts as cuts
        where cuts.identifier_key_a in (select unnest(?)) or cuts.identifier_key_b in (select unnest(?))
        union all
        select links.identifier_key_a, links.identifier_key_b, 'hub',
            'linked to ' || hubs.busiest_neighbours || ' identifiers of type ' || hubs.busiest_neighbour_type
                || ' (cap ' || hubs.max_neighbours || ')',
            links.record_count
        from int_identity_links as links
        inner join int_identity_hubs as hubs
            on hubs.identifier_key in (links.identifier_key_a, links.identifier_key_b)
        where links.identifier_key_a in (select unnest(?)) or links.identifier_key_b in (select unnest(?))
        """,
        [keys, keys, keys, keys],
    )
    outside_keys = [b if a in inside else a for a, b, *_ in found]
    outside = {i.identifier_key: i for i in store.identifiers(
        "identifiers.identifier_key in (select unnest(?))", [outside_keys]
    )}
    cuts = []
    for key_a, key_b, reason, detail, records in found:
        mine, other = (key_a, key_b) if key_a in inside else (key_b, key_a)
        cuts.append(CutLink(inside[mine], outside[other], reason, detail, records))
    return cuts


def _refusals(store: RestrictedStore, query: str, matched: list[Identifier]) -> list[Refusal]:
    refusals = []
    for hub in (i for i in matched if i.status == "hub"):
        (row,) = store.rows(
            "select busiest_neighbour_type, busiest_neighbour_namespace, busiest_neighbours, person_level_neighbours, "
            "max_neighbours from int_identity_hubs where identifier_key = ?",
            [hub.identifier_key],
        )
        kind, namespace, busiest, person_level, cap = row
        detail = (
            f"linked to {busiest} identifiers of type {kind} ({namespace}), more than the cap of {cap}; "
            f"{person_level} person-level identifiers in all: a shared tablet or placeholder, cut out of the graph"
        )
        refusals.append(Refusal("hub", hub.id_type, hub.namespace, hub.masked, "hub", detail, ()))
    if matched or looks_like_oneid(query):
        return refusals
    rejected: dict[tuple[str, str | None, str, str], list[SourceRecord]] = {}
    for id_type, namespace, raw, reason, *record in store.records_of_value(query_spellings(query)):
        rejected.setdefault((id_type, namespace, mask_rejected_value(raw), reason), []).append(SourceRecord(*record))
    for (id_type, namespace, masked, reason), records in rejected.items():
        detail = f"seen in {len(records)} record(s); rejected as {reason} (see identity_quarantine, rejected_value)"
        refusals.append(
            Refusal("rejected_value", id_type, namespace, masked, reason, detail, tuple(records[:RECORDS_PER_LINK]))
        )
    return refusals
