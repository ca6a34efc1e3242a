"""The profile store: what a profile look-up reads, one SQLite file per night.

A look-up at 1M people made about fifteen DuckDB point queries (the ten
audience tables among them), each scanning a row group of its key column:
2-9 ms apiece, so 20 concurrent clients queued for 600 ms (docs/benchmarks.md,
"Serving"). The night therefore writes, after its build, every person's
profile as one JSON document keyed by OneID, and the identifier hashes
keyed to OneIDs, into SQLite B-trees (the standard library's): a look-up is
two key reads of microseconds.

Each document is compressed on its own (raw DEFLATE with a 4 KB preset
dictionary of the night's first documents, kept in the file): documents of
about 1.1 KB take about 190 bytes, so they stay inside their B-tree pages.
Uncompressed, at 1M people, every one spilled onto an overflow page and the
file took 5.2 GB.

The documents hold every brand's rows, unfiltered, exactly as the marts
have them (masked identifiers, no raw value: the file sits beside the
analyst warehouse); the API keeps what a token's brands may see
(pipeline/serve/people.py). Published with the warehouse (pipeline/publish.py),
named by its run id so the API never pairs it with another night's files.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.profile.sections import MEMBERSHIP_FIELDS
from pipeline.serve.night import AUDIENCE_PREFIX, MANUAL_TAGS, NOT_TAGS, attach_night, night_columns
from pipeline.settings import WarehouseSettings

# What each section of a profile holds (docs/api.md). No birthday, no raw identifier.
PERSON_FIELDS = (
    "name_masked", "gender", "city", "unified_tier_code", "unified_tier_label_zh", "total_points",
    "is_member", "member_brands", "member_since", "brands", "sources", "first_seen_at", "last_seen_at",
)
IDENTIFIER_FIELDS = (
    "id_type", "namespace", "identifier_masked", "sources", "record_count", "first_seen_at", "last_seen_at",
)
MANUAL_TAG_FIELDS = (
    "brand", "tag_code", "tag_name_zh", "tag_name_en", "tag_value", "value_label_zh", "value_label_en",
    "guide_id", "store_code", "tagged_at", "tag_event_id",
)
ELIGIBILITY_FIELDS = (
    "campaign_id", "channel", "brand", "is_eligible", "ineligibility_reasons", "taken_by_campaign_id",
)


@dataclass(frozen=True)
class Section:
    """One key of the document: the rows of `table` for the person (one row, or a list in `order`)."""

    name: str
    table: str  # `restricted.<t>` for the restricted store
    fields: tuple[str, ...] | None  # None: every tag column of the table
    order: str | None = None  # None: one row per person
    distinct: bool = False


SECTIONS = (
    Section("person", "dim_person", PERSON_FIELDS),
    Section("identifiers", "map_identifier_oneid", IDENTIFIER_FIELDS, "id_type, namespace, first_seen_at"),
    # Brands the person is a member, Tmall shop member or WeChat follower/user of.
    Section("relationships", "restricted.int_activation__person_brands", ("brand",), "brand", distinct=True),
    Section("memberships", "restricted.int_person_memberships", MEMBERSHIP_FIELDS, "brand, programme"),
    Section("tags", "person_tags", None),
    Section("brand_tags", "person_brand_tags", None, "brand"),
    Section("manual_tags", MANUAL_TAGS, MANUAL_TAG_FIELDS, "brand, tag_code"),
    Section("audiences", "aud_*", ("audience", "brand"), "audience, brand nulls first", distinct=True),
    Section("campaign_eligibility", "campaign_eligibility", ELIGIBILITY_FIELDS, "campaign_id, channel"),
)
_BATCH = 20_000  # rows fetched from DuckDB at a time


@dataclass(frozen=True)
class StoreSummary:
    people: int
    identifiers: int
    missing: tuple[str, ...]  # tables the night did not publish: their sections say so

    def to_record(self) -> dict[str, Any]:
        return {"people": self.people, "identifiers": self.identifiers, "missing_tables": list(self.missing)}


def build_profile_store(
    warehouse: Path, restricted: Path, destination: Path, run_id: str, settings: WarehouseSettings
) -> StoreSummary:
    """Write the night's profile store to `destination` (replaced if there) from its two built files."""
    destination.unlink(missing_ok=True)
    with settings.connect(Path(":memory:")) as con:
        con.execute("set enable_progress_bar = false")
        attach_night(con, warehouse, restricted)
        # Timestamps are written in UTC, as the marts hold them.
        con.execute("set timezone = 'UTC'")
        columns = night_columns(con)
        built, missing = _sections(columns)
        with _writer(destination) as store:
            store.execute("create table identifiers (identifier_hash text primary key, oneid text not null) without rowid")
            identifiers = 0
            if "map_identifier_oneid" in columns:
                result = con.execute("select identifier_hash, oneid from map_identifier_oneid order by identifier_hash")
                while batch := result.fetchmany(_BATCH):
                    store.executemany("insert into identifiers values (?, ?)", batch)
                    identifiers += len(batch)
            store.execute("create table profiles (oneid text primary key, document blob not null) without rowid")
            people, dictionary, packer = 0, b"", None
            if built:
                result = con.execute(_document_query(built, columns))
                while batch := result.fetchmany(_BATCH):
                    if packer is None:
                        dictionary = _dictionary(document for _, document in batch)
                        packer = _packer(dictionary)
                    store.executemany("insert into profiles values (?, ?)", _compressed(batch, packer))
                    people += len(batch)
            store.execute(
                "create table night (run_id text not null, fields text not null, missing_tables text not null, "
                "dictionary blob not null)"
            )
            fields = {section.name: list(names) for section, _, names in built}
            store.execute(
                "insert into night values (?, ?, ?, ?)", [run_id, json.dumps(fields), json.dumps(missing), dictionary]
            )
    return StoreSummary(people, identifiers, tuple(missing))


