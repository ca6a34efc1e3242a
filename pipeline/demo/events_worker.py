"""The App events and ad backflow of a generation, written by a second process.

They are half of a big run's work and share nothing with the other sources
but the world, which is cheap to rebuild from the same arguments (it is
deterministic). So `generate` starts this module as a child process
(`python -m pipeline.demo.events_worker …`) and renders the other sources
meanwhile: two cores, half the wall time. A plain subprocess rather than
multiprocessing, so the caller's `__main__` is never re-imported.

Prints the inbox statistics of what it wrote as one JSON line on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Iterator

from pipeline.demo import ads
from pipeline.demo.app_activity import AppActivity
from pipeline.demo.breakage import Breakage
from pipeline.demo.calendar import Window
from pipeline.demo.delivery import Dispatcher, FileSpec, Inbox, InboxStats
from pipeline.demo.world import World, build_world

SOURCES = ("ad_backflow", "app_events")


def event_files(world: World) -> Iterator[FileSpec]:
    """Ad backflow and App events, drawn day by day (App sessions follow the day's ad clicks)."""
    exposure = ads.AdExposure(world)
    app = AppActivity(world)
    for day in range(world.window.days):
        events = exposure.day(day)
        yield from ads.ad_backflow_files(world, day, events, exposure.campaigns)
        yield from app.files(day, ads.clicks_by_known_people(events))


def write_events(inbox_root: Path, persons: int, window: Window, seed: int) -> InboxStats:
    world = build_world(seed, persons, window)
    dispatcher = Dispatcher(Inbox(inbox_root, window, seed), Breakage(seed, window))
    for spec in event_files(world):
        dispatcher.send(spec)
    return dispatcher.inbox.stats


def command(inbox_root: Path, persons: int, window: Window, seed: int) -> list[str]:
    """The command line that runs this worker for one generation."""
    return [
        sys.executable, "-m", __name__, str(inbox_root),
        "--persons", str(persons), "--start", window.start.isoformat(), "--days", str(window.days), "--seed", str(seed),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("inbox", type=Path)
    parser.add_argument("--persons", type=int, required=True)
    parser.add_argument("--start", type=date.fromisoformat, required=True)
    parser.add_argument("--days", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    args = parser.parse_args(argv)
    window = Window(args.start, args.days)
    stats = write_events(args.inbox, args.persons, window, args.seed)
    print(json.dumps({"files": stats.files, "bytes": stats.bytes, "rows_by_source": stats.rows_by_source}))


if __name__ == "__main__":
    main()
