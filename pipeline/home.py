"""The data home: one folder that holds every path a run reads or writes.

Two homes never share a file, so tests run in temporary homes and a staging
home can sit next to production on the same machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = Path("data")
HOME_ENV = "ONEID_HOME"


@dataclass(frozen=True)
class Home:
    root: Path

    @classmethod
    def resolve(cls, explicit: Path | str | None = None) -> "Home":
        """`--home` wins over `ONEID_HOME`, which wins over `./data`."""
        chosen = explicit or os.environ.get(HOME_ENV) or DEFAULT_HOME
        return cls(Path(chosen).expanduser().resolve())

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def lake(self) -> Path:
        return self.root / "lake"

    @property
    def raw(self) -> Path:
        return self.lake / "raw"

    @property
    def quarantine(self) -> Path:
        return self.lake / "quarantine"

    @property
    def file_registry(self) -> Path:
        """One Parquet file per load: which delivered files were read, and how they reconciled."""
        return self.lake / "files"

    @property
    def warehouse_dir(self) -> Path:
        return self.root / "warehouse"

    @property
    def warehouse(self) -> Path:
        return self.warehouse_dir / "oneid.duckdb"

    @property
    def profile_store(self) -> Path:
        """What `oneid serve` looks people up in: the night's profiles as documents (pipeline/serve/profile_store.py)."""
        return self.warehouse_dir / "profiles.sqlite"

    @property
    def restricted_dir(self) -> Path:
        """Raw identifiers (phones, emails, device ids) live only here, readable by the pipeline's user."""
        return self.root / "restricted"

    @property
    def restricted(self) -> Path:
        return self.restricted_dir / "restricted.duckdb"

    @property
    def building(self) -> Path:
        """Where a run's new warehouse is built before it is published."""
        return self.warehouse_dir / "building"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    @property
    def state(self) -> Path:
        """State carried from night to night (e.g. stable OneID assignments)."""
        return self.root / "state"

    @property
    def truth(self) -> Path:
        """Ground truth written by the demo generator; the pipeline never reads it."""
        return self.root / "truth"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def lock_file(self) -> Path:
        return self.root / "run.lock"

    def source_inbox(self, source: str) -> Path:
        return self.inbox / source

    def source_raw(self, source: str) -> Path:
        return self.raw / source

    def source_quarantine(self, source: str) -> Path:
        return self.quarantine / source

    def ensure(self) -> "Home":
        for path in (
            self.inbox,
            self.raw,
            self.quarantine,
            self.file_registry,
            self.warehouse_dir,
            self.restricted_dir,
            self.exports,
            self.reports,
            self.runs,
            self.state,
            self.tmp,
        ):
            path.mkdir(parents=True, exist_ok=True)
        self.restricted_dir.chmod(0o700)
        return self
