"""The smallest audience each platform's upload may hold, for this run.

Defaults are the platforms' own (platforms.py). `ONEID_EXPORT_MIN_AUDIENCE`
overrides them: one number for every platform (`500`), or per platform
(`meta=100,google=1000`), or both (`300,tencent_ads=2000`). The manifest
records the minimum each export was held to and where it came from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from pipeline.errors import ConfigurationError
from pipeline.exports.platforms import PLATFORMS

MIN_AUDIENCE_ENV = "ONEID_EXPORT_MIN_AUDIENCE"


@dataclass(frozen=True)
class MinimumSize:
    size: int
    basis: str


def min_audience_sizes(setting: str | None = None) -> dict[str, MinimumSize]:
    """Minimum per platform code; `setting` defaults to the environment variable."""
    raw = os.environ.get(MIN_AUDIENCE_ENV, "") if setting is None else setting
    chosen = {code: MinimumSize(p.min_audience_size, p.min_audience_basis) for code, p in PLATFORMS.items()}
    everywhere: int | None = None
    specific: dict[str, int] = {}
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        code, _, number = part.rpartition("=")
        size = _size(number, part)
        if not code:
            everywhere = size
        elif code.strip() in PLATFORMS:
            specific[code.strip()] = size
        else:
            raise ConfigurationError(
                f"{MIN_AUDIENCE_ENV}: unknown platform {code.strip()!r} (known: {', '.join(sorted(PLATFORMS))})"
            )
    for code in chosen:
        if code in specific:
            chosen[code] = MinimumSize(specific[code], f"{MIN_AUDIENCE_ENV} ({code}={specific[code]})")
        elif everywhere is not None:
            chosen[code] = MinimumSize(everywhere, f"{MIN_AUDIENCE_ENV} ({everywhere} for every platform)")
    return chosen


def _size(number: str, part: str) -> int:
    try:
        size = int(number.strip())
    except ValueError:
        raise ConfigurationError(f"{MIN_AUDIENCE_ENV}: {part!r} is not a whole number or platform=number") from None
    if size < 1:
        raise ConfigurationError(f"{MIN_AUDIENCE_ENV}: {part!r} must be at least 1")
    return size
