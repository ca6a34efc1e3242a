"""One run at a time per home, enforced with an OS file lock.

The kernel drops a `flock` when its process dies, so a crashed run never
leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from pipeline.errors import RunActiveError
from pipeline.home import Home


@contextmanager
def run_lock(home: Home, run_id: str, command: str) -> Iterator[None]:
    home.root.mkdir(parents=True, exist_ok=True)
    fd = os.open(home.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunActiveError(
                f"another run is active in {home.root} ({_describe_holder(fd)}); "
                "wait for it to finish or check `oneid status`"
            ) from None
        holder = {
            "run_id": run_id,
            "command": command,
            "pid": os.getpid(),
            "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _describe_holder(fd: int) -> str:
    try:
        holder = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except (OSError, ValueError):
        return "holder unknown"
    if not holder:
        return "holder unknown"
    return (
        f"run {holder.get('run_id')} ({holder.get('command')}), pid {holder.get('pid')}, "
        f"started {holder.get('started_at')}"
    )
