"""What changed in each platform audience since the last export that was
published for it: the lines added and removed, written in the full file's own
format, and what the marketer must do with them (docs/activation.md, "Deltas").

A delta is the set difference of two consecutive published full files, line
by line (a value, or a per-person CSV row). The state between nights says
which lines each platform audience holds after a published night:

    <home>/state/audience_uploads/business_date=YYYY-MM-DD.parquet

one row per line and identifier it was written from, both as keyed hashes
(pipeline/keyed_hash.py), never a value, and the night whose full file wrote
it. A removed line is written again from its identifiers, found by their
keyed hash in tonight's restricted store, and checked against the line's
keyed hash. An identifier can leave the store (a CRM record's email replaced
by a new one): its line is then taken from the published full file that
wrote it, again checked by its keyed hash. A line found in neither is
counted, and the manifest then asks for a full replacement. Night D reads the
newest snapshot dated before D, so a rerun of D writes the same deltas, and a
failed night, which publishes no snapshot, changes nothing.
"""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipeline.exports.audience import MediaCampaign, identifiers_by_hash
from pipeline.exports.platforms import Platform
from pipeline.exports.uploads import Upload, lines_by_person, plan_uploads, render_lines, upload_lines
from pipeline.exports.writers import write_file
from pipeline.keyed_hash import keyed_hash

STATE_NAME = "audience_uploads"
SCHEMA = pl.Schema(
    {
        "campaign_id": pl.String(),
        "platform": pl.String(),
        "file": pl.String(),
        "line_hash": pl.String(),
        "identifier_hash": pl.String(),
        "written_on": pl.Date(),  # the night whose published full file holds the line
        "business_date": pl.Date(),
    }
)
RETAINED_SNAPSHOTS = 60

# Held lines of one file: line hash -> keyed hashes of the identifiers it was written from.
Held = dict[str, set[str]]


@dataclass
class AudienceState:
    """The lines the platform audiences held after the previous published night, and the
    lines they hold after tonight's files are applied."""

    since: date | None
    held: dict[tuple[str, str, str], Held]  # (campaign, platform, file) -> lines
    written_on: dict[tuple[str, str, str], date] = field(default_factory=dict)  # the full file that holds them
    tonight: dict[tuple[str, str, str], Held] = field(default_factory=dict)

    @classmethod
    def before(cls, state_root: Path, business_date: date) -> AudienceState:
        folder = state_root / STATE_NAME
        snapshots = sorted(
            path for path in folder.glob("business_date=*.parquet")
            if date.fromisoformat(path.stem.removeprefix("business_date=")) < business_date
        ) if folder.is_dir() else []
        if not snapshots:
            return cls(None, {})
        newest = snapshots[-1]
        held: dict[tuple[str, str, str], Held] = {}
        written_on: dict[tuple[str, str, str], date] = {}
        columns = ("campaign_id", "platform", "file", "line_hash", "identifier_hash", "written_on")
        for campaign_id, platform, file, line_hash, identifier_hash, written in (
            pl.read_parquet(newest).select(columns).iter_rows()
        ):
            held.setdefault((campaign_id, platform, file), {}).setdefault(line_hash, set()).add(identifier_hash)
            written_on[(campaign_id, platform, file)] = written
        return cls(date.fromisoformat(newest.stem.removeprefix("business_date=")), held, written_on)

    def files_held(self, campaign_id: str, platform: str) -> list[str]:
        return sorted(file for c, p, file in self.held if (c, p) == (campaign_id, platform))

    def frame(self, business_date: date, exported: set[tuple[str, str]]) -> pl.DataFrame:
        """Tonight's snapshot: the audiences exported tonight as they now stand, and the
        audiences of campaigns not exported tonight (ended, paused) as they were."""
        kept = {key: lines for key, lines in self.held.items() if key[:2] not in exported}
        written_on = {**{key: self.written_on[key] for key in kept}, **{key: business_date for key in self.tonight}}
        rows = [
            (campaign_id, platform, file, line_hash, identifier_hash, written_on[(campaign_id, platform, file)], business_date)
            for (campaign_id, platform, file), lines in sorted({**kept, **self.tonight}.items())
            for line_hash, identifiers in sorted(lines.items())
            for identifier_hash in sorted(identifiers)
        ]
        return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def stage_snapshot(state_root: Path, business_date: date, frame: pl.DataFrame) -> tuple[Path, Path]:
    """Write tonight's snapshot next to its place; publish moves it in (pipeline/state.py promote)."""
    final = state_root / STATE_NAME / f"business_date={business_date.isoformat()}.parquet"
    final.parent.mkdir(parents=True, exist_ok=True)
    scratch = final.with_name(final.name + ".staged")
    frame.write_parquet(scratch, compression="zstd")
    return scratch, final


