"""Write every media campaign's audience files for one run into a folder, and
move that folder into place as `<home>/exports/<business_date>/` in one step.

Layout: `<business_date>/<campaign_id>/<platform>/<files>` + `manifest.json`.
An upload under the platform's minimum is not written; its manifest says why.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import timezone
from pathlib import Path
from typing import Any

import duckdb

from pipeline.errors import ConfigurationError
from pipeline.exports.audience import eligible_identifiers, eligible_people, media_campaigns, open_stores
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
    files: dict[str, int] = field(default_factory=dict)  # file name -> rows
    refusals: list[str] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        return {
            "campaign_id": self.campaign_id,
            "platform": self.platform,
            "status": self.status,
            "eligible_people": self.eligible_people,
            "files": self.files,
            "refusals": self.refusals,
        }


def export_campaigns(
    warehouse: Path,
    restricted: Path,
    destination: Path,
    *,
    stamp: RunStamp,
    minimums: dict[str, MinimumSize],
) -> list[CampaignExport]:
    """Write into `destination` (the business date's folder, not yet in place)."""
    results = []
    destination.mkdir(parents=True, exist_ok=True)
    with open_stores(warehouse, restricted) as con:
        for campaign in media_campaigns(con, stamp.business_date):
            platform = PLATFORMS[campaign.platform]
            minimum = minimums[platform.code]
            people = eligible_people(con, campaign.campaign_id)
            identifiers = eligible_identifiers(con, campaign.campaign_id, platform.id_types)
            directory = destination / campaign.campaign_id / platform.code
            directory.mkdir(parents=True, exist_ok=True)
            result = CampaignExport(campaign.campaign_id, platform.code, "", people)
            written, refused = [], []
            for upload in plan_uploads(platform, campaign, identifiers):
                if upload.people < minimum.size:
                    entry = refusal_entry(upload, minimum, campaign, platform)
                    refused.append(entry)
                    result.refusals.append(entry["message"])
                    continue
                sha256 = write_file(directory / upload.file_name, render(upload, platform.layout))
                written.append(file_entry(upload, sha256))
                result.files[upload.file_name] = upload.rows
            content = manifest(
                campaign=campaign,
                platform=platform,
                stamp=stamp,
                minimum=minimum,
                eligible_people=people,
                written=written,
                refused=refused,
            )
            write_manifest(directory, content)
            result.status = content["status"]
            results.append(result)
    return results


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
    }
    return rows, {"campaigns": [r.to_record() for r in results]}


def export_published(home: Home, minimums: dict[str, MinimumSize]) -> tuple[Path, list[CampaignExport]]:
    """Export again from the published stores, as the night that published them did."""
    stamp = published_stamp(home.warehouse)
    with run_lock(home, new_run_id(), "export"):
        discard_leftovers(home.exports)
        staged = staging_folder(home.exports, stamp.run_id)
        try:
            results = export_campaigns(home.warehouse, home.restricted, staged, stamp=stamp, minimums=minimums)
            target = home.exports / stamp.business_date
            promote(staged, target)
        finally:
            discard(staged)
    return target, results
