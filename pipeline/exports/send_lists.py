"""Owned-channel send lists: the raw phone numbers, WeChat openids and device ids
of each SMS, template-message and push campaign's eligible people, for the
sending systems. Raw identifiers, so they are written only on request, into
the restricted folder (0700, files 0600), and a run record names who asked
and how many rows each list holds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigurationError
from pipeline.exports.audience import eligible_identifiers, holdout_people, open_stores, running_campaigns
from pipeline.exports.export import published_stamp
from pipeline.exports.writers import csv_bytes
from pipeline.home import Home
from pipeline.run_record import RunRecord, StageRecord, utc_now
from pipeline.runlock import run_lock

OWNED_CHANNEL_ID_TYPES: dict[str, frozenset[str]] = {
    "sms": frozenset({"phone"}),
    "wechat_template": frozenset({"wechat_openid"}),
    "app_push": frozenset({"oaid", "idfa", "imei"}),
}


@dataclass(frozen=True)
class SendList:
    campaign_id: str
    channel: str
    file: Path
    rows: int
    people: int
    holdout_people: int  # eligible but for the holdout: in no list

    def to_record(self) -> dict[str, Any]:
        return {"campaign_id": self.campaign_id, "channel": self.channel, "file": str(self.file),
                "rows": self.rows, "people": self.people, "holdout_people": self.holdout_people}


def send_lists_folder(home: Home, business_date: str) -> Path:
    return home.restricted_dir / "send_lists" / business_date


def write_send_lists(home: Home, requested_by: str) -> tuple[RunRecord, list[SendList]]:
    """One CSV (`oneid,id_type,appid,value`) per running owned-channel campaign of the published night."""
    if not requested_by.strip():
        raise ConfigurationError("send lists hold raw identifiers: say who asks for them (--requested-by)")
    stamp = published_stamp(home.warehouse)
    record = RunRecord.start(home, "send-lists", date.fromisoformat(stamp.business_date))
    with run_lock(home, record.run_id, "send-lists"):
        stage = StageRecord(name="send_lists", started_at=utc_now().isoformat(timespec="milliseconds"))
        record.stages.append(stage)
        folder = send_lists_folder(home, stamp.business_date)
        folder.mkdir(parents=True, exist_ok=True)
        for path in (home.restricted_dir / "send_lists", folder):
            path.chmod(0o700)
        lists = []
        with open_stores(home.warehouse, home.restricted) as con:
            for campaign in running_campaigns(con, stamp.business_date, sorted(OWNED_CHANNEL_ID_TYPES)):
                identifiers = [
                    i for i in eligible_identifiers(con, campaign.campaign_id, OWNED_CHANNEL_ID_TYPES[campaign.platform])
                    if i.id_type != "wechat_openid" or i.namespace in campaign.wechat_appids
                ]
                rows = sorted({(i.oneid, i.id_type, i.namespace if i.id_type == "wechat_openid" else "", i.value) for i in identifiers})
                path = folder / f"{campaign.campaign_id}.csv"
                _write_private(path, csv_bytes(["oneid", "id_type", "appid", "value"], rows))
                lists.append(SendList(
                    campaign.campaign_id, campaign.platform, path, len(rows), len({r[0] for r in rows}),
                    holdout_people(con, campaign.campaign_id),
                ))
        stage.status = "succeeded"
        stage.rows = {"lists": len(lists), "rows": sum(s.rows for s in lists)}
        stage.detail = {"requested_by": requested_by, "source_run_id": stamp.run_id,
                        "lists": [s.to_record() for s in lists]}
        stage.ended_at = utc_now().isoformat(timespec="milliseconds")
        record.finish("succeeded")
        record.save(home)
    return record, lists


def _write_private(path: Path, content: bytes) -> None:
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
