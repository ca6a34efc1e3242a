"""The generated window of days, and times as integers.

Inside the generator a time is an int64 count of seconds on the China
Standard Time wall clock since 1970-01-01 00:00 (no zone arithmetic needed:
China has no daylight saving). A day is an int index into the window:
day 0 is `start`, negative days are history before the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

SECONDS_PER_DAY = 86_400
CST_OFFSET_SECONDS = 8 * 3600
EPOCH = date(1970, 1, 1)

# Chinese e-commerce peaks: purchases near them are pulled onto the day itself.
PROMOTION_DAYS = ((1, 10), (3, 8), (6, 18), (8, 18), (11, 11), (12, 12))

# Share of the day's activity per hour: a lunch bump and a strong evening peak.
HOUR_WEIGHTS = np.array(
    [2, 1, 0.6, 0.4, 0.3, 0.4, 1, 2, 3, 4, 5, 5.5, 5, 4.5, 4.5, 4.5, 4.5, 5, 5.5, 6.5, 8, 9, 8.5, 5],
    dtype=np.float64,
)

# Stores sell during opening hours only (10:00-22:00), busiest in the evening and at weekends' afternoons.
STORE_HOUR_WEIGHTS = np.array(
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 4, 4, 4, 5, 5, 5, 5, 6, 7, 7, 5, 0, 0],
    dtype=np.float64,
)


@dataclass(frozen=True)
class Window:
    start: date
    days: int

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days - 1)

    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=int(day))

    def day_of(self, when: date) -> int:
        return (when - self.start).days

    @property
    def start_seconds(self) -> int:
        """Wall-clock seconds of day 0, 00:00 CST."""
        return (self.start - EPOCH).days * SECONDS_PER_DAY

    def seconds_of_day(self, day: np.ndarray | int) -> np.ndarray:
        return self.start_seconds + np.asarray(day, dtype=np.int64) * SECONDS_PER_DAY

    def day_of_seconds(self, seconds: np.ndarray) -> np.ndarray:
        return (np.asarray(seconds, dtype=np.int64) - self.start_seconds) // SECONDS_PER_DAY

    def promotion_days(self) -> np.ndarray:
        """Day indexes of the promotion peaks inside the window."""
        found = []
        for year in range(self.start.year, self.end.year + 1):
            for month, day in PROMOTION_DAYS:
                index = self.day_of(date(year, month, day))
                if 0 <= index < self.days:
                    found.append(index)
        return np.array(sorted(found), dtype=np.int64)


def clock_seconds(rng: np.random.Generator, n: int, weights: np.ndarray = HOUR_WEIGHTS) -> np.ndarray:
    """Seconds after midnight following a daily curve (default: online activity)."""
    hours = rng.choice(24, size=n, p=weights / weights.sum())
    return hours * 3600 + rng.integers(0, 3600, size=n)


def times_on_days(window: Window, days: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A wall-clock time on each given day, following the daily activity curve."""
    return window.seconds_of_day(days) + clock_seconds(rng, len(days))
