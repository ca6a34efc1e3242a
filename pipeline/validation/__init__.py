"""Great Expectations suites on what a load landed: the second line of defence
after the loaders, run before dbt. See docs/validation.md."""

import os

# Set before any module of this package imports great_expectations: the
# pipeline never phones home, whatever the environment says.
os.environ["GX_ANALYTICS_ENABLED"] = "false"
