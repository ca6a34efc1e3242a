"""Time whole nights on a generated home: the first night, then the next ones.

    .venv/bin/python benchmarks/night.py                                  # 1,000,000 persons x 365 days
    .venv/bin/python benchmarks/night.py --persons 20000 --days 60        # a quick look
    .venv/bin/python benchmarks/night.py --home /tmp/night1m --keep       # keep (or reuse) the home

Generates N persons x D days of deliveries plus `--later-nights` more days,
runs `oneid run` for the first night (all D days arrive at once) and then
for each later day, and prints, per night:

- each stage's wall seconds (from the run record), CPU seconds and peak RSS
  of the whole process tree (dbt and everything it starts) while it ran;
- the ten slowest dbt nodes: wall seconds (dbt's own timing), and the CPU
  seconds and peak RSS of the tree during the node (nodes that run at the
  same time share these);
- the floor, measured in the same run: DuckDB reading every lake Parquet
  file once (all columns, hashed) for the first night, and only the parts
  that night landed for a later night.

The ratios night / floor are what docs/benchmarks.md records.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from benchmarks.measure import Measured, gib, run_measured  # noqa: E402

ONEID = str(Path(sys.executable).with_name("oneid"))


@dataclass(frozen=True)
class Night:
    business_date: date
    measured: Measured
    record: dict
    nodes: list[dict]
    floor: tuple[float, float, int]  # wall s, CPU s, rows read


def generate(home: Path, persons: int, days: int, end: date, seed: int) -> None:
    if (home / "inbox").is_dir():
        print(f"reusing the inbox of {home}", file=sys.stderr)
        return
    started = time.perf_counter()
    subprocess.run(
        [ONEID, "generate", "--home", str(home), "--persons", str(persons), "--days", str(days),
         "--seed", str(seed), "--end-date", end.isoformat()],
        check=True, stdout=subprocess.DEVNULL,
    )
    print(f"generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def run_night(home: Path, business_date: date, extra: list[str]) -> Night:
    before = {p.name for p in (home / "runs").glob("*")} if (home / "runs").exists() else set()
    log = home.parent / f"night-{business_date}.log"
    measured = run_measured([ONEID, "run", "--home", str(home), "--date", business_date.isoformat(), *extra], ROOT, log)
    (run_dir,) = [p for p in (home / "runs").glob("*") if p.name not in before]
    record = json.loads((run_dir / "run.json").read_text())
    results = run_dir / "dbt" / "target" / "run_results.json"
    nodes = json.loads(results.read_text())["results"] if results.exists() else []
    load_id = record["run_id"]
    return Night(business_date, measured, record, nodes, read_floor(home, load_id))


def read_floor(home: Path, load_id: str) -> tuple[float, float, int]:
    """DuckDB reading the lake parts this night landed, all columns, once."""
    parts = sorted(str(p) for p in (home / "lake" / "raw").rglob(f"{load_id}__*.parquet"))
    if not parts:
        return 0.0, 0.0, 0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    rows = 0
    with duckdb.connect() as con:
        con.execute("set threads = 2")
        by_source: dict[str, list[str]] = {}
        for part in parts:
            by_source.setdefault(Path(part).parents[1].name, []).append(part)
        for files in by_source.values():
            rows += con.execute(
                "select count(*), sum(hash(t)) from read_parquet(?, union_by_name = true) as t", [files]
            ).fetchone()[0]
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime)
    return time.perf_counter() - started, cpu, rows


def _instant(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _node_name(unique_id: str) -> str:
    """`model stg_app__events`, `test unique_...` (without dbt's hash), `unit_test model.case`."""
    kind, _project, *rest = unique_id.split(".")
    return f"{kind} {'.'.join(rest[:-1] if kind == 'test' and len(rest) > 1 else rest)}"


def report(night: Night, label: str) -> str:
    lines = [f"### {label}: {night.business_date}", ""]
    build = next((s for s in night.record["stages"] if s["name"] == "build"), None)
    plan = (build or {}).get("detail", {}).get("plan")
    if plan:
        lines += [f"build: {plan['mode']} ({plan['reason']}), {len(plan['new_loads'])} new load(s)", ""]
    lines += ["| stage | wall s | CPU s | peak RSS |", "| --- | ---: | ---: | ---: |"]
    for stage in night.record["stages"]:
        start, end = _instant(stage["started_at"]), _instant(stage["ended_at"])
        cpu, peak = night.measured.window(start, end)
        lines.append(f"| {stage['name']} | {stage['seconds']:.1f} | {cpu:.1f} | {gib(peak)} |")
    lines.append(
        f"| **night** | **{night.measured.seconds:.1f}** | **{night.measured.cpu_seconds:.1f}** | "
        f"**{gib(night.measured.peak_rss_bytes)}** |"
    )
    timed = []
    for node in night.nodes:
        spans = [t for t in node.get("timing", []) if t.get("name") == "execute" and t.get("started_at")]
        if spans:
            timed.append((node["execution_time"], node["unique_id"], _instant(spans[0]["started_at"]),
                          _instant(spans[0]["completed_at"])))
    lines += ["", "| slowest dbt nodes | wall s | CPU s | peak RSS |", "| --- | ---: | ---: | ---: |"]
    for seconds, unique_id, start, end in sorted(timed, reverse=True)[:10]:
        cpu, peak = night.measured.window(start, end)
        lines.append(f"| {_node_name(unique_id)} | {seconds:.1f} | {cpu:.1f} | {gib(peak)} |")
    wall, cpu, rows = night.floor
    if rows:
        lines += ["", f"floor: DuckDB reads the {rows:,} rows this night landed in {wall:.1f} s ({cpu:.1f} CPU s); "
                  f"night / floor = {night.measured.seconds / wall:.1f}x wall, "
                  f"{night.measured.cpu_seconds / max(cpu, 0.001):.1f}x CPU"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365, help="history delivered before the first night")
    parser.add_argument("--later-nights", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    parser.add_argument("--home", type=Path, help="the data home (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the home")
    args = parser.parse_args()

    end = date.today() - timedelta(days=1)
    first = end - timedelta(days=args.later_nights)
    home = args.home or Path(os.environ.get("TMPDIR", "/tmp")) / f"oneid-night-{os.getpid()}" / "home"
    home.parent.mkdir(parents=True, exist_ok=True)
    try:
        generate(home, args.persons, args.days + args.later_nights, end, args.seed)
        extra = ["--engine", args.engine]
        print(f"{date.today()}, {platform.node()}: {os.cpu_count()} cores, engine {args.engine}, "
              f"{args.persons:,} persons x {args.days} days + {args.later_nights} nights")
        # Each night's figures as soon as it ends: a long run is worth something if stopped.
        for index in range(args.later_nights + 1):
            night = run_night(home, first + timedelta(days=index), extra)
            print()
            print(report(night, "first night" if index == 0 else f"night {index + 1}"), flush=True)
    finally:
        if not args.keep and not args.home:
            shutil.rmtree(home.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
