"""Wall, CPU and peak memory of a child process and everything it starts.

wait4() counts a child and the descendants it waited for; dbt-spark's JVM and
dbt's own helpers are not always waited for, so the process tree is also
sampled from /proc every 0.2 s. The samples form a timeline, so a caller can
also ask what the tree used between two instants (one dbt node, one stage).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Sample:
    at: float  # time.time()
    cpu_seconds: float  # cumulative, whole tree
    rss_bytes: int  # whole tree, now


@dataclass
class Measured:
    seconds: float
    cpu_seconds: float
    peak_rss_bytes: int
    samples: list[Sample] = field(default_factory=list)

    def window(self, start: float, end: float) -> tuple[float, int]:
        """CPU seconds and peak RSS of the tree between two time.time() instants."""
        inside = [s for s in self.samples if start <= s.at <= end]
        before = [s for s in self.samples if s.at < start]
        after = [s for s in self.samples if s.at > end]
        first = before[-1] if before else (inside[0] if inside else None)
        last = after[0] if after else (inside[-1] if inside else None)
        if first is None or last is None:
            return 0.0, 0
        peak = max((s.rss_bytes for s in inside), default=max(first.rss_bytes, last.rss_bytes))
        return max(0.0, last.cpu_seconds - first.cpu_seconds), peak


class TreeSampler(threading.Thread):
    """Samples a process and its descendants until stopped."""

    def __init__(self, root: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.samples: list[Sample] = []
        self._cpu: dict[int, float] = {}  # last seen CPU of every process of the tree
        self._done = threading.Event()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        while not self._done.wait(self.interval):
            self.samples.append(self._sample())

    def _sample(self) -> Sample:
        stats: dict[int, list[str]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stats[int(entry)] = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
        children: dict[int, list[int]] = {}
        for pid, fields in stats.items():
            children.setdefault(int(fields[1]), []).append(pid)
        tree, frontier = set(), [self.root]
        while frontier:
            pid = frontier.pop()
            if pid not in tree:
                tree.add(pid)
                frontier.extend(children.get(pid, []))
        rss = 0
        for pid in tree & stats.keys():
            fields = stats[pid]
            rss += int(fields[21]) * _PAGE
            self._cpu[pid] = (int(fields[11]) + int(fields[12])) / _TICK
        return Sample(time.time(), sum(self._cpu.values()), rss)


def run_measured(command: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None) -> Measured:
    """Run a command that must succeed; its output goes to `log`."""
    with log.open("w") as output:
        started = time.perf_counter()
        child = subprocess.Popen(
            command, cwd=cwd, env={**os.environ, **(env or {})}, stdout=output, stderr=subprocess.STDOUT
        )
        sampler = TreeSampler(child.pid)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{log.read_text()[-4000:]}")
    sampled_cpu = sampler.samples[-1].cpu_seconds if sampler.samples else 0.0
    return Measured(
        seconds,
        max(usage.ru_utime + usage.ru_stime, sampled_cpu),
        max(usage.ru_maxrss * 1024, max((s.rss_bytes for s in sampler.samples), default=0)),
        sampler.samples,
    )


def gib(size: int) -> str:
    return f"{size / 2**30:.2f} GiB"
