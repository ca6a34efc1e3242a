"""Time `land_deliveries` against polars' bare read of the same files.

    .venv/bin/python benchmarks/ingest.py --inbox /tmp/gen1m/inbox
    .venv/bin/python benchmarks/ingest.py --persons 20000 --days 30   # generates an inbox first

For each file format the same delivered files are (1) read bare with
pl.read_csv / pl.read_ndjson / pl.read_excel, and (2) landed into a fresh
temporary home (decoding, hashing, validation, quarantine, Parquet writing,
file registry). Files are read once beforehand so both runs find them in the
page cache. Prints rows/s, MB/s and the ratio landing / bare read per format
and in total, as a Markdown table; also the CPU seconds of both (all threads),
whose ratio says more than wall time on a machine shared with other work.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# `pipeline` first: it sets up polars' allocator as `oneid ingest` runs it (for the bare read too).
import pipeline  # noqa: E402, F401
import polars as pl  # noqa: E402

from pipeline.home import Home  # noqa: E402
from pipeline.ingest.landing.night import land_deliveries  # noqa: E402
from pipeline.ingest.sources import SOURCES  # noqa: E402

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Figures:
    files: int = 0
    bytes: int = 0
    bare_rows: int = 0
    bare_seconds: float = 0.0
    bare_cpu: float = 0.0
    bare_failures: list[str] = field(default_factory=list)
    loader_rows: int = 0
    land_seconds: float = 0.0
    land_cpu: float = 0.0

    def add(self, other: "Figures") -> None:
        self.files += other.files
        self.bytes += other.bytes
        self.bare_rows += other.bare_rows
        self.bare_seconds += other.bare_seconds
        self.bare_cpu += other.bare_cpu
        self.bare_failures += other.bare_failures
        self.loader_rows += other.loader_rows
        self.land_seconds += other.land_seconds
        self.land_cpu += other.land_cpu


def delivered_files(inbox: Path) -> dict[str, list[Path]]:
    """Files per format, for the 13 source folders' dated delivery folders."""
    by_format: dict[str, list[Path]] = defaultdict(list)
    for source in SOURCES:
        for folder in sorted((inbox / source.name).glob("*")):
            if not (folder.is_dir() and _DATE.match(folder.name)):
                continue
            for path in sorted(folder.iterdir()):
                if path.is_file() and path.name.lower().endswith(source.accepted_extensions()):
                    by_format[source.file_format].append(path)
    return by_format


def bare_read(file_format: str, path: Path) -> int:
    """Rows polars reads from the file with its default settings (lenient ones if those fail)."""
    if path.stat().st_size == 0:
        return 0
    if file_format == "xlsx":
        return pl.read_excel(path).height
    if file_format == "jsonl":
        try:
            return pl.read_ndjson(path).height
        except pl.exceptions.PolarsError:
            # A key that is null in the first 100 lines and not later: infer from all lines.
            return pl.read_ndjson(path, infer_schema_length=None).height
    # utf8-lossy: GB18030 exports are all polars can read of them without a real decoder.
    try:
        return pl.read_csv(path, encoding="utf8-lossy").height
    except pl.exceptions.PolarsError:
        # Ragged lines or a column whose type inference fails further down.
        return pl.read_csv(path, encoding="utf8-lossy", infer_schema=False, truncate_ragged_lines=True).height


def measure(inbox: Path, business_date: date, formats: list[str] | None = None) -> dict[str, Figures]:
    results: dict[str, Figures] = {}
    for file_format, paths in sorted(delivered_files(inbox).items()):
        if formats and file_format not in formats:
            continue
        figures = Figures(files=len(paths))
        for path in paths:  # warm the page cache for both contenders
            figures.bytes += len(path.read_bytes())
        started, cpu = time.perf_counter(), time.process_time()
        for path in paths:
            try:
                figures.bare_rows += bare_read(file_format, path)
            except pl.exceptions.PolarsError as failure:
                figures.bare_failures.append(f"{path.name}: {str(failure).splitlines()[0]}")
        figures.bare_seconds, figures.bare_cpu = time.perf_counter() - started, time.process_time() - cpu
        with tempfile.TemporaryDirectory(prefix="oneid-bench-") as folder:
            home = Home(Path(folder)).ensure()
            home.inbox.rmdir()
            home.inbox.symlink_to(inbox.resolve(), target_is_directory=True)
            sources = [s.name for s in SOURCES if s.file_format == file_format]
            started, cpu = time.perf_counter(), time.process_time()
            result = land_deliveries(home, business_date, load_id=f"bench-{file_format}", sources=sources)
            figures.land_seconds, figures.land_cpu = time.perf_counter() - started, time.process_time() - cpu
            figures.loader_rows = result.rows_read
        results[file_format] = figures
    return results


def markdown(results: dict[str, Figures]) -> str:
    lines = [
        "| format | files | MB | rows (bare / loader) | bare read s | landing s "
        "| bare rows/s | landing rows/s | landing MB/s | ratio | CPU s (bare / landing) | CPU ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    total = Figures()
    for name, figures in [*results.items(), ("total", total)]:
        if name != "total":
            total.add(figures)
        megabytes = figures.bytes / 1e6
        lines.append(
            f"| {name} | {figures.files:,} | {megabytes:,.1f} | {figures.bare_rows:,} / {figures.loader_rows:,} | "
            f"{figures.bare_seconds:.2f} | {figures.land_seconds:.2f} | "
            f"{figures.bare_rows / max(figures.bare_seconds, 1e-9):,.0f} | "
            f"{figures.loader_rows / max(figures.land_seconds, 1e-9):,.0f} | "
            f"{megabytes / max(figures.land_seconds, 1e-9):,.1f} | "
            f"{figures.land_seconds / max(figures.bare_seconds, 1e-9):.2f}x | "
            f"{figures.bare_cpu:.1f} / {figures.land_cpu:.1f} | "
            f"{figures.land_cpu / max(figures.bare_cpu, 1e-9):.2f}x |"
        )
    return "\n".join(lines)


def latest_delivery_date(inbox: Path) -> date:
    dates = [p.name for p in inbox.glob("*/*") if p.is_dir() and _DATE.match(p.name)]
    if not dates:
        raise SystemExit(f"no delivery folders in {inbox}")
    return date.fromisoformat(max(dates))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inbox", type=Path, help="an existing inbox; default: generate one")
    parser.add_argument("--persons", type=int, default=20_000, help="people of a generated inbox")
    parser.add_argument("--days", type=int, default=30, help="days of a generated inbox")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--formats", nargs="*", choices=["csv", "jsonl", "xlsx"], help="only these formats")
    args = parser.parse_args()
    generated: Path | None = None
    inbox = args.inbox
    if inbox is None:
        from pipeline.demo.generate import generate

        generated = Path(tempfile.mkdtemp(prefix="oneid-bench-inbox-"))
        home = Home(generated).ensure()
        summary = generate(home, persons=args.persons, days=args.days, seed=args.seed, end_date=date(2026, 11, 20))
        print(f"generated {summary.files_written:,} files in {summary.seconds:.0f}s", file=sys.stderr)
        inbox = home.inbox
    try:
        business_date = latest_delivery_date(inbox)
        results = measure(inbox, business_date, args.formats)
        print(markdown(results))
        for name, figures in results.items():
            for failure in figures.bare_failures:
                print(f"bare read failed ({name}): {failure}", file=sys.stderr)
    finally:
        if generated is not None:
            shutil.rmtree(generated, ignore_errors=True)


if __name__ == "__main__":
    main()
