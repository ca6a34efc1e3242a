"""Error classes of a run, each with its own process exit code.

The CLI turns any of these into one clear line on stderr and exits with
`exit_code`; docs/operations.md lists the codes for schedulers.
"""

from __future__ import annotations


class OneIDError(Exception):
    """Base class: an expected failure with a message meant for the operator."""

    exit_code = 1
    label = "error"


class ConfigurationError(OneIDError):
    """The home, a setting or the dbt project is unusable."""

    exit_code = 3
    label = "configuration error"


class BadInputError(OneIDError):
    """A delivery is unusable: row counts do not reconcile, a blocking Great
    Expectations check failed on what landed, or (with --strict) a file was rejected."""

    exit_code = 4
    label = "bad input"


class DataTestFailed(OneIDError):
    """A dbt data test failed: the new warehouse is not published."""

    exit_code = 5
    label = "data test failed"


class RunActiveError(OneIDError):
    """Another run holds this home's lock."""

    exit_code = 6
    label = "another run is active"


class StageFailed(OneIDError):
    """A stage failed for a reason other than the classes above (e.g. a dbt model error)."""

    exit_code = 7
    label = "stage failed"


class HomesDiffer(OneIDError):
    """`oneid compare`: the two homes published different results."""

    exit_code = 8
    label = "the homes differ"


EXIT_CODES: dict[int, str] = {
    0: "success",
    1: "unexpected internal error (a bug: please report it with the run record)",
    2: "usage error (unknown option or bad argument)",
    ConfigurationError.exit_code: ConfigurationError.label,
    BadInputError.exit_code: BadInputError.label,
    DataTestFailed.exit_code: DataTestFailed.label,
    RunActiveError.exit_code: RunActiveError.label,
    StageFailed.exit_code: StageFailed.label,
    HomesDiffer.exit_code: HomesDiffer.label,
}