def prune(state_root: Path, keep: int = RETAINED_SNAPSHOTS) -> None:
    for old in sorted((state_root / STATE_NAME).glob("business_date=*.parquet"))[:-keep]:
        old.unlink()


@dataclass
class FileChange:
    """One platform file's change since the previous published night."""

    file: str
    held: Held  # what the platform audience held
    tonight: dict[str, set[str]] | None  # tonight's lines -> identifiers; None: not written tonight
    written_on: date | None = None  # the night whose published full file holds the held lines
    removed: list[str] = field(default_factory=list)  # rebuilt removed lines
    not_rebuilt: int = 0

    @property
    def tonight_hashes(self) -> dict[str, str]:
        return {keyed_hash(line): line for line in self.tonight or {}}

    @property
    def removed_hashes(self) -> set[str]:
        return set(self.held) - set(self.tonight_hashes)

    @property
    def added(self) -> list[str]:
        return sorted(line for line_hash, line in self.tonight_hashes.items() if line_hash not in self.held)


def file_changes(
    con: duckdb.DuckDBPyConnection,
    state: AudienceState,
    platform: Platform,
    campaign: MediaCampaign,
    planned: list[Upload],
    written: list[Upload],
    exports_root: Path | None = None,
) -> dict[str, FileChange]:
    """Every file planned tonight or held by the platform audience, with its removed lines
    rebuilt; only the `written` files hold lines tonight. `exports_root`: where the published
    full files are, for lines whose identifiers left the store."""
    tonight = {upload.file_name: upload_lines(upload) for upload in written}
    names = sorted({*state.files_held(campaign.campaign_id, platform.code), *(u.file_name for u in planned)})
    changes = {
        name: FileChange(
            name,
            state.held.get((campaign.campaign_id, platform.code, name), {}),
            tonight.get(name),
            state.written_on.get((campaign.campaign_id, platform.code, name)),
        )
        for name in names
    }
    removed = {
        (name, line_hash): change.held[line_hash] for name, change in changes.items() for line_hash in change.removed_hashes
    }
    rebuilt = _rebuild(con, platform, campaign, removed)
    for name in sorted({name for name, line_hash in removed if (name, line_hash) not in rebuilt}):
        change = changes[name]
        if exports_root is not None and change.written_on is not None:
            published = exports_root / change.written_on.isoformat() / campaign.campaign_id / platform.code / name
            for line in published_lines(published):
                if (name, line_hash := keyed_hash(line)) in removed:
                    rebuilt.setdefault((name, line_hash), line)
    for (name, line_hash) in sorted(removed):
        if (name, line_hash) in rebuilt:
            changes[name].removed.append(rebuilt[(name, line_hash)])
        else:
            changes[name].not_rebuilt += 1
    for change in changes.values():
        change.removed.sort()
        if change.tonight is not None:
            state.tonight[(campaign.campaign_id, platform.code, change.file)] = {
                line_hash: change.tonight[line] for line_hash, line in change.tonight_hashes.items()
            }
    return changes


def _rebuild(
    con: duckdb.DuckDBPyConnection,
    platform: Platform,
    campaign: MediaCampaign,
    removed: dict[tuple[str, str], set[str]],
) -> dict[tuple[str, str], str]:
    """(file, line hash) -> the line, written again from its identifiers as they are tonight.
    Each removed line is planned as a person of its own, so the platform's rules (caps,
    per-appid files) shape it as they shaped it then."""
    if not removed:
        return {}
    known: dict[str, list] = {}
    for identifier in identifiers_by_hash(con, [h for hashes in removed.values() for h in hashes]):
        known.setdefault(identifier.identifier_hash, []).append(identifier)
    rebuilt: dict[tuple[str, str], str] = {}
    for name in sorted({name for name, _ in removed}):
        pieces = [
            dataclasses.replace(identifier, oneid=line_hash)
            for (file, line_hash), hashes in removed.items() if file == name
            for identifier_hash in sorted(hashes)
            for identifier in known.get(identifier_hash, [])
        ]
        for upload in plan_uploads(platform, campaign, pieces):
            if upload.file_name != name:
                continue
            for line_hash, lines in lines_by_person(upload).items():
                for line in lines:
                    if keyed_hash(line) == line_hash:
                        rebuilt[(name, line_hash)] = line
    return rebuilt


