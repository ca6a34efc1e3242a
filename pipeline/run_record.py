"""Run records: what each run did, kept as JSON under the home and, on
publish, as the `run_history` table of the warehouse."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from pipeline.home import Home

RECORD_FILE = "run.json"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def new_run_id(now: datetime | None = None) -> str:
    """Sortable by start time, unique even for two runs in the same second."""
    moment = (now or utc_now()).astimezone(timezone.utc)
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


@dataclass
class StageRecord:
    name: str
    status: str = "running"  # running | succeeded | failed
    started_at: str = ""
    ended_at: str | None = None
    seconds: float | None = None
    rows: dict[str, int] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunRecord:
    run_id: str
    command: str
    business_date: str
    home: str
    status: str = "running"  # running | succeeded | failed
    started_at: str = ""
    ended_at: str | None = None
    seconds: float | None = None
    stages: list[StageRecord] = field(default_factory=list)
    error: dict[str, Any] | None = None

    @classmethod
    def start(cls, home: Home, command: str, business_date: date, run_id: str | None = None) -> "RunRecord":
        return cls(
            run_id=run_id or new_run_id(),
            command=command,
            business_date=business_date.isoformat(),
            home=str(home.root),
            started_at=utc_now().isoformat(timespec="milliseconds"),
        )

    def path(self, home: Home) -> Path:
        return home.runs / self.run_id / RECORD_FILE

    def save(self, home: Home) -> Path:
        target = self.path(home)
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_suffix(".json.tmp")
        scratch.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False, default=str))
        os.replace(scratch, target)
        return target

    def finish(self, status: str, error: dict[str, Any] | None = None) -> None:
        ended = utc_now()
        self.status = status
        self.error = error
        self.ended_at = ended.isoformat(timespec="milliseconds")
        self.seconds = round((ended - datetime.fromisoformat(self.started_at)).total_seconds(), 3)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunRecord":
        stages = [StageRecord(**stage) for stage in data.get("stages", [])]
        return cls(**{**data, "stages": stages})


def load_run_records(home: Home) -> list[RunRecord]:
    """Every run of this home, oldest first."""
    records: list[RunRecord] = []
    if not home.runs.exists():
        return records
    for path in sorted(home.runs.glob(f"*/{RECORD_FILE}")):
        try:
            records.append(RunRecord.from_dict(json.loads(path.read_text())))
        except (ValueError, TypeError):
            continue  # a record cut off by a crash mid-write is not history
    return sorted(records, key=lambda r: (r.started_at, r.run_id))


def history_rows(records: list[RunRecord]) -> list[dict[str, Any]]:
    """One flat row per run for the warehouse's run_history table."""
    rows = []
    for record in records:
        rows.append(
            {
                "run_id": record.run_id,
                "command": record.command,
                "business_date": record.business_date,
                "status": record.status,
                "started_at": record.started_at,
                "ended_at": record.ended_at,
                "seconds": record.seconds,
                "stages_json": json.dumps([_stage_summary(s) for s in record.stages], ensure_ascii=False, default=str),
                "error_message": (record.error or {}).get("message"),
            }
        )
    return rows


def _stage_summary(stage: StageRecord) -> dict[str, Any]:
    """A stage as the warehouse keeps it: timings and row counts. The detail (file
    outcomes with their sha256 digests, dbt results) stays in the run's JSON record:
    it is bulky, and a hex digest can hold a run of digits that reads as a phone."""
    summary = asdict(stage)
    del summary["detail"]
    return summary
