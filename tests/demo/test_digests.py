import hashlib

import numpy as np
import polars as pl
import pytest

from pipeline.demo.digests import md5_hex, sha256_hex


def test_vectorized_digests_match_hashlib() -> None:
    rng = np.random.default_rng(3)
    values = ["", "a", "13812345678", "ABCDEF01-2345-6789-ABCD-EF0123456789", "x" * 55, "中文", None]
    values += ["".join(rng.choice(list("0123456789abcdef-"), size=int(k))) for k in rng.integers(1, 56, 300)]
    series = pl.Series(values=values, dtype=pl.String)
    for digest, reference in ((md5_hex, hashlib.md5), (sha256_hex, hashlib.sha256)):
        got = digest(series).to_list()
        expected = [None if v is None else reference(v.encode("utf-8")).hexdigest() for v in values]
        assert got == expected


def test_digest_refuses_values_longer_than_one_block() -> None:
    with pytest.raises(ValueError):
        md5_hex(pl.Series(values=["x" * 56]))
