"""The connected_components materialization gives exactly networkx's partition,
in a number of rounds that grows like log(n)."""

from __future__ import annotations

import math
import random
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import networkx as nx
import polars as pl
import pytest

ROOT = Path(__file__).resolve().parents[2]


def shuffled_ids(graph: nx.Graph, seed: int) -> nx.Graph:
    """Random 63-bit ids, so that no test leans on nodes arriving in order."""
    rng = random.Random(seed)
    mapping = {node: rng.randrange(1, 2**62) for node in graph.nodes}
    return nx.relabel_nodes(graph, mapping)


def graphs() -> dict[str, nx.Graph]:
    chain = nx.path_graph(12_000)
    hubs = nx.union_all([nx.star_graph(500), nx.star_graph(300)], rename=("a", "b"))
    hubs.add_edge("a0", "b0")
    isolated = nx.empty_graph(50)
    mixed = nx.union_all(
        [nx.cycle_graph(40), nx.path_graph(300), nx.complete_graph(12), nx.empty_graph(7), nx.balanced_tree(3, 5)],
        rename=("c", "p", "k", "e", "t"),
    )
    random_sparse = nx.gnm_random_graph(5_000, 4_000, seed=3)
    return {
        "chain": shuffled_ids(chain, 1),
        "ordered_chain": nx.path_graph(3_000),
        "hubs": shuffled_ids(hubs, 2),
        "isolated": shuffled_ids(isolated, 3),
        "mixed": shuffled_ids(mixed, 4),
        "random_sparse": shuffled_ids(random_sparse, 5),
        "cycle": shuffled_ids(nx.cycle_graph(2_000), 6),
    }


def edge_frame(graph: nx.Graph) -> pl.DataFrame:
    edges = [(u, v) for u, v in graph.edges] + [(n, None) for n in graph.nodes if graph.degree(n) == 0]
    # Every edge twice, both directions, plus a duplicate: the input need not be clean.
    edges += [(v, u) for u, v in graph.edges if v is not None][:100]
    return pl.DataFrame(edges, schema={"node_a": pl.Int64, "node_b": pl.Int64}, orient="row")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, nx.Graph], str]:
    project = tmp_path_factory.mktemp("cc_project")
    (project / "macros").mkdir()
    (project / "models").mkdir()
    shutil.copy(ROOT / "macros" / "identity" / "connected_components.sql", project / "macros")
    (project / "dbt_project.yml").write_text(
        "name: cc_test\nversion: '1.0'\nconfig-version: 2\nprofile: cc_test\n"
    )
    database = project / "cc.duckdb"
    (project / "profiles.yml").write_text(
        f"cc_test:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: '{database}'\n      threads: 2\n"
    )
    cases = graphs()
    for name, graph in cases.items():
        parquet = project / f"{name}.parquet"
        edge_frame(graph).write_parquet(parquet)
        (project / "models" / f"{name}.sql").write_text(
            "{{ config(materialized='connected_components') }}\n"
            f"select node_a, node_b from read_parquet('{parquet}')\n"
        )
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [str(dbt), "run", "--project-dir", str(project), "--profiles-dir", str(project)],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return database, cases, result.stdout


def partition_from(database: Path, model: str) -> set[frozenset[int]]:
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(f"select node_id, component_id from {model}").fetchall()
    groups: dict[int, set[int]] = {}
    for node, component in rows:
        groups.setdefault(component, set()).add(node)
    return {frozenset(members) for members in groups.values()}


@pytest.mark.parametrize(
    "name", ["chain", "ordered_chain", "hubs", "isolated", "mixed", "random_sparse", "cycle"]
)
def test_partition_equals_networkx(built, name: str) -> None:
    database, cases, _ = built
    expected = {frozenset(c) for c in nx.connected_components(cases[name])}
    assert partition_from(database, name) == expected


def test_component_id_is_the_smallest_member(built) -> None:
    database, _, _ = built
    with duckdb.connect(str(database), read_only=True) as con:
        wrong = con.execute(
            "select count(*) from (select component_id, min(node_id) m from mixed group by 1) where m <> component_id"
        ).fetchone()[0]
    assert wrong == 0


@pytest.mark.parametrize("name", ["chain", "ordered_chain", "cycle"])
def test_rounds_grow_like_log_n_not_like_the_path(built, name: str) -> None:
    database, cases, output = built
    nodes = cases[name].number_of_nodes()
    with duckdb.connect(str(database), read_only=True) as con:
        rounds = con.execute(f"select max(round) from {name}__rounds").fetchone()[0]
    assert rounds <= 3 * math.log2(nodes), f"{name}: {rounds} rounds for {nodes} nodes"
    assert f"{name}: connected components converged in {rounds} rounds" in output
