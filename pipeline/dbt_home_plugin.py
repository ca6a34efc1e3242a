"""dbt-duckdb plugin: prepare the data home before dbt opens the warehouse.

Listed under `plugins:` in profiles.yml, so that a bare
`dbt build --profiles-dir .` on a fresh clone finds the folders of the
warehouse and the restricted store, and a readable (empty) lake for every
source, exactly as `oneid run` would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from pipeline.home import Home
from pipeline.ingest.lake_layout import write_schema_files
from pipeline.state import write_state_schema_files


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        home = Home.resolve().ensure()
        write_schema_files(home)
        write_state_schema_files(home)
        if self.creds is None:
            return
        paths = [self.creds.path, *(attachment.path for attachment in self.creds.attach or [])]
        for path in paths:
            if path and path != ":memory:" and "://" not in path:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
