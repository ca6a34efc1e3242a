import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.errors import RunActiveError
from pipeline.home import Home
from pipeline.runlock import run_lock

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pipeline.home import Home
    from pipeline.runlock import run_lock
    with run_lock(Home.resolve(sys.argv[1]), "holder-run", "run"):
        print("locked", flush=True)
        sys.stdin.readline()
    """
)


def hold_lock_in_other_process(home: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(home)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_second_run_is_refused_while_first_holds_the_lock(tmp_path: Path) -> None:
    holder = hold_lock_in_other_process(tmp_path)
    try:
        with pytest.raises(RunActiveError, match="holder-run"):
            with run_lock(Home.resolve(tmp_path), "second", "run"):
                pass
    finally:
        holder.communicate("\n")
    with run_lock(Home.resolve(tmp_path), "third", "run"):
        pass  # released once the holder ended


def test_lock_of_a_killed_process_does_not_block(tmp_path: Path) -> None:
    holder = hold_lock_in_other_process(tmp_path)
    holder.kill()
    holder.wait()
    with run_lock(Home.resolve(tmp_path), "after-crash", "run"):
        pass


def test_two_homes_do_not_share_a_lock(tmp_path: Path) -> None:
    holder = hold_lock_in_other_process(tmp_path / "a")
    try:
        with run_lock(Home.resolve(tmp_path / "b"), "other-home", "run"):
            pass
    finally:
        holder.communicate("\n")
