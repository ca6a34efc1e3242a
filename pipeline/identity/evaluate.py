"""OneIDs against the demo generator's ground truth (`oneid evaluate`).

Scored identifiers are those the pipeline holds a OneID for and the truth
gives exactly one owner: family devices and recycled phone numbers have two
owners, store tablets none, so no single answer exists for them and they are
counted apart. Metrics:

- pairwise precision and recall: of the identifier pairs sharing a OneID,
  the share owned by one person; of the pairs owned by one person, the share
  sharing a OneID;
- B-cubed precision and recall: per identifier, the share of its OneID owned
  by its person and the share of its person's identifiers in its OneID,
  averaged over identifiers;
- over-merged persons (their OneID holds another person's identifiers too)
  and split persons (their identifiers are in more than one OneID);
- the recall ceiling: pairwise recall of the best possible answer, each
  person's identifiers joined only by links whose two ends that person owns.
  A true pair no record connects, even through other identifiers of the
  person, cannot be found by any resolution of these data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from pipeline.errors import ConfigurationError
from pipeline.home import Home

TRUTH_FILES = "identifiers*.parquet"
LOWER_CASE_TYPES = ("email", "oaid", "imei")
UPPER_CASE_TYPES = ("idfa",)


@dataclass(frozen=True)
class Evaluation:
    scored_identifiers: int
    multi_owner_identifiers: int  # truth gives them several owners: left out
    unknown_identifiers: int  # the pipeline's, absent from the truth (e.g. store tablets)
    persons: int
    oneids: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    linkable_pairs: int
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    recall_ceiling: float
    over_merged_oneids: int
    over_merged_persons: int
    split_persons: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalized_key(id_type: pl.Expr, namespace: pl.Expr, value: pl.Expr) -> pl.Expr:
    """`id_type:namespace:value` with the value spelled as the pipeline normalizes it."""
    value = value.str.strip_chars()
    value = (
        pl.when(id_type.is_in(LOWER_CASE_TYPES))
        .then(value.str.to_lowercase())
        .when(id_type.is_in(UPPER_CASE_TYPES))
        .then(value.str.to_uppercase())
        .otherwise(value)
    )
    return pl.concat_str(id_type, namespace, value, separator=":")


def read_truth(home: Home) -> pl.DataFrame:
    """(identifier_key, person_id) of every identifier the generator gave someone."""
    files = sorted((home.root / "truth").glob(TRUTH_FILES))
    if not files:
        raise ConfigurationError(f"no ground truth in {home.root / 'truth'} (only generated demo homes have one)")
    truth = pl.concat([pl.read_parquet(f, columns=["person_id", "id_type", "namespace", "value"]) for f in files])
    return truth.select(
        identifier_key=normalized_key(pl.col("id_type"), pl.col("namespace"), pl.col("value")),
        person_id=pl.col("person_id"),
    ).unique()


def read_oneids(restricted: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(identifier_key, oneid) and the identity links (key_a, key_b) of a restricted store."""
    if not restricted.is_file():
        raise ConfigurationError(f"no restricted store at {restricted}: run `oneid run` first")
    with duckdb.connect(str(restricted), read_only=True) as con:
        assigned = con.sql("select identifier_key, oneid from int_identifier_oneids").pl()
        links = con.sql("select identifier_key_a as key_a, identifier_key_b as key_b from int_identity_links").pl()
    # Spelled like the truth (the pipeline's spelling already is; this keeps both sides on one rule).
    assigned = assigned.with_columns(identifier_key=_renormalize(pl.col("identifier_key")))
    links = links.select(key_a=_renormalize(pl.col("key_a")), key_b=_renormalize(pl.col("key_b")))
    return assigned, links


def _renormalize(key: pl.Expr) -> pl.Expr:
    parts = key.str.splitn(":", 3)
    return normalized_key(
        parts.struct.field("field_0"), parts.struct.field("field_1"), parts.struct.field("field_2")
    )


def evaluate(home: Home) -> Evaluation:
    truth = read_truth(home)
    assigned, links = read_oneids(home.restricted)
    return score(assigned, truth, links)