def published_lines(path: Path) -> list[str]:
    """The lines of a published full file (values, or CSV rows as written, the header left
    out); none when it is gone."""
    if not path.is_file():
        return []
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            text = "".join(archive.read(entry).decode("utf-8") for entry in archive.namelist())
    else:
        text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    return lines[1:] if path.suffix == ".csv" else lines


def delta_name(file_name: str, kind: str) -> str:
    """`HASH_MOBILE_PHONE.zip` -> `HASH_MOBILE_PHONE.removed.zip`."""
    stem, dot, extension = file_name.partition(".")
    return f"{stem}.{kind}{dot}{extension}"


def write_change(
    directory: Path,
    change: FileChange,
    platform: Platform,
    template: Upload | None,
    *,
    not_written: str | None,
) -> dict[str, Any]:
    """Write the file's delta files (where the platform takes them) and say what to do.
    `template`: tonight's plan of the file (None when tonight plans no such file, e.g. an appid
    that left the seed); `not_written`: why tonight's full file was not written, if it was not."""
    record: dict[str, Any] = {
        "since": change.written_on.isoformat() if change.written_on and change.held else None,
        "added": {"rows": len(change.added) if change.tonight is not None else 0},
        "removed": {"rows": len(change.removed) + change.not_rebuilt},
        "removed_not_rebuilt": change.not_rebuilt,
    }
    takes_deltas = platform.delta_operations is not None and change.not_rebuilt == 0 and template is not None
    if takes_deltas and change.held:
        add_operation, remove_operation = platform.delta_operations  # type: ignore[misc]
        for kind, lines, operation in (("added", change.added if change.tonight is not None else [], add_operation),
                                       ("removed", change.removed, remove_operation)):
            if lines:
                name = delta_name(change.file, kind)
                entry_name = delta_name(f"{template.columns[0].header}.txt", kind)
                content = render_lines(template, platform.layout, entry_name, lines)  # type: ignore[arg-type]
                sha256 = write_file(directory / name, content)
                record[kind].update({"file": name, "sha256": sha256})
            record[kind]["operation"] = operation
    record["apply"], record["instruction"] = _instruction(change, platform, takes_deltas, not_written)
    return record


def _instruction(change: FileChange, platform: Platform, takes_deltas: bool, not_written: str | None) -> tuple[str, str]:
    if not_written is not None or change.tonight is None:
        why = not_written or "no longer planned"
        if not change.held:
            return "nothing", f"not written ({why}); the platform holds no audience of it"
        if takes_deltas:
            return "clear", (
                f"tonight's audience is {why}: apply the removed file to empty the platform audience "
                "(it lists everyone it holds), or stop the campaign; do not keep the old members"
            )
        return "clear", (
            f"tonight's audience is {why}: delete the platform audience or stop the campaign "
            "(no removal file can be written for it); do not keep the old members"
        )
    if not change.held:
        return "upload", "first upload: create the platform audience from the full file"
    if takes_deltas:
        return "deltas", "apply the removed file, then the added file, to the audience the full file of `since` left"
    if platform.delta_operations is None:
        return "replace", f"{platform.name} takes no removal file: replace the platform audience with the full file"
    return "replace", (
        f"{change.not_rebuilt} removed lines could not be written again from tonight's identifiers: "
        "replace the platform audience with the full file"
    )


def summed(records: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Added and removed lines over a campaign's files, for the run record."""
    totals = {"added": 0, "removed": 0}
    for record in records:
        totals["added"] += record["added"]["rows"]
        totals["removed"] += record["removed"]["rows"]
    return totals