def _sections(
    columns: dict[str, dict[str, str]],
) -> tuple[list[tuple[Section, str, tuple[str, ...]]], list[str]]:
    """Each section with the SQL of its rows (oneid, then the fields the table has) and those
    fields, and the tables missing."""
    built: list[tuple[Section, str, tuple[str, ...]]] = []
    missing: list[str] = []
    for section in SECTIONS:
        if section.table == "aud_*":
            audiences = sorted(t for t in columns if t.startswith(AUDIENCE_PREFIX))
            if audiences:
                union = " union all ".join(
                    f"select oneid, '{t.removeprefix(AUDIENCE_PREFIX)}' as audience, brand from \"{t}\"" for t in audiences
                )
                built.append((section, f"select distinct * from ({union})", ("audience", "brand")))
            continue
        have = columns.get(section.table)
        if have is None:
            missing.append(section.table.removeprefix("restricted."))
            continue
        wanted = section.fields or tuple(c for c in have if c not in NOT_TAGS)
        if section.fields is None and section.order:
            wanted = ("brand", *wanted)
        present = tuple(c for c in wanted if c in have)
        fields = ", ".join(f"{_json_ready(c, have[c])} as \"{c}\"" for c in present)
        rows = f"select {'distinct ' if section.distinct else ''}oneid, {fields} from {_table(section.table)}"
        built.append((section, rows, present))
    return built, missing


def _document_query(
    built: list[tuple[Section, str, tuple[str, ...]]], columns: dict[str, dict[str, str]]
) -> str:
    """One row per person in OneID order: OneID and a JSON object of sections, each row a JSON
    array of values (the field names are written once, in the store's `night` table)."""
    ctes, joins, keys = [], [], []
    for i, (section, rows, fields) in enumerate(built):
        name = f"s{i}"
        row = "json_array(" + ", ".join(f'"{f}"' for f in fields) + ")"
        if section.order is None:
            ctes.append(f"{name} as (select oneid, {row} as v from ({rows}))")
        else:
            ctes.append(
                f"{name} as (select oneid, to_json(list({row} order by {section.order})) as v "
                f"from ({rows}) group by oneid)"
            )
        joins.append(f"left join {name} on {name}.oneid = people.oneid")
        keys.append(f"'{section.name}', {name}.v")
    universe = " union ".join(
        f"select oneid from {t}" for t in ("map_identifier_oneid", "dim_person") if t in columns
    )
    return (
        f"with people as ({universe}), {', '.join(ctes)} "
        f"select people.oneid, json_object({', '.join(keys)}) from people {' '.join(joins)} "
        "order by people.oneid"
    )


