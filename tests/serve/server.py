"""A real `oneid serve` in a subprocess, and a small HTTP client for it (stdlib only)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.home import Home
from tests.conftest import ONEID


def oneid(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ONEID, *args], capture_output=True, text=True, timeout=900, env=os.environ.copy())


def create_token(home: Home, name: str, brands: str, scopes: str) -> str:
    made = oneid("token", "create", "--home", str(home.root), "--name", name, "--brands", brands, "--scopes", scopes)
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Response:
    status: int
    body: Any
    text: str


@dataclass
class Server:
    home: Home
    port: int
    log: Path
    process: subprocess.Popen[bytes]
    responses: list[str] = field(default_factory=list)  # every body received, to check nothing leaks

    @classmethod
    def start(cls, home: Home, log: Path, env: dict[str, str] | None = None) -> "Server":
        port = free_port()
        handle = log.open("wb")
        process = subprocess.Popen(
            [ONEID, "serve", "--home", str(home.root), "--port", str(port)],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        server = cls(home, port, log, process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                if server.call("GET", "/v1/health").status == 200:
                    return server
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"oneid serve did not start: {log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def call(
        self,
        method: str,
        path: str,
        token: str | None = None,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Response:
        url = f"http://127.0.0.1:{self.port}{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as failure:
            status, raw = failure.code, failure.read()
        text = raw.decode()
        self.responses.append(text)
        return Response(status, json.loads(text) if text else None, text)

    def get(self, path: str, token: str | None, **params: str) -> Response:
        return self.call("GET", path, token, params)
