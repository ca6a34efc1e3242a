"""manifest.json: what one campaign's export to one platform holds, or why it
was refused. Stable bytes: keys sorted, the run's own time (not the clock at
writing), so exporting the same run again rewrites the same manifest."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.exports.audience import MediaCampaign
from pipeline.exports.min_sizes import MinimumSize
from pipeline.exports.platforms import Platform
from pipeline.exports.uploads import Upload

MANIFEST_NAME = "manifest.json"
FILE_FORMAT = {
    "encoding": "UTF-8 without BOM",
    "line_ending": "LF",
    "values": "sorted and deduplicated (per-person CSVs: rows sorted); hex digests lower-case",
}


@dataclass(frozen=True)
class RunStamp:
    run_id: str
    generated_at: str  # when the run that decided the audience started (ISO 8601, UTC)
    business_date: str


def file_entry(upload: Upload, sha256: str) -> dict[str, Any]:
    entry = {
        "file": upload.file_name,
        "sha256": sha256,
        "rows": upload.rows,
        "people": upload.people,
        "columns": [column_entry(column) for column in upload.columns],
    }
    if upload.per_person:
        # A row per person: how many rows carry 1, 2, ... identifiers.
        entry["people_by_identifiers_in_row"] = upload.keys_per_person()
    return entry


def refusal_entry(upload: Upload, minimum: MinimumSize, campaign: MediaCampaign, platform: Platform) -> dict[str, Any]:
    return {
        "file": upload.file_name,
        "rows": upload.rows,
        "people": upload.people,
        "columns": [column_entry(column) for column in upload.columns],
        "message": (
            f"refused: {upload.file_name} of campaign {campaign.campaign_id} for {platform.code} would reach "
            f"{upload.people} people, under the minimum of {minimum.size} ({minimum.basis}); not written"
        ),
    }


def column_entry(column: Any) -> dict[str, Any]:
    return {
        "platform_id_type": column.header,
        "id_type": column.rule.id_type,
        "appid": column.appid,
        "count": len(column.values),
        "people": len(column.people),
        "rejected_by_normalization": column.rejected,
        "left_out_over_row_maximum": column.over_cap,
        "normalization_and_hash": column.rule.rule,
    }


def manifest(
    *,
    campaign: MediaCampaign,
    platform: Platform,
    stamp: RunStamp,
    minimum: MinimumSize,
    eligible_people: int,
    holdout_people: int,
    written: list[dict[str, Any]],
    refused: list[dict[str, Any]],
    cleared: list[dict[str, Any]],
) -> dict[str, Any]:
    """`cleared`: files the platform audience held that tonight plans no more; each entry of the
    three lists carries its `changes` since the last published export (pipeline/exports/deltas.py)."""
    status = "written" if not refused else ("refused" if not written else "partly_refused")
    return {
        "campaign_id": campaign.campaign_id,
        "campaign_name": campaign.campaign_name,
        "audience": campaign.audience,
        "brand": campaign.brand,
        "platform": platform.code,
        "platform_name": platform.name,
        "layout": platform.layout,
        "business_date": stamp.business_date,
        "run_id": stamp.run_id,
        "generated_at": stamp.generated_at,
        "status": status,
        "eligible_people": eligible_people,
        "holdout_people": holdout_people,
        "min_audience_size": minimum.size,
        "min_audience_basis": minimum.basis,
        "format": FILE_FORMAT,
        "files": written,
        "refused": refused,
        "cleared": cleared,
        "delta_operations": (
            dict(zip(("added", "removed"), platform.delta_operations)) if platform.delta_operations else None
        ),
    }


def write_manifest(directory: Path, content: dict[str, Any]) -> Path:
    path = directory / MANIFEST_NAME
    directory.mkdir(parents=True, exist_ok=True)
    path.write_bytes((json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
    return path
