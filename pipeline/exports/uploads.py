"""From a campaign's eligible identifiers to the uploads of one platform:
normalized, hashed, sorted, deduplicated values per file (and per column)."""

from __future__ import annotations

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
    people: set[str] = field(default_factory=set)
    rejected: int = 0  # identifiers the platform's normalization could not use

    @property
    def header(self) -> str:
        return self.rule.code if self.appid is None else f"{self.rule.code}_{self.appid}"


@dataclass
class Upload:
    """One file the marketer uploads as one audience."""

    file_name: str
    columns: list[Column]

    @property
    def people(self) -> int:
        return len(set().union(*(column.people for column in self.columns)))

    @property
    def rows(self) -> int:
        return sum(len(column.values) for column in self.columns)


def plan_uploads(platform: Platform, campaign: MediaCampaign, identifiers: list[PersonIdentifier]) -> list[Upload]:
    columns = [column for rule in platform.rules for column in _columns(rule, campaign, identifiers)]
    if platform.layout == "csv_columns":
        return [Upload(platform.file_name, columns)]
    extension = "zip" if platform.layout == "zip_per_type" else "txt"
    return [Upload(f"{column.header}.{extension}", [column]) for column in columns]


def _columns(rule: IdentifierRule, campaign: MediaCampaign, identifiers: list[PersonIdentifier]) -> list[Column]:
    of_type = [i for i in identifiers if i.id_type == rule.id_type]
    if not rule.per_appid:
        return [_fill(Column(rule, None), of_type)]
    return [_fill(Column(rule, appid), [i for i in of_type if i.namespace == appid]) for appid in campaign.wechat_appids]


def _fill(column: Column, identifiers: list[PersonIdentifier]) -> Column:
    digest = DIGESTS[column.rule.digest]
    written: list[str] = []
    for identifier in identifiers:
        source = identifier.reported if column.rule.source == "reported" and identifier.reported else identifier.value
        normalized = column.rule.normalizer(source)
        if normalized is None:
            column.rejected += 1
            continue
        written.append(digest(normalized))
        column.people.add(identifier.oneid)
    column.values = sorted_unique(written)
    return column


def render(upload: Upload, layout: str) -> bytes:
    if layout == "csv_columns":
        width = len(upload.columns)
        rows = []
        for index, column in enumerate(upload.columns):
            for value in column.values:
                row = [""] * width
                row[index] = value
                rows.append(row)
        return csv_bytes([column.header for column in upload.columns], rows)
    (column,) = upload.columns
    content = lines_bytes(column.values)
    if layout == "zip_per_type":
        return zip_bytes(f"{column.header}.txt", content)
    return content
