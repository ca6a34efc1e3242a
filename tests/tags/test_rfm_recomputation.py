"""person_rfm of the published demo home agrees exactly with an independent
Python recomputation from the staged order lines (tests/tags/rfm_reference.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from pipeline.home import Home
from tests.conftest import BASELINE_DATE
from tests.tags.rfm_reference import Order, Rfm, load_orders, recompute


@pytest.fixture(scope="module")
def published_rfm(published_home: Home) -> dict[str, Rfm]:
    con = duckdb.connect(str(published_home.warehouse), read_only=True)
    try:
        rows = con.execute(
            "select oneid, recency_days, frequency, monetary, r_score, f_score, m_score, rfm_segment from person_rfm"
        ).fetchall()
    finally:
        con.close()
    return {row[0]: Rfm(*row[1:]) for row in rows}


@pytest.fixture(scope="module")
def reference_rfm(published_home: Home) -> dict[str, Rfm]:
    con = duckdb.connect(str(published_home.restricted), read_only=True)
    try:
        persons = [row[0] for row in con.execute("select distinct oneid from int_identifier_oneids").fetchall()]
    finally:
        con.close()
    return recompute(load_orders(published_home.restricted), persons, BASELINE_DATE)


def test_every_person_has_exactly_one_rfm_row(published_rfm: dict[str, Rfm], reference_rfm: dict[str, Rfm]) -> None:
    assert set(published_rfm) == set(reference_rfm)


def test_recency_frequency_monetary_agree_exactly(published_rfm: dict[str, Rfm], reference_rfm: dict[str, Rfm]) -> None:
    buyers = [oneid for oneid, rfm in reference_rfm.items() if rfm.frequency > 0]
    assert len(buyers) > 20, "the demo home should hold enough buyers for the comparison to mean something"
    disagreements = {
        oneid: (published_rfm[oneid], expected)
        for oneid, expected in reference_rfm.items()
        if (published_rfm[oneid].recency_days, published_rfm[oneid].frequency, published_rfm[oneid].monetary)
        != (expected.recency_days, expected.frequency, expected.monetary)
    }
    assert not disagreements, list(disagreements.items())[:5]


def test_scores_and_segments_agree_exactly(published_rfm: dict[str, Rfm], reference_rfm: dict[str, Rfm]) -> None:
    disagreements = {
        oneid: (published_rfm[oneid], expected)
        for oneid, expected in reference_rfm.items()
        if published_rfm[oneid] != expected
    }
    assert not disagreements, list(disagreements.items())[:5]
    segments = {rfm.segment for rfm in reference_rfm.values()}
    assert "non_buyer" in segments and len(segments) >= 4


def test_reference_counts_refunds_returns_and_window_edges() -> None:
    """The reference itself, on a hand-made story, so that agreement above means something."""
    day = date(2026, 11, 20)
    orders = [
        Order("a", day, Decimal("400.00"), True),
        Order("a", day, Decimal("50.00"), True),  # same day: two orders
        Order("b", date(2026, 11, 10), Decimal("0.00"), False),  # refund-only
        Order("c", date(2026, 11, 10), Decimal("300.00"), True),
        Order("c", date(2026, 11, 15), Decimal("-100.00"), False),  # a POS return
        Order("d", date(2025, 11, 21), Decimal("500.00"), True),  # day 364: inside
        Order("d", date(2025, 11, 20), Decimal("1000.00"), True),  # day 365: outside
    ]
    result = recompute(orders, ["a", "b", "c", "d", "e"], day)
    assert (result["a"].recency_days, result["a"].frequency, result["a"].monetary) == (0, 2, Decimal("450.00"))
    assert result["b"] == Rfm(None, 0, Decimal("0.00"), None, None, None, "non_buyer")
    assert (result["c"].frequency, result["c"].monetary) == (1, Decimal("200.00"))
    assert (result["d"].recency_days, result["d"].frequency, result["d"].monetary) == (364, 1, Decimal("500.00"))
    assert result["e"].segment == "non_buyer"
    assert (result["a"].segment, result["d"].segment) == ("important_value", "important_winback")