def score(assigned: pl.DataFrame, truth: pl.DataFrame, links: pl.DataFrame) -> Evaluation:
    """Score `assigned` (identifier_key, oneid) against `truth` (identifier_key, person_id);
    `links` (key_a, key_b) are the identity links, for the recall ceiling."""
    owners = truth.group_by("identifier_key").agg(
        owners=pl.col("person_id").n_unique(), person_id=pl.col("person_id").first()
    )
    single = owners.filter(pl.col("owners") == 1).select("identifier_key", "person_id")
    multi_owner = owners.filter(pl.col("owners") > 1).select("identifier_key")
    scored = assigned.join(single, on="identifier_key", how="inner")
    unknown = assigned.join(truth, on="identifier_key", how="anti").height
    multi = assigned.join(multi_owner, on="identifier_key", how="semi").height

    correct = _pairs(scored, "oneid", "person_id")
    predicted = _pairs(scored, "oneid")
    true = _pairs(scored, "person_id")
    ceiling_components = _same_owner_components(scored, truth, links)
    linkable = _pairs(ceiling_components, "component", "person_id")

    cells = scored.group_by("oneid", "person_id").len("both")
    per_item = (
        scored.join(cells, on=["oneid", "person_id"])
        .join(scored.group_by("oneid").len("oneid_size"), on="oneid")
        .join(scored.group_by("person_id").len("person_size"), on="person_id")
    )
    bcubed_precision = _mean(per_item["both"] / per_item["oneid_size"])
    bcubed_recall = _mean(per_item["both"] / per_item["person_size"])

    persons_per_oneid = scored.group_by("oneid").agg(pl.col("person_id").n_unique().alias("persons"))
    merged_oneids = persons_per_oneid.filter(pl.col("persons") > 1)
    over_merged_persons = scored.join(merged_oneids, on="oneid", how="semi")["person_id"].n_unique()
    split_persons = (
        scored.group_by("person_id").agg(pl.col("oneid").n_unique().alias("oneids")).filter(pl.col("oneids") > 1)
    ).height

    pairwise_precision = _ratio(correct, predicted)
    pairwise_recall = _ratio(correct, true)
    return Evaluation(
        scored_identifiers=scored.height,
        multi_owner_identifiers=multi,
        unknown_identifiers=unknown,
        persons=scored["person_id"].n_unique(),
        oneids=scored["oneid"].n_unique(),
        true_pairs=true,
        predicted_pairs=predicted,
        correct_pairs=correct,
        linkable_pairs=linkable,
        pairwise_precision=pairwise_precision,
        pairwise_recall=pairwise_recall,
        pairwise_f1=_f1(pairwise_precision, pairwise_recall),
        bcubed_precision=bcubed_precision,
        bcubed_recall=bcubed_recall,
        bcubed_f1=_f1(bcubed_precision, bcubed_recall),
        recall_ceiling=_ratio(linkable, true),
        over_merged_oneids=merged_oneids.height,
        over_merged_persons=over_merged_persons,
        split_persons=split_persons,
    )


def _pairs(frame: pl.DataFrame, *keys: str) -> int:
    if frame.is_empty():
        return 0
    sizes = frame.group_by(*keys).len()["len"].cast(pl.Int64)
    return int((sizes * (sizes - 1) // 2).sum())


def _same_owner_components(scored: pl.DataFrame, truth: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """Scored identifiers with their component in their owner's own graph: the
    links whose two ends that person owns (a shared device counts for each of
    its owners). The best any resolution of these records can do."""
    nodes = truth.select("identifier_key", "person_id").unique().with_row_index("node")
    ends = (
        links.join(nodes.rename({"identifier_key": "key_a", "node": "node_a"}), on="key_a")
        .join(nodes.rename({"identifier_key": "key_b", "node": "node_b"}), on=["key_b", "person_id"])
    )
    n = nodes.height
    graph = coo_matrix(
        (np.ones(ends.height), (ends["node_a"].to_numpy(), ends["node_b"].to_numpy())), shape=(n, n)
    )
    _, labels = connected_components(graph, directed=False)
    components = nodes.with_columns(component=pl.Series(values=labels, dtype=pl.Int64))
    return scored.join(components, on=["identifier_key", "person_id"])


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def _mean(values: pl.Series) -> float:
    return float(values.mean()) if len(values) else 1.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
