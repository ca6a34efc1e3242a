"""Great Expectations suites on what a load landed: the second line of defence
after the loaders, run before dbt. See docs/validation.md."""

import os
import sys

# Set before any module of this package imports great_expectations: the
# pipeline never phones home, whatever the environment says.
os.environ["GX_ANALYTICS_ENABLED"] = "false"

# With the `spark` extra installed, GX's compatibility layer imports
# pyspark.sql.connect, whose import-time check calls sys.exit(0) whenever
# `__main__` has no file (`python -c`, pytest-xdist workers, embedded
# interpreters): a night would end silently with exit code 0. The pipeline
# never uses Spark Connect in its own process (dbt runs Spark in a
# subprocess), so the module is made unimportable here and GX takes its
# no-Spark-Connect branch.
sys.modules.setdefault("pyspark.sql.connect", None)  # type: ignore[arg-type]
