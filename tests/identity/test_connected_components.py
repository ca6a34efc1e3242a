"""The connected_components materialization gives exactly networkx's partition,
in a number of rounds that grows like log(n), setting finished components
aside as it goes; hash_bigint gives identifiers distinct node ids."""

from __future__ import annotations

import math
import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import networkx as nx
import polars as pl
import pytest

ROOT = Path(__file__).resolve().parents[2]
EDGE_SCHEMA = {"node_a": pl.Int64, "node_b": pl.Int64}


def shuffled_ids(graph: nx.Graph, seed: int) -> nx.Graph:
    """Random 63-bit ids, so that no test leans on nodes arriving in order."""
    rng = random.Random(seed)
    mapping = {node: rng.randrange(1, 2**62) for node in graph.nodes}
    return nx.relabel_nodes(graph, mapping)


def stars_on_a_chain(ordered: bool) -> nx.Graph:
    """Stars that look finished early but hang on a 3,000-node chain, and stars that are."""
    graph = nx.path_graph([f"p{i}" for i in range(3_000)])
    for star in range(100):
        leaves = [f"l{star}_{leaf}" for leaf in range(10)]
        graph.add_edges_from((f"c{star}", leaf) for leaf in leaves)
        if star < 60:
            graph.add_edge(leaves[0], f"p{star * 50}")
    if not ordered:
        return shuffled_ids(graph, 7)
    # Each star's centre is its smallest node and the chain's ids grow along it,
    # so every star is a locally perfect star from round 1 on.
    ids: dict[str, int] = {}
    for node in graph.nodes:
        kind, rest = node[0], node[1:]
        if kind == "c":
            ids[node] = int(rest)
        elif kind == "l":
            star, leaf = rest.split("_")
            ids[node] = 1_000 + int(star) * 10 + int(leaf)
        else:
            ids[node] = 100_000 + int(rest)
    return nx.relabel_nodes(graph, ids)


def staggered() -> nx.Graph:
    """Components that finish in different rounds: paths of 2 to 4,096 nodes, triangles, pairs."""
    parts = [nx.path_graph(2**k) for k in range(1, 13)]
    parts += [nx.complete_graph(3) for _ in range(200)] + [nx.path_graph(2) for _ in range(500)]
    return shuffled_ids(nx.disjoint_union_all(parts), 8)


