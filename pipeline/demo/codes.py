"""Vectorized makers of identifier strings: random tokens, UUIDs, unique numbers.

All of them build a fixed-width byte matrix with numpy and hand it to polars
in one piece, so a million ids cost milliseconds.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

HEX_LOWER = "0123456789abcdef"
HEX_UPPER = "0123456789ABCDEF"
DIGITS = "0123456789"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BASE64_URL = BASE62 + "-_"
LOWER_ALNUM = "0123456789abcdefghijklmnopqrstuvwxyz"


def matrix_to_strings(matrix: np.ndarray) -> pl.Series:
    """Rows of an (n, width) uint8 matrix of ASCII codes as a String series."""
    rows, width = matrix.shape
    if rows == 0:
        return pl.Series(values=[], dtype=pl.String)
    fixed = np.ascontiguousarray(matrix, dtype=np.uint8).view(f"S{width}").ravel()
    return pl.Series(fixed).cast(pl.String)


def _alphabet(chars: str) -> np.ndarray:
    return np.frombuffer(chars.encode("ascii"), dtype=np.uint8)


def random_tokens(rng: np.random.Generator, n: int, length: int, alphabet: str, prefix: str = "") -> pl.Series:
    """`n` random strings of `length` characters drawn from `alphabet`, after `prefix`."""
    table = _alphabet(alphabet)
    body = table[rng.integers(0, len(table), size=(n, length), dtype=np.uint8)]
    if prefix:
        head = np.broadcast_to(_alphabet(prefix), (n, len(prefix)))
        body = np.concatenate([head, body], axis=1)
    return matrix_to_strings(body)


def hex_matrix(rng: np.random.Generator, n: int, length: int, upper: bool = False) -> np.ndarray:
    table = _alphabet(HEX_UPPER if upper else HEX_LOWER)
    return table[rng.integers(0, 16, size=(n, length), dtype=np.uint8)]


def uuid4_strings(rng: np.random.Generator, n: int, upper: bool = False) -> pl.Series:
    """Random version-4 UUIDs in their 8-4-4-4-12 form."""
    digits = hex_matrix(rng, n, 32, upper)
    digits[:, 12] = ord("4")
    variant = _alphabet("89AB" if upper else "89ab")
    digits[:, 16] = variant[rng.integers(0, 4, size=n)]
    dash = np.full((n, 1), ord("-"), dtype=np.uint8)
    pieces = [digits[:, 0:8], dash, digits[:, 8:12], dash, digits[:, 12:16], dash, digits[:, 16:20], dash, digits[:, 20:32]]
    return matrix_to_strings(np.concatenate(pieces, axis=1))


def zero_padded(values: np.ndarray, width: int) -> pl.Series:
    return pl.Series(values=np.asarray(values, dtype=np.int64)).cast(pl.String).str.zfill(width)


def unique_numbers(n: int, modulus: int, salt: int) -> np.ndarray:
    """`n` distinct numbers in [0, modulus) that look random: an affine permutation of 0..n-1.

    Distinct by construction (the multiplier is coprime to the modulus), so ids
    such as phone numbers never collide however many people there are.
    """
    if n > modulus:
        raise ValueError(f"cannot draw {n} distinct numbers below {modulus}")
    if modulus > 10**9:
        raise ValueError("modulus above 10**9 would overflow int64 products")
    multiplier = int(modulus * 0.381966) + salt % 9973
    while math.gcd(multiplier, modulus) != 1:
        multiplier += 1
    offset = (salt * 2654435761) % modulus
    return (np.arange(n, dtype=np.int64) * multiplier + offset) % modulus


def luhn_check_digits(body: np.ndarray) -> np.ndarray:
    """Luhn check digit for each row of an (n, k) matrix of decimal digits (as ints)."""
    k = body.shape[1]
    weights = np.where((np.arange(k)[::-1] % 2) == 0, 2, 1)  # double every second digit from the right
    doubled = body * weights
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    return (10 - doubled.sum(axis=1) % 10) % 10


def digit_matrix_to_strings(digits: np.ndarray) -> pl.Series:
    return matrix_to_strings((digits + ord("0")).astype(np.uint8))


def fixed_hex(values: np.ndarray, width: int) -> pl.Series:
    """Non-negative integers as lower-case hex strings of exactly `width` digits."""
    table = _alphabet(HEX_LOWER)
    shifts = 4 * np.arange(width - 1, -1, -1, dtype=np.int64)
    nibbles = (np.asarray(values, dtype=np.int64)[:, None] >> shifts) & 0xF
    return matrix_to_strings(table[nibbles])


def fixed_digits(values: np.ndarray, width: int) -> np.ndarray:
    """(n, width) matrix of the decimal digits of each value, most significant first."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return np.asarray(values, dtype=np.int64)[:, None] // powers % 10
