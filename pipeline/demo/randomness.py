"""Seeded random streams for the demo generator.

Every draw comes from a stream named by the run's seed and a few keys (a
source, a day, a purpose), never from a shared generator whose position
depends on how much was drawn before. Adding a draw in one place therefore
never shifts the values drawn anywhere else, and the same parameters always
give the same files.
"""

from __future__ import annotations

import zlib

import numpy as np


def _key_to_int(key: int | str) -> int:
    if isinstance(key, str):
        # crc32 rather than hash(): Python salts str hashes per process.
        return zlib.crc32(key.encode("utf-8"))
    return int(key)


def stream(seed: int, *keys: int | str) -> np.random.Generator:
    """An independent generator for one purpose of one run."""
    return np.random.default_rng(np.random.SeedSequence([seed, *(_key_to_int(k) for k in keys)]))


def pick(rng: np.random.Generator, weights: np.ndarray | list[float], size: int) -> np.ndarray:
    """Indices drawn with the given (unnormalized) weights."""
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=size, p=p / p.sum())


def chance(rng: np.random.Generator, rate: float | np.ndarray, size: int) -> np.ndarray:
    """A boolean mask that is True with probability `rate` per element."""
    return rng.random(size) < rate


def group_ranks(group_sizes: np.ndarray) -> np.ndarray:
    """0, 1, … within each consecutive group: for [2, 3] gives [0, 1, 0, 1, 2]."""
    sizes = np.asarray(group_sizes, dtype=np.int64)
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.arange(total, dtype=np.int64) - starts


def _splitmix64(x: np.ndarray) -> np.ndarray:
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def stable_uniform(seed: int, purpose: str, keys: np.ndarray) -> np.ndarray:
    """A uniform draw in [0, 1) fixed per key: the same record decides the same way every time it is exported."""
    salt = np.uint64(np.random.SeedSequence([seed, _key_to_int(purpose)]).generate_state(1, dtype=np.uint64)[0])
    mixed = _splitmix64(np.asarray(keys, dtype=np.int64).astype(np.uint64) ^ salt)
    return (mixed >> np.uint64(11)).astype(np.float64) / float(1 << 53)