def identity_like(persons: int, seed: int) -> nx.Graph:
    """People with 1-4 linked identifiers, a few cross-person links and two junk hubs."""
    rng = random.Random(seed)
    graph = nx.Graph()
    count = 0
    for _ in range(persons):
        size = rng.choices([1, 2, 3, 4], weights=[8, 58, 29, 5])[0]
        identifiers = list(range(count, count + size))
        count += size
        graph.add_nodes_from(identifiers)
        graph.add_edges_from(zip(identifiers, identifiers[1:]))
        if size >= 3 and rng.random() < 0.33:
            graph.add_edge(identifiers[0], identifiers[-1])
    for _ in range(persons // 100):
        one, other = rng.randrange(count), rng.randrange(count)
        if one != other:
            graph.add_edge(one, other)
    for hub, size in ((count, 300), (count + 1, 40)):
        graph.add_edges_from((hub, rng.randrange(count)) for _ in range(size))
    return shuffled_ids(graph, seed)


def edge_frame(graph: nx.Graph) -> pl.DataFrame:
    edges = [(u, v) for u, v in graph.edges] + [(n, None) for n in graph.nodes if graph.degree(n) == 0]
    # Every edge twice, both directions, plus a duplicate: the input need not be clean.
    edges += [(v, u) for u, v in graph.edges if v is not None][:100]
    return pl.DataFrame(edges, schema=EDGE_SCHEMA, orient="row")


def declaring_frame(graph: nx.Graph) -> pl.DataFrame:
    """Every node declared, some twice, from either column or as a self loop."""
    nodes = list(graph.nodes)
    rows = [(u, v) for u, v in graph.edges] + [(n, None) for n in nodes]
    rows += [(None, n) for n in nodes[:50]] + [(n, n) for n in nodes[50:100]] + [(n, None) for n in nodes[:30]]
    return pl.DataFrame(rows, schema=EDGE_SCHEMA, orient="row")


def listed_frame(graph: nx.Graph, listed: list[int]) -> pl.DataFrame:
    """A node table (node_a, null, label) on top of the edges, as an identity model would give."""
    nodes = pl.DataFrame(
        {"node_a": listed, "node_b": [None] * len(listed), "label": [f"n{node}" for node in listed]},
        schema={**EDGE_SCHEMA, "label": pl.String},
    )
    edges = pl.DataFrame(list(graph.edges), schema=EDGE_SCHEMA, orient="row").with_columns(
        label=pl.lit(None, pl.String)
    )
    return pl.concat([nodes, edges])


@dataclass(frozen=True)
class Case:
    graph: nx.Graph
    frame: pl.DataFrame
    listed: frozenset[int] | None = None  # nodes='listed': the nodes the result lists


def cases() -> dict[str, Case]:
    hubs = nx.union_all([nx.star_graph(500), nx.star_graph(300)], rename=("a", "b"))
    hubs.add_edge("a0", "b0")
    mixed = nx.union_all(
        [nx.cycle_graph(40), nx.path_graph(300), nx.complete_graph(12), nx.empty_graph(7), nx.balanced_tree(3, 5)],
        rename=("c", "p", "k", "e", "t"),
    )
    plain = {
        "chain": shuffled_ids(nx.path_graph(12_000), 1),
        "ordered_chain": nx.path_graph(3_000),
        "hubs": shuffled_ids(hubs, 2),
        "isolated": shuffled_ids(nx.empty_graph(50), 3),
        "mixed": shuffled_ids(mixed, 4),
        "random_sparse": shuffled_ids(nx.gnm_random_graph(5_000, 4_000, seed=3), 5),
        "cycle": shuffled_ids(nx.cycle_graph(2_000), 6),
        "stars_on_a_chain": stars_on_a_chain(ordered=False),
        "ordered_stars_on_a_chain": stars_on_a_chain(ordered=True),
        "staggered": staggered(),
        "identity_like": identity_like(5_000, 9),
    }
    built = {name: Case(graph, edge_frame(graph)) for name, graph in plain.items()}
    declared = shuffled_ids(nx.gnm_random_graph(2_000, 1_500, seed=10), 10)
    built["declared_everywhere"] = Case(declared, declaring_frame(declared))
    listed = identity_like(3_000, 11)
    built["listed_identity"] = Case(listed, listed_frame(listed, list(listed.nodes)), frozenset(listed.nodes))
    # A node table that misses some nodes the edges mention, component minimums among them.
    minimums = {min(component) for component in nx.connected_components(listed)}
    partly = [node for index, node in enumerate(listed.nodes) if index % 7 and node not in minimums]
    built["listed_partly"] = Case(listed, listed_frame(listed, partly), frozenset(partly))
    return built


CONTRACT = """version: 2
models:
  - name: listed_identity
    config:
      contract:
        enforced: true
    columns:
      - name: node_id
        data_type: bigint
      - name: component_id
        data_type: bigint
      - name: label
        data_type: varchar
"""

HASHED_IDENTIFIERS = """{{ config(materialized='table') }}
select identifier, {{ hash_bigint('identifier') }} as node_id
from (
    select 'mobile:' || (13000000000 + i)::varchar as identifier from range(500000) as t(i)
    union all select 'email:u' || i::varchar || '@qq.com' from range(500000) as t(i)
    union all select 'device_idfa:' || upper(md5(i::varchar)) from range(500000) as t(i)
    union all select 'wechat_openid:wx1:o' || substr(md5('w' || i::varchar), 1, 27) from range(500000) as t(i)
) as identifiers
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Case], str]:
    project = tmp_path_factory.mktemp("cc_project")
    (project / "macros").mkdir()
    (project / "models").mkdir()
    for macro in ("connected_components.sql", "portable_functions.sql"):
        shutil.copy(ROOT / "macros" / "identity" / macro, project / "macros")
    (project / "dbt_project.yml").write_text(
        "name: cc_test\nversion: '1.0'\nconfig-version: 2\nprofile: cc_test\n"
    )
    database = project / "cc.duckdb"
    (project / "profiles.yml").write_text(
        "cc_test:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: '{database}'\n      threads: 2\n"
    )
    built_cases = cases()
    assert sorted(built_cases) == sorted(ALL_CASES)
    for name, case in built_cases.items():
        parquet = project / f"{name}.parquet"
        case.frame.write_parquet(parquet)
        if case.listed is None:
            config, columns = "materialized='connected_components'", "node_a, node_b"
        else:
            config, columns = "materialized='connected_components', nodes='listed'", "node_a, node_b, label"
        (project / "models" / f"{name}.sql").write_text(
            f"{{{{ config({config}) }}}}\nselect {columns} from read_parquet('{parquet}')\n"
        )
    (project / "models" / "empty.sql").write_text(
        "{{ config(materialized='connected_components') }}\n"
        "select cast(null as bigint) as node_a, cast(null as bigint) as node_b where 1 = 0\n"
    )
    (project / "models" / "contracts.yml").write_text(CONTRACT)
    (project / "models" / "hashed_identifiers.sql").write_text(HASHED_IDENTIFIERS)
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [str(dbt), "run", "--project-dir", str(project), "--profiles-dir", str(project)],
        capture_output=True,
        text=True,
        cwd=project,
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return database, built_cases, result.stdout


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def partition_from(database: Path, model: str) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for node, component in query(database, f"select node_id, component_id from {model}"):
        groups.setdefault(component, set()).add(node)
    return {frozenset(members) for members in groups.values()}


def expected_partition(case: Case) -> set[frozenset[int]]:
    components = [frozenset(c) for c in nx.connected_components(case.graph)]
    if case.listed is None:
        return set(components)
    return {component & case.listed for component in components if component & case.listed}


ALL_CASES = [
    "chain", "ordered_chain", "hubs", "isolated", "mixed", "random_sparse", "cycle", "stars_on_a_chain",
    "ordered_stars_on_a_chain", "staggered", "identity_like", "declared_everywhere", "listed_identity", "listed_partly",
]


@pytest.mark.parametrize("name", ALL_CASES)
def test_partition_equals_networkx(built, name: str) -> None:
    database, built_cases, _ = built
    assert partition_from(database, name) == expected_partition(built_cases[name])


@pytest.mark.parametrize("name", ALL_CASES)
def test_one_row_per_node_and_the_component_id_is_its_smallest_node(built, name: str) -> None:
    database, built_cases, _ = built
    case = built_cases[name]
    rows = dict(query(database, f"select node_id, component_id from {name}"))
    assert query(database, f"select count(*) from {name}")[0][0] == len(rows)
    expected_nodes = case.listed if case.listed is not None else set(case.graph.nodes)
    assert set(rows) == expected_nodes
    for component in nx.connected_components(case.graph):
        smallest = min(component)
        assert all(rows[node] == smallest for node in component if node in rows)


@pytest.mark.parametrize("name", ["chain", "ordered_chain", "cycle", "stars_on_a_chain", "ordered_stars_on_a_chain"])
def test_rounds_grow_like_log_n_not_like_the_path(built, name: str) -> None:
    database, built_cases, output = built
    nodes = built_cases[name].graph.number_of_nodes()
    rounds = query(database, f"select max(round) from {name}__rounds")[0][0]
    assert rounds <= 3 * math.log2(nodes), f"{name}: {rounds} rounds for {nodes} nodes"
    assert f"{name}: connected components converged in {rounds} rounds" in output


def test_finished_components_leave_the_graph(built) -> None:
    database, built_cases, _ = built
    graph = built_cases["identity_like"].graph
    rounds = query(database, "select round, edges, set_aside_nodes from identity_like__rounds order by round")
    touched = sum(1 for node in graph.nodes if graph.degree(node) > 0)
    # Most people are whole from the start; two rounds later only the merged
    # people and the hubs' components are left.
    assert rounds[0][2] > 0.5 * touched, rounds
    assert len(rounds) >= 3 and rounds[2][1] < 0.2 * rounds[0][1], rounds
    # Every node that an edge touches is set aside exactly once, in some round.
    assert sum(set_aside for _, _, set_aside in rounds) == touched


def test_components_finish_in_different_rounds(built) -> None:
    database, _, _ = built
    rounds = query(database, "select round, set_aside_nodes from staggered__rounds order by round")
    finishing = [round_ for round_, set_aside in rounds if set_aside > 0]
    assert finishing[0] == 1 and len(finishing) >= 4, rounds


def test_listed_nodes_keep_their_columns_under_a_contract(built) -> None:
    database, _, _ = built
    mismatched = query(database, "select count(*) from listed_identity where label <> 'n' || node_id::varchar")
    assert mismatched[0][0] == 0
    columns = [row[0] for row in query(database, "select column_name from (describe listed_identity)")]
    assert columns == ["node_id", "component_id", "label"]


def test_an_empty_graph_gives_an_empty_result(built) -> None:
    database, _, _ = built
    assert query(database, "select count(*) from empty") == [(0,)]
    assert query(database, "select round, edges from empty__rounds") == [(1, 0)]


def test_hash_bigint_gives_distinct_non_negative_ids(built) -> None:
    database, _, _ = built
    identifiers, distinct_ids, smallest = query(
        database, "select count(distinct identifier), count(distinct node_id), min(node_id) from hashed_identifiers"
    )[0]
    assert identifiers == 2_000_000
    assert distinct_ids == identifiers
    assert smallest >= 0
