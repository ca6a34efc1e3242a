"""From a campaign's eligible identifiers to the uploads of one platform:
normalized, hashed, sorted, deduplicated values per file, or one row per
person for platforms that match on several keys per customer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pipeline.exports.audience import MediaCampaign, PersonIdentifier
from pipeline.exports.hashing import DIGESTS
from pipeline.exports.platforms import IdentifierRule, Platform
from pipeline.exports.writers import csv_bytes, lines_bytes, sorted_unique, zip_bytes


@dataclass
class Column:
    rule: IdentifierRule
    appid: str | None
    values: list[str] = field(default_factory=list)  # sorted, unique, as written
    by_person: dict[str, list[str]] = field(default_factory=dict)  # OneID -> sorted written values
    # (OneID, written value) -> keyed hashes of the identifiers it was written from
    origins: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    rejected: int = 0  # identifiers the platform's normalization could not use
    over_cap: int = 0  # values left out: the person had more than the platform takes per row

    @property
    def header(self) -> str:
        return self.rule.code if self.appid is None else f"{self.rule.code}_{self.appid}"

    @property
    def people(self) -> set[str]:
        return set(self.by_person)


@dataclass
class Upload:
    """One file the marketer uploads as one audience."""

    file_name: str
    columns: list[Column]
    per_person: bool = False  # one row per person (csv_per_person), else one value per line

    @property
    def people(self) -> int:
        return len(set().union(*(column.people for column in self.columns)))

    @property
    def rows(self) -> int:
        return len(person_rows(self)) if self.per_person else sum(len(column.values) for column in self.columns)

    def keys_per_person(self) -> dict[str, int]:
        """How many people a row carries 1, 2, ... identifiers for (the manifest's per-person count)."""
        keys: Counter[str] = Counter()
        for column in self.columns:
            for oneid, values in column.by_person.items():
                keys[oneid] += len(values)
        return {str(count): people for count, people in sorted(Counter(keys.values()).items())}


def plan_uploads(platform: Platform, campaign: MediaCampaign, identifiers: list[PersonIdentifier]) -> list[Upload]:
    columns = [column for rule in platform.rules for column in _columns(rule, campaign, identifiers)]
    if platform.layout == "csv_per_person":
        return [Upload(platform.file_name, columns, per_person=True)]
    extension = "zip" if platform.layout == "zip_per_type" else "txt"
    return [Upload(f"{column.header}.{extension}", [column]) for column in columns]


def _columns(rule: IdentifierRule, campaign: MediaCampaign, identifiers: list[PersonIdentifier]) -> list[Column]:
    of_type = [i for i in identifiers if i.id_type == rule.id_type]
    if not rule.per_appid:
        return [_fill(Column(rule, None), of_type)]
    return [_fill(Column(rule, appid), [i for i in of_type if i.namespace == appid]) for appid in campaign.wechat_appids]


def _fill(column: Column, identifiers: list[PersonIdentifier]) -> Column:
    digest = DIGESTS[column.rule.digest]
    written: dict[str, set[str]] = {}
    for identifier in identifiers:
        source = identifier.reported if column.rule.source == "reported" and identifier.reported else identifier.value
        normalized = column.rule.normalizer(source)
        if normalized is None:
            column.rejected += 1
            continue
        value = digest(normalized)
        written.setdefault(identifier.oneid, set()).add(value)
        column.origins.setdefault((identifier.oneid, value), set()).add(identifier.identifier_hash)
    cap = column.rule.per_person
    for oneid, values in written.items():
        # Which values fill a capped row: the smallest digests, the same ones every night.
        ordered = sorted(values)
        column.by_person[oneid] = ordered if cap is None else ordered[:cap]
        column.over_cap += len(ordered) - len(column.by_person[oneid])
    column.values = sorted_unique(value for values in column.by_person.values() for value in values)
    return column


def render(upload: Upload, layout: str) -> bytes:
    if layout == "csv_per_person":
        return _per_person_csv(upload)
    (column,) = upload.columns
    content = lines_bytes(column.values)
    if layout == "zip_per_type":
        return zip_bytes(f"{column.header}.txt", content)
    return content


def _per_person_csv(upload: Upload) -> bytes:
    return csv_bytes(person_header(upload), person_rows(upload))


def person_header(upload: Upload) -> list[str]:
    """A header per slot (`email,email,email,phone,...`), as the platforms document."""
    return [column.header for column in upload.columns for _ in range(column.rule.per_person or 1)]


def person_rows(upload: Upload) -> list[tuple[str, ...]]:
    """One row per person, sorted and deduplicated, so the file carries no OneID and comes out
    the same every night (two people whose values the platform's normalization makes equal
    are one row)."""
    return sorted({_person_row(upload, oneid) for oneid in set().union(*(c.people for c in upload.columns))})


def _person_row(upload: Upload, oneid: str) -> tuple[str, ...]:
    row: list[str] = []
    for column in upload.columns:
        values = column.by_person.get(oneid, [])
        row.extend(values + [""] * ((column.rule.per_person or 1) - len(values)))
    return tuple(row)


def lines_by_person(upload: Upload) -> dict[str, dict[str, set[str]]]:
    """OneID -> each line of the file that person gives (a value, or their CSV row with its
    cells joined by commas: values never hold one) -> the keyed hashes of the identifiers
    the line was written from."""
    lines: dict[str, dict[str, set[str]]] = {}
    for column in upload.columns:
        for oneid, values in column.by_person.items():
            person = lines.setdefault(oneid, {})
            origins = set().union(*(column.origins[(oneid, value)] for value in values))
            if upload.per_person:
                line = ",".join(_person_row(upload, oneid))
                person[line] = person.get(line, set()) | origins
            else:
                for value in values:
                    person[value] = person.get(value, set()) | column.origins[(oneid, value)]
    return lines


def upload_lines(upload: Upload) -> dict[str, set[str]]:
    """Each line of the file -> the keyed hashes of the identifiers it was written from."""
    merged: dict[str, set[str]] = {}
    for person in lines_by_person(upload).values():
        for line, origins in person.items():
            merged[line] = merged.get(line, set()) | origins
    return merged


def render_lines(upload: Upload, layout: str, entry_name: str, lines: list[str]) -> bytes:
    """A file of the upload's layout holding only `lines` (a delta): the same header and format."""
    if layout == "csv_per_person":
        return csv_bytes(person_header(upload), sorted(tuple(line.split(",")) for line in lines))
    content = lines_bytes(sorted(lines))
    return zip_bytes(entry_name, content) if layout == "zip_per_type" else content
