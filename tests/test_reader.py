"""An analyst's read-only connection keeps working through a nightly run and
sees the new data after reconnecting (two processes, as in real life)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from pipeline.home import Home
from pipeline.nightly import execute
from tests.conftest import DEMO_END

ANALYST = textwrap.dedent(
    """
    import sys, duckdb
    path = sys.argv[1]
    con = duckdb.connect(path, read_only=True)
    count = lambda c: c.execute("select count(*) from run_history").fetchone()[0]
    print(count(con), flush=True)
    sys.stdin.readline()                      # the nightly run happens now
    print(count(con), flush=True)             # same connection: still the old warehouse
    con.close()
    con = duckdb.connect(path, read_only=True)
    print(count(con), flush=True)             # reconnected: the new warehouse
    """
)


def test_reader_keeps_reading_during_a_run_and_sees_new_data_after_reconnect(home_copy: Home) -> None:
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(home_copy.warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert analyst.stdout is not None and analyst.stdin is not None
    before = int(analyst.stdout.readline())
    execute(home_copy, "run", DEMO_END)
    output, errors = analyst.communicate("\n", timeout=60)
    during, after = (int(x) for x in output.split())
    assert analyst.returncode == 0, errors
    assert before == 1
    assert during == before, "an open read-only connection must keep seeing the old warehouse"
    assert after == 2, "a new connection must see the newly published warehouse"
