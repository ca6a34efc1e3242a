"""`oneid evaluate`: the scores on a graph small enough to count by hand, and
floors on the published demo home."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.home import Home
from pipeline.identity.evaluate import evaluate, score


def test_scores_a_hand_counted_graph() -> None:
    # Truth: p1 owns k1 k2 k3, p2 owns k4 k5, both use the device k6; k7 is nobody's.
    truth = pl.DataFrame(
        {
            "identifier_key": ["k1", "k2", "k3", "k4", "k5", "k6", "k6"],
            "person_id": ["p1", "p1", "p1", "p2", "p2", "p1", "p2"],
        }
    )
    # OneIDs: O1 fuses k1 k2 (p1) with k4 (p2); p1's k3 and p2's k5 stand alone.
    assigned = pl.DataFrame(
        {
            "identifier_key": ["k1", "k2", "k4", "k6", "k3", "k5", "k7"],
            "oneid": ["O1", "O1", "O1", "O1", "O2", "O3", "O4"],
        }
    )
    # Records link k1-k2-k3 (all p1's), k3-k4 (two people), and k4 to k5 through
    # the shared device: p2's own identifiers, so the truth allows that chain.
    links = pl.DataFrame({"key_a": ["k1", "k2", "k3", "k4", "k5"], "key_b": ["k2", "k3", "k4", "k6", "k6"]})
    scored = score(assigned, truth, links)
    assert (scored.scored_identifiers, scored.multi_owner_identifiers, scored.unknown_identifiers) == (5, 1, 1)
    assert (scored.predicted_pairs, scored.correct_pairs, scored.true_pairs, scored.linkable_pairs) == (3, 1, 4, 4)
    assert scored.pairwise_precision == pytest.approx(1 / 3)
    assert scored.pairwise_recall == pytest.approx(1 / 4)
    assert scored.recall_ceiling == 1
    # B-cubed, per identifier (share of its OneID that is its person's; share of its person in its OneID):
    # k1, k2: 2/3 and 2/3; k3: 1 and 1/3; k4: 1/3 and 1/2; k5: 1 and 1/2.
    assert scored.bcubed_precision == pytest.approx(11 / 15)
    assert scored.bcubed_recall == pytest.approx(8 / 15)
    assert scored.bcubed_f1 == pytest.approx(2 * (11 / 15) * (8 / 15) / (19 / 15))
    assert (scored.over_merged_oneids, scored.over_merged_persons, scored.split_persons) == (1, 2, 2)


def test_a_perfect_answer_scores_one() -> None:
    truth = pl.DataFrame({"identifier_key": ["a", "b", "c"], "person_id": ["p", "p", "q"]})
    assigned = pl.DataFrame({"identifier_key": ["a", "b", "c"], "oneid": ["X", "X", "Y"]})
    links = pl.DataFrame({"key_a": ["a"], "key_b": ["b"]})
    scored = score(assigned, truth, links)
    assert (scored.pairwise_precision, scored.pairwise_recall, scored.bcubed_f1, scored.recall_ceiling) == (1, 1, 1, 1)
    assert (scored.over_merged_persons, scored.split_persons) == (0, 0)


def test_the_demo_home_scores_above_its_floors(published_home: Home) -> None:
    scored = evaluate(published_home)
    print(f"\n{scored}")
    assert scored.scored_identifiers > 500 and scored.persons > 250
    assert scored.pairwise_precision >= 0.98
    assert scored.bcubed_precision >= 0.98
    # Recall is bounded by what the records link at all; the guardrails give little of it up.
    assert scored.pairwise_recall <= scored.recall_ceiling
    assert scored.pairwise_recall >= 0.95 * scored.recall_ceiling
    assert scored.recall_ceiling >= 0.45
    assert scored.bcubed_recall >= 0.6
    assert scored.over_merged_persons <= 0.03 * scored.persons


def test_the_cli_prints_the_scores_as_json(published_home: Home) -> None:
    result = CliRunner().invoke(app, ["evaluate", "--home", str(published_home.root), "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["pairwise_precision"] == pytest.approx(evaluate(published_home).pairwise_precision)
    table = CliRunner().invoke(app, ["evaluate", "--home", str(published_home.root)])
    assert table.exit_code == 0 and "B-cubed recall" in table.output


def test_a_home_without_truth_is_refused(tmp_path: Path) -> None:
    home = Home(tmp_path).ensure()
    result = CliRunner().invoke(app, ["evaluate", "--home", str(home.root)])
    assert result.exit_code == 3
    assert "no ground truth" in result.output
