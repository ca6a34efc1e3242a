"""Time `oneid serve` profile look-ups by phone against a bare DuckDB point query.

    .venv/bin/python benchmarks/serve.py --home data/demo
    .venv/bin/python benchmarks/serve.py --home /srv/oneid-1m --clients 20 --seconds 30

Against a published home: creates a token (revoked at the end), starts
`oneid serve` on a free port, takes N phones from the restricted store
(int_identifier_oneids, id_type 'phone'), then runs C concurrent clients
(threads, one keep-alive connection each) for a bounded time, each looking
up whole profiles by phone, and prints p50/p95/p99 latency and throughput.
In the same run, the reference: the look-up query alone
(map_identifier_oneid by identifier_hash) through a read-only DuckDB
connection, one client, same phones; and the ratio of the two.
Target (issue #16): p95 < 50 ms on a 1M-person home.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np

from pipeline.home import Home
from pipeline.keyed_hash import keyed_hash
from pipeline.serve.tokens import TokenStore

ONEID = str(Path(sys.executable).with_name("oneid"))


@dataclass
class Timings:
    label: str
    seconds: list[float]
    errors: int
    wall: float

    def line(self) -> str:
        ms = np.array(self.seconds) * 1000
        p50, p95, p99 = np.percentile(ms, [50, 95, 99]) if len(ms) else (float("nan"),) * 3
        return (
            f"{self.label:<28} requests={len(ms):>7,}  errors={self.errors}  "
            f"p50={p50:6.1f} ms  p95={p95:6.1f} ms  p99={p99:6.1f} ms  throughput={len(ms) / self.wall:7.1f}/s"
        )

    def percentile(self, q: float) -> float:
        return float(np.percentile(np.array(self.seconds) * 1000, q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--phones", type=int, default=2000, help="distinct phones to look up")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the clients run")
    args = parser.parse_args()
    home = Home.resolve(args.home)
    phones = _phones(home, args.phones)
    print(f"home {home.root}: {len(phones):,} phones, {args.clients} clients, {args.seconds:.0f} s, {os.cpu_count()} cores")
    store = TokenStore.for_home(home)
    name = f"benchmark-{os.getpid()}"
    secret = store.create(name, _brands(home), ["profiles:read"])
    port = _free_port()
    with tempfile.NamedTemporaryFile(prefix="oneid-serve-", suffix=".log", delete=False) as log:
        server = subprocess.Popen([ONEID, "serve", "--home", str(home.root), "--port", str(port)], stdout=log, stderr=log)
    try:
        _wait_ready(port, secret)
        api = _api(port, secret, phones, args.clients, args.seconds)
        bare = _bare(home, phones, min(args.seconds, 10.0))
    finally:
        server.terminate()
        server.wait(timeout=30)
        store.revoke(name)
    print(api.line())
    print(bare.line())
    print(
        f"ratio API/bare: p50 {api.percentile(50) / bare.percentile(50):.1f}x, p95 {api.percentile(95) / bare.percentile(95):.1f}x"
        f"   target p95 < 50 ms: {'met' if api.percentile(95) < 50 else 'NOT met'}   (server log: {log.name})"
    )


def _phones(home: Home, n: int) -> list[str]:
    with duckdb.connect(str(home.restricted), read_only=True) as con:
        rows = con.execute(
            "select value from int_identifier_oneids where id_type = 'phone' order by hash(value) limit ?", [n]
        ).fetchall()
    return [r[0] for r in rows]


def _brands(home: Home) -> list[str]:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return [r[0] for r in con.execute("select brand from brand_data_scopes order by brand").fetchall()]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_ready(port: int, secret: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            status, _ = _get(http.client.HTTPConnection("127.0.0.1", port, timeout=60), "/v1/ready", secret)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("oneid serve did not become ready")


def _get(connection: http.client.HTTPConnection, path: str, secret: str) -> tuple[int, bytes]:
    connection.request("GET", path, headers={"Authorization": f"Bearer {secret}"})
    answer = connection.getresponse()
    return answer.status, answer.read()


def _api(port: int, secret: str, phones: list[str], clients: int, seconds: float) -> Timings:
    timings: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    for phone in phones[:20]:  # warm the server's caches and the first connection
        _get(http.client.HTTPConnection("127.0.0.1", port, timeout=60), _path(phone), secret)
    stop_at = time.perf_counter() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        turn = index
        while time.perf_counter() < stop_at:
            phone = phones[turn % len(phones)]
            turn += clients
            started = time.perf_counter()
            status, body = _get(connection, _path(phone), secret)
            timings[index].append(time.perf_counter() - started)
            if status != 200 or "oneid" not in json.loads(body):
                errors[index] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Timings("API profile by phone", [t for ts in timings for t in ts], sum(errors), time.perf_counter() - started)


def _path(phone: str) -> str:
    return "/v1/people/lookup?" + urllib.parse.urlencode({"phone": phone})


def _bare(home: Home, phones: list[str], seconds: float) -> Timings:
    """The API's look-up query alone: what DuckDB gives a single caller on the same file."""
    con = duckdb.connect(":memory:")
    con.execute(f"attach '{home.warehouse}' as oneid (read_only)")
    con.execute("use oneid")
    seconds_each: list[float] = []
    misses = 0
    stop_at = time.perf_counter() + seconds
    started = time.perf_counter()
    turn = 0
    while time.perf_counter() < stop_at:
        phone = phones[turn % len(phones)]
        turn += 1
        began = time.perf_counter()
        row = con.execute(
            "select oneid from map_identifier_oneid where identifier_hash = ?", [keyed_hash(f"phone:global:{phone}")]
        ).fetchone()
        seconds_each.append(time.perf_counter() - began)
        misses += row is None
    con.close()
    return Timings("bare DuckDB lookup query", seconds_each, misses, time.perf_counter() - started)


if __name__ == "__main__":
    main()
