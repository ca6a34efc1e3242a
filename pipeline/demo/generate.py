"""`oneid generate`: write a realistic demo inbox (and its ground truth) into a home."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Callable, Iterable

import pipeline
from pipeline.demo import (
    catalog_exports,
    crm_exports,
    events_worker,
    guide_tags,
    marketing,
    member_exports,
    order_exports,
)
from pipeline.demo.breakage import Breakage
from pipeline.demo.calendar import Window
from pipeline.demo.delivery import Dispatcher, FileSpec, Inbox, InboxStats
from pipeline.demo.truth import write_truth
from pipeline.demo.world import World, build_world
from pipeline.errors import ConfigurationError, StageFailed
from pipeline.home import Home
from pipeline.ingest.sources import SOURCES

Progress = Callable[[str], None]


@dataclass(frozen=True)
class GenerateSummary:
    """What `generate` wrote. Row counts are the rows of the delivered files (re-sent copies not counted)."""

    start_date: date
    end_date: date
    persons: int
    files_written: int
    rows_by_source: dict[str, int]
    bytes_written: int
    seconds: float
    inbox: Path
    truth: Path


def _check_inbox_empty(inbox: Path) -> None:
    if inbox.exists() and any(path.is_file() for path in inbox.rglob("*")):
        raise ConfigurationError(f"{inbox} already holds deliveries; generate into a fresh home")


def _sources(world: World) -> Iterable[tuple[str, Callable[[], Iterable[FileSpec]]]]:
    """Every source but the App events and the ad backflow (see events_worker)."""
    consent_events, opt_outs = marketing.consent_events(world)
    return (
        ("products", lambda: catalog_exports.products(world)),
        ("crm_members", lambda: crm_exports.crm_members(world)),
        ("tmall_members", lambda: member_exports.tmall_members(world)),
        ("wechat_miniapp_users", lambda: member_exports.wechat_miniapp_users(world)),
        ("wechat_oa_followers", lambda: member_exports.wechat_oa_followers(world)),
        ("tmall_orders", lambda: order_exports.tmall_orders(world)),
        ("jd_orders", lambda: order_exports.jd_orders(world)),
        ("eshop_orders", lambda: order_exports.eshop_orders(world)),
        ("pos_sales", lambda: order_exports.pos_sales(world)),
        ("consents", lambda: marketing.consents(world, consent_events)),
        ("campaign_touches", lambda: marketing.campaign_touches(world, opt_outs)),
        ("guide_tags", lambda: guide_tags.guide_tags(world)),
    )


def _start_events_worker(inbox: Path, persons: int, window: Window, seed: int, errors: IO[str]) -> subprocess.Popen[str]:
    environment = dict(os.environ)
    package_root = str(Path(pipeline.__file__).resolve().parent.parent)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, environment.get("PYTHONPATH")]))
    # stderr goes to a file: a pipe nobody reads until the end could fill up and stall the worker.
    return subprocess.Popen(
        events_worker.command(inbox, persons, window, seed), stdout=subprocess.PIPE, stderr=errors, text=True, env=environment
    )


def _events_worker_stats(worker: subprocess.Popen[str], errors: IO[str]) -> InboxStats:
    out, _ = worker.communicate()
    if worker.returncode != 0:
        errors.seek(0)
        raise StageFailed(f"the App events / ad backflow generator failed (exit {worker.returncode}):\n{errors.read().strip()}")
    written = json.loads(out.strip().splitlines()[-1])
    return InboxStats(files=written["files"], bytes=written["bytes"], rows_by_source=written["rows_by_source"])


def generate(
    home: Home,
    *,
    persons: int,
    days: int,
    seed: int,
    end_date: date,
    progress: Progress | None = None,
) -> GenerateSummary:
    """Write `days` days of deliveries ending at `end_date` for `persons` people into `home.inbox`,
    and the ground truth into `home.truth`. Same arguments, same bytes.

    App events and ad backflow are written by a child process meanwhile (events_worker)."""
    if persons < 1 or days < 1:
        raise ConfigurationError("persons and days must be at least 1")
    report = progress or (lambda _text: None)
    started = time.monotonic()
    _check_inbox_empty(home.inbox)
    window = Window(end_date - timedelta(days=days - 1), days)
    home.inbox.mkdir(parents=True, exist_ok=True)
    errors = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
    worker = _start_events_worker(home.inbox, persons, window, seed, errors)
    try:
        report(f"building {persons:,} people and their purchases ({window.start} .. {window.end})")
        world = build_world(seed, persons, window)
        inbox = Inbox(home.inbox, window, seed)
        dispatcher = Dispatcher(inbox, Breakage(seed, window))
        for label, files in _sources(world):
            begun = time.monotonic()
            for spec in files():
                dispatcher.send(spec)
            report(f"{label}: written in {time.monotonic() - begun:.1f}s")
        report("writing the ground truth")
        write_truth(world, home.truth, marketing.campaign_list(world))
        report("waiting for the App events and ad backflow")
        events = _events_worker_stats(worker, errors)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        errors.close()
    rows = {source.name: inbox.stats.rows_by_source.get(source.name, 0) + events.rows_by_source.get(source.name, 0) for source in SOURCES}
    return GenerateSummary(
        start_date=window.start,
        end_date=window.end,
        persons=persons,
        files_written=inbox.stats.files + events.files,
        rows_by_source=rows,
        bytes_written=inbox.stats.bytes + events.bytes,
        seconds=time.monotonic() - started,
        inbox=home.inbox,
        truth=home.truth,
    )