def _json_ready(column: str, data_type: str) -> str:
    """ISO 8601 timestamps (`T`, and `+00:00` in UTC); everything else as DuckDB's JSON writes it."""
    quoted = f'"{column}"'
    if data_type == "TIMESTAMP WITH TIME ZONE":
        return f"replace(cast({quoted} as varchar), ' ', 'T') || ':00'"
    if data_type.startswith("TIMESTAMP"):
        return f"replace(cast({quoted} as varchar), ' ', 'T')"
    return quoted


# Raw DEFLATE with a 4 KB window: a document is about 1.1 KB, and the dictionary fills the window.
_WBITS, _DICTIONARY_BYTES = -12, 4096


def _dictionary(documents: Iterable[str]) -> bytes:
    """The window's worth of the first documents: their keys and common values recur in every one."""
    sample = bytearray()
    for document in documents:
        sample += document.encode("utf-8")
        if len(sample) >= _DICTIONARY_BYTES:
            break
    return bytes(sample[-_DICTIONARY_BYTES:])


def _packer(dictionary: bytes) -> Any:
    """A compressor primed with the dictionary; each document deflates with a copy of it,
    which is cheaper than priming a new one."""
    return zlib.compressobj(6, zlib.DEFLATED, _WBITS, 2, zdict=dictionary)


def _compressed(rows: list[tuple[str, str]], packer: Any) -> list[tuple[str, bytes]]:
    out = []
    for oneid, document in rows:
        own = packer.copy()
        out.append((oneid, own.compress(document.encode("utf-8")) + own.flush()))
    return out


def _decompress(stored: bytes, dictionary: bytes) -> str:
    return zlib.decompressobj(_WBITS, zdict=dictionary).decompress(stored).decode("utf-8")


class _writer:
    """A new SQLite file written in one transaction, without a journal (it is not published until closed)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> sqlite3.Connection:
        self.connection = sqlite3.connect(self.path, isolation_level=None)
        for pragma in ("journal_mode = off", "synchronous = off", "cache_size = -262144"):
            self.connection.execute(f"pragma {pragma}")
        self.connection.execute("begin")
        return self.connection

    def __exit__(self, failed: type[BaseException] | None, *_: object) -> None:
        try:
            if failed is None:
                self.connection.execute("commit")
        finally:
            self.connection.close()
        if failed is not None:
            self.path.unlink(missing_ok=True)


def _table(name: str) -> str:
    database, _, table = name.rpartition(".")
    return f"{database or 'oneid'}.\"{table}\""


# Reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreNight:
    run_id: str
    fields: dict[str, tuple[str, ...]]  # section -> the names of its values
    missing_tables: tuple[str, ...]
    dictionary: bytes

    def profile(self, document: bytes) -> dict[str, Any]:
        """A stored document as sections of records: one record (or None), or a list of them."""
        stored = json.loads(_decompress(document, self.dictionary))
        profile: dict[str, Any] = {}
        for section in SECTIONS:
            names = self.fields.get(section.name)
            if names is None:
                continue
            values = stored.get(section.name)
            if section.order is None:
                profile[section.name] = dict(zip(names, values)) if values is not None else None
            else:
                profile[section.name] = [dict(zip(names, row)) for row in values or ()]
        return profile


def open_store(path: Path) -> tuple[sqlite3.Connection, StoreNight]:
    """A read-only connection; `immutable`: a published store never changes, a new night is a new file."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    try:
        run_id, fields, missing, dictionary = connection.execute(
            "select run_id, fields, missing_tables, dictionary from night"
        ).fetchone()
    except BaseException:
        connection.close()
        raise
    sections = {name: tuple(names) for name, names in json.loads(fields).items()}
    return connection, StoreNight(run_id, sections, tuple(json.loads(missing)), dictionary)


def oneid_of(connection: sqlite3.Connection, identifier_hash: str) -> str | None:
    row = connection.execute("select oneid from identifiers where identifier_hash = ?", [identifier_hash]).fetchone()
    return row[0] if row else None


def document_of(connection: sqlite3.Connection, oneid: str) -> bytes | None:
    row = connection.execute("select document from profiles where oneid = ?", [oneid]).fetchone()
    return row[0] if row else None
