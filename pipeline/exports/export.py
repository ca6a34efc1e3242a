"""Write every media campaign's audience files for one run into a folder, and
move that folder into place as `<home>/exports/<business_date>/` in one step.

Layout: `<business_date>/<campaign_id>/<platform>/<files>` + `manifest.json`:
each full file, and beside it what changed since the last published export
(pipeline/exports/deltas.py). An upload under the platform's minimum is not
written; its manifest says why and what to do with the audience the platform
still holds.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import date, timezone
from pathlib import Path
from typing import Any

import duckdb

from pipeline.errors import ConfigurationError
from pipeline.exports import deltas
from pipeline.exports.audience import (
    eligible_identifiers,
    eligible_people,
    holdout_people,
    media_campaigns,
    open_stores,
)
from pipeline.exports.manifest import RunStamp, file_entry, manifest, refusal_entry, write_manifest
from pipeline.exports.min_sizes import MinimumSize
from pipeline.exports.platforms import PLATFORMS
from pipeline.exports.uploads import plan_uploads, render
from pipeline.exports.writers import write_file
from pipeline.home import Home
from pipeline.run_record import new_run_id
from pipeline.runlock import run_lock


@dataclass
class CampaignExport:
    campaign_id: str
    platform: str
    status: str
    eligible_people: int
    holdout_people: int  # kept out as the campaign's control group
    files: dict[str, int] = field(default_factory=dict)  # file name -> rows
    refusals: list[str] = field(default_factory=list)
    changes: dict[str, int] = field(default_factory=dict)  # lines added and removed over its files

    def to_record(self) -> dict[str, Any]:
        return {
            "campaign_id": self.campaign_id,
            "platform": self.platform,
            "status": self.status,
            "eligible_people": self.eligible_people,
            "holdout_people": self.holdout_people,
            "files": self.files,
            "refusals": self.refusals,
            "changes": self.changes,
        }


def export_campaigns(
    warehouse: Path,
    restricted: Path,
    destination: Path,
    *,
    stamp: RunStamp,
    minimums: dict[str, MinimumSize],
    state_root: Path,
) -> tuple[list[CampaignExport], tuple[Path, Path]]:
    """Write into `destination` (the business date's folder, not yet in place); return the
    results and tonight's audience state, staged for publish to promote."""
    results = []
    business_date = date.fromisoformat(stamp.business_date)
    state = deltas.AudienceState.before(state_root, business_date)
    # The published full files: the staging folder is inside the exports folder.
    exports_root = destination.parent
    exported: set[tuple[str, str]] = set()
    destination.mkdir(parents=True, exist_ok=True)
    with open_stores(warehouse, restricted) as con:
        for campaign in media_campaigns(con, stamp.business_date):
            platform = PLATFORMS[campaign.platform]
            exported.add((campaign.campaign_id, platform.code))
            minimum = minimums[platform.code]
            people = eligible_people(con, campaign.campaign_id)
            identifiers = eligible_identifiers(con, campaign.campaign_id, platform.id_types)
            directory = destination / campaign.campaign_id / platform.code
            directory.mkdir(parents=True, exist_ok=True)
            result = CampaignExport(campaign.campaign_id, platform.code, "", people, holdout_people(con, campaign.campaign_id))
            planned = {upload.file_name: upload for upload in plan_uploads(platform, campaign, identifiers)}
            kept = {name: upload for name, upload in planned.items() if upload.people >= minimum.size}
            changes = deltas.file_changes(
                con, state, platform, campaign, list(planned.values()), list(kept.values()), exports_root=exports_root
            )
            written, refused, cleared = [], [], []
            for name, change in changes.items():
                upload = planned.get(name)
                if upload is not None and name in kept:
                    sha256 = write_file(directory / name, render(upload, platform.layout))
                    entry = file_entry(upload, sha256)
                    result.files[name] = upload.rows
                    written.append(entry)
                    why = None
                elif upload is not None:
                    entry = refusal_entry(upload, minimum, campaign, platform)
                    result.refusals.append(entry["message"])
                    refused.append(entry)
                    why = f"under the platform minimum of {minimum.size} ({upload.people} people)"
                else:
                    entry = {"file": name}
                    cleared.append(entry)
                    why = "no longer planned for the campaign"
                entry["changes"] = deltas.write_change(directory, change, platform, upload, not_written=why)
            result.changes = deltas.summed(entry["changes"] for entry in [*written, *refused, *cleared])
            content = manifest(
                campaign=campaign,
                platform=platform,
                stamp=stamp,
                minimum=minimum,
                eligible_people=people,
                holdout_people=result.holdout_people,
                written=written,
                refused=refused,
                cleared=cleared,
            )
            write_manifest(directory, content)
            result.status = content["status"]
            results.append(result)
    staged = deltas.stage_snapshot(state_root, business_date, state.frame(business_date, exported))
    return results, staged


def staging_folder(exports_root: Path, run_id: str) -> Path:
    return exports_root / f".building-{run_id}"


def promote(staged: Path, target: Path) -> None:
    """Replace `target` with `staged`: two renames, the old folder deleted last."""
    target.parent.mkdir(parents=True, exist_ok=True)
    previous = target.with_name(f".replaced-{target.name}")
    if target.exists():
        os.replace(target, previous)
    try:
        os.replace(staged, target)
    except BaseException:
        if previous.exists():
            os.replace(previous, target)
        raise
    shutil.rmtree(previous, ignore_errors=True)


def discard(staged: Path) -> None:
    shutil.rmtree(staged, ignore_errors=True)


def discard_leftovers(exports_root: Path) -> None:
    """Folders a killed run left half-written; only called under the home's run lock."""
    for leftover in [*exports_root.glob(".building-*"), *exports_root.glob(".replaced-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def published_stamp(warehouse: Path) -> RunStamp:
    """The run that published the warehouse: exporting it again reproduces that night's files."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(
            """
            select run_id, started_at, business_date from main.run_history
            where status = 'succeeded' and command in ('run', 'build')
            order by ended_at desc, run_id desc limit 1
            """
        ).fetchone()
    if row is None:
        raise ConfigurationError(f"{warehouse} records no successful run; run `oneid run` first")
    run_id, started_at, business_date = row
    return RunStamp(run_id, started_at.astimezone(timezone.utc).isoformat(timespec="milliseconds"), business_date.isoformat())


def export_summary(results: list[CampaignExport]) -> tuple[dict[str, int], dict[str, Any]]:
    """Row counts and detail for the run record."""
    rows = {
        "media_campaigns": len(results),
        "files_written": sum(len(r.files) for r in results),
        "uploads_refused": sum(len(r.refusals) for r in results),
        "lines_added": sum(r.changes.get("added", 0) for r in results),
        "lines_removed": sum(r.changes.get("removed", 0) for r in results),
    }
    return rows, {"campaigns": [r.to_record() for r in results]}


def export_published(home: Home, minimums: dict[str, MinimumSize]) -> tuple[Path, list[CampaignExport]]:
    """Export again from the published stores, as the night that published them did."""
    stamp = published_stamp(home.warehouse)
    with run_lock(home, new_run_id(), "export"):
        discard_leftovers(home.exports)
        staged = staging_folder(home.exports, stamp.run_id)
        state: tuple[Path, Path] | None = None
        try:
            results, state = export_campaigns(
                home.warehouse, home.restricted, staged, stamp=stamp, minimums=minimums, state_root=home.state
            )
            target = home.exports / stamp.business_date
            promote(staged, target)
            # After the files, as publish does: a state ahead of the files would lose changes.
            promote_state(state)
        finally:
            discard(staged)
            if state is not None:
                state[0].unlink(missing_ok=True)
    return target, results


def promote_state(staged: tuple[Path, Path]) -> None:
    os.replace(*staged)
    deltas.prune(staged[1].parent.parent)
