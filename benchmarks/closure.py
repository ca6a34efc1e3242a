"""Time the OneID closure (dbt `connected_components`) against scipy.

    .venv/bin/python benchmarks/closure.py                    # quick: 100,000 persons
    .venv/bin/python benchmarks/closure.py --persons 5000000  # the issue's target size
    .venv/bin/python benchmarks/closure.py --persons 1000000 --engine spark  # dbt on local Spark

Generates an identity-like graph of STRING identifiers (persons with 1-4
identifiers of several types linked inside the person, shared devices and
cross-person merges, a few junk hubs and long chains of accounts), writes it as
Parquet (identifiers, links) and then, in the same run, times two ways from
those strings to a DuckDB table (identifier, component):

- dbt: a temporary dbt project using the project's own macros
  (macros/identity); the model hashes the identifiers to 64-bit node ids
  (hash_bigint) and is materialized as `connected_components`. With
  --nodes listed (default) the identifiers are its node table and ride along
  into its result; with --nodes all it returns (node_id, component_id) and a
  downstream table joins the identifiers back. Timed as the whole `dbt run`
  subprocess and as dbt's own model timings (run_results.json: the work,
  without dbt's start-up). With --engine spark the same project runs with
  dbt-spark on a local Spark session (local[*]) and the partition is read
  from the Parquet files Spark wrote.
- scipy: DuckDB maps the strings to dense integers, scipy.sparse.csgraph finds
  the components, DuckDB writes (identifier, component).

Each contender runs in its own process; its peak RSS comes from wait4(). The
graph is generated in a process of its own too: Linux carries a parent's peak
RSS over into a child it spawns, so a parent that had held the generated graph
would lend its peak to both contenders. The partitions are then checked to be
identical, and the hashes to be collision free.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.measure import gib, run_measured  # noqa: E402
from pipeline.settings import WarehouseSettings  # noqa: E402
from pipeline.spark_tables import copy_schema  # noqa: E402

# Identifier types and their shares; a person's first identifier is a mobile
# phone three times in four.
TYPES = ["mobile", "email", "wechat_openid", "device_oaid", "device_idfa", "tmall_ouid", "crm_member", "jd_pin"]
OTHER_TYPE_WEIGHTS = np.array([0.05, 0.22, 0.22, 0.14, 0.10, 0.12, 0.10, 0.05])


@dataclass(frozen=True)
class Graph:
    identifiers: Path
    links: Path
    identifier_count: int
    link_count: int


def identifier_structure(persons: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Identifiers per person, each identifier's type and the person owning it."""
    per_person = rng.choice([1, 2, 3, 4], size=persons, p=[0.08, 0.58, 0.29, 0.05])
    owner = np.repeat(np.arange(persons, dtype=np.int64), per_person)
    first = np.cumsum(per_person) - per_person
    kinds = rng.choice(len(TYPES), size=owner.size, p=OTHER_TYPE_WEIGHTS)
    phone_first = rng.random(persons) < 0.75
    kinds[first[phone_first]] = 0
    return per_person, owner, kinds


def link_structure(
    per_person: np.ndarray, owner: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, int]:
    """Links as pairs of identifier indexes; returns (a, b, hub identifiers added)."""
    persons = per_person.size
    identifiers = owner.size
    first = np.cumsum(per_person) - per_person
    pairs: list[tuple[np.ndarray, np.ndarray]] = []
    # Inside a person: a chain of the identifiers seen together, closed into a
    # triangle for a third of the people with three or more.
    same = np.flatnonzero(owner[:-1] == owner[1:])
    pairs.append((same, same + 1))
    triangle = (per_person >= 3) & (rng.random(persons) < 0.33)
    pairs.append((first[triangle], first[triangle] + per_person[triangle] - 1))
    # Shared devices, family phones, gifted accounts: one percent of people
    # linked to someone else.
    merges = persons // 100
    pairs.append((rng.integers(0, identifiers, merges), rng.integers(0, identifiers, merges)))
    # Account farms: long chains of people, each linked to the next.
    chain_length = max(10, min(5_000, persons // 1_000))
    for _ in range(3):
        people = rng.choice(persons, chain_length, replace=False)
        pairs.append((first[people[:-1]] + per_person[people[:-1]] - 1, first[people[1:]]))
    # Junk hubs (a placeholder phone, a store tablet): new identifiers linked
    # to many people; the largest to ~30,000 people at 5M persons.
    hub_sizes = [max(20, persons // 170), max(10, persons // 1_000)] + [max(5, persons // 10_000)] * 5 + [200] * 20
    for offset, size in enumerate(hub_sizes):
        hub = np.full(size, identifiers + offset, dtype=np.int64)
        pairs.append((hub, rng.integers(0, identifiers, size)))
    a = np.concatenate([p[0] for p in pairs]).astype(np.int64)
    b = np.concatenate([p[1] for p in pairs]).astype(np.int64)
    keep = a != b
    low, high = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    unique = np.unique(np.stack([low, high], axis=1), axis=0)
    # Either order, as a link table built from records would have them.
    flip = rng.random(len(unique)) < 0.5
    a = np.where(flip, unique[:, 1], unique[:, 0])
    b = np.where(flip, unique[:, 0], unique[:, 1])
    return a, b, len(hub_sizes)


IDENTIFIER_SQL = """
select
    index,
    case kind
        when 0 then 'mobile:' || (13000000000 + (index * 7919) % 7000000000)::varchar
        when 1 then 'email:' || substr(md5(index::varchar), 1, 6) || index::varchar || '@'
            || ['qq.com', '163.com', 'gmail.com', 'foxmail.com'][1 + index % 4]
        when 2 then 'wechat_openid:wx5f1c' || (index % 3)::varchar || ':o' || substr(md5('w' || index::varchar), 1, 27)
        when 3 then 'device_oaid:' || md5('o' || index::varchar)
        when 4 then 'device_idfa:' || upper(regexp_replace(
            md5('i' || index::varchar), '^(.{8})(.{4})(.{4})(.{4})(.{12})$', '\\1-\\2-\\3-\\4-\\5'))
        when 5 then 'tmall_ouid:shop' || (index % 7)::varchar || ':AAH' || substr(md5('t' || index::varchar), 1, 21)
        when 6 then 'crm_member:brand' || (index % 5)::varchar || ':M' || lpad(index::varchar, 10, '0')
        when 7 then 'jd_pin:jd_' || substr(md5('j' || index::varchar), 1, 8) || index::varchar
        else 'junk_hub:' || index::varchar
    end as identifier
from structure
"""


def generate_graph(folder: Path, persons: int, seed: int) -> Graph:
    """Writes identifiers.parquet (identifier) and links.parquet (identifier_a, identifier_b),
    or reuses those of an earlier call with the same arguments."""
    folder.mkdir(parents=True, exist_ok=True)
    identifiers, links, manifest = folder / "identifiers.parquet", folder / "links.parquet", folder / "graph.json"
    if manifest.exists():
        known = json.loads(manifest.read_text())
        if (known["persons"], known["seed"]) == (persons, seed):
            return Graph(identifiers, links, known["identifiers"], known["links"])
    rng = np.random.default_rng(seed)
    per_person, owner, kinds = identifier_structure(persons, rng)
    a, b, hubs = link_structure(per_person, owner, rng)
    kinds = np.concatenate([kinds, np.full(hubs, -1)])
    structure = pa.table({"index": np.arange(kinds.size, dtype=np.int64), "kind": kinds.astype(np.int8)})
    link_pairs = pa.table({"a": a, "b": b})
    with duckdb.connect() as con:
        con.register("structure", structure)
        con.register("link_pairs", link_pairs)
        con.execute(f"create temp table named as {IDENTIFIER_SQL}")
        con.execute(f"copy (select identifier from named order by hash(index)) to '{identifiers}' (format parquet)")
        con.execute(
            f"""copy (
                select ia.identifier as identifier_a, ib.identifier as identifier_b
                from link_pairs
                join named as ia on ia.index = link_pairs.a
                join named as ib on ib.index = link_pairs.b
                order by hash(link_pairs.a, link_pairs.b)
            ) to '{links}' (format parquet)"""
        )
        distinct = con.execute("select count(distinct identifier) from named").fetchone()[0]
    if distinct != kinds.size:
        raise SystemExit(f"generator bug: {kinds.size - distinct} duplicated identifier strings")
    counts = {"identifiers": int(kinds.size), "links": int(a.size)}
    manifest.write_text(json.dumps({"persons": persons, "seed": seed, **counts}))
    return Graph(identifiers, links, counts["identifiers"], counts["links"])


def generated_graph(folder: Path, persons: int, seed: int) -> Graph:
    """generate_graph, run in a child process so that this one stays small."""
    command = [
        sys.executable, str(Path(__file__).resolve()), "--generate-only",
        "--graph-dir", str(folder), "--persons", str(persons), "--seed", str(seed),
    ]
    subprocess.run(command, check=True)
    known = json.loads((folder / "graph.json").read_text())
    return Graph(folder / "identifiers.parquet", folder / "links.parquet", known["identifiers"], known["links"])


# nodes='listed': the identifiers are the node table and ride along, so the
# closure's own result is (node_id, component_id, identifier).
LISTED_CLOSURE_MODEL = """{{{{ config(materialized='connected_components', nodes='listed') }}}}
select {{{{ hash_bigint('identifier') }}}} as node_a, cast(null as bigint) as node_b, identifier
from {identifiers}
union all
select {{{{ hash_bigint('identifier_a') }}}}, {{{{ hash_bigint('identifier_b') }}}}, null
from {links}
"""

# nodes='all': (node_id, component_id) for every node, then a join back to the strings.
ALL_NODES_CLOSURE_MODEL = """{{{{ config(materialized='connected_components') }}}}
select {{{{ hash_bigint('identifier_a') }}}} as node_a, {{{{ hash_bigint('identifier_b') }}}} as node_b
from {links}
union all
select {{{{ hash_bigint('identifier') }}}}, null
from {identifiers}
"""

JOIN_BACK_MODEL = """{{{{ config(materialized='table') }}}}
select identifiers.identifier, closure.component_id
from {identifiers} as identifiers
inner join {{{{ ref('identity_closure') }}}} as closure
    on closure.node_id = {{{{ hash_bigint('identifiers.identifier') }}}}
"""


@dataclass(frozen=True)
class Measure:
    seconds: float
    cpu_seconds: float
    peak_rss_bytes: int
    detail: dict[str, float]
    rounds: tuple[tuple[int, int, int], ...] = ()  # (round, edges, nodes set aside)


def run_contender(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (bytes) of a child process and all it starts."""
    log = cwd / f"{Path(command[1]).stem}-{int(time.time() * 1000)}.log"
    measured = run_measured(command, cwd, log, {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
    return measured.seconds, measured.cpu_seconds, measured.peak_rss_bytes


def dbt_project(folder: Path, graph: Graph, memory_limit: str, nodes: str, engine: str) -> Path:
    """A throw-away dbt project using the repository's identity macros."""
    project = folder / "dbt_closure"
    (project / "models").mkdir(parents=True)
    (project / "macros").symlink_to(ROOT / "macros" / "identity", target_is_directory=True)
    (project / "dbt_project.yml").write_text(
        "name: closure_benchmark\nversion: '1.0'\nconfig-version: 2\nprofile: closure_benchmark\n"
        + ("models:\n  +file_format: parquet\n" if engine == "spark" else "")
    )
    if engine == "spark":
        warehouse = project / "spark"
        (project / "profiles.yml").write_text(
            "closure_benchmark:\n  target: dev\n  outputs:\n    dev:\n      type: spark\n      method: session\n"
            "      host: local\n      schema: closure\n      threads: 1\n      server_side_parameters:\n"
            "        spark.master: 'local[*]'\n        spark.driver.memory: '12g'\n"
            f"        spark.sql.warehouse.dir: '{warehouse}'\n"
            f"        spark.driver.extraJavaOptions: '-Dderby.system.home={warehouse}'\n"
            "        spark.sql.shuffle.partitions: '8'\n        spark.ui.enabled: 'false'\n"
        )
        paths = {"identifiers": f"parquet.`{graph.identifiers}`", "links": f"parquet.`{graph.links}`"}
    else:
        # temp_directory is a connect-time option: dbt-duckdb re-applies `settings`
        # on every new cursor, and DuckDB refuses to set it again once it spilled.
        (project / "profiles.yml").write_text(
            "closure_benchmark:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
            f"      path: '{project / 'closure.duckdb'}'\n      threads: 1\n"
            f"      config_options:\n        temp_directory: '{folder / 'spill'}'\n"
            f"      settings:\n        threads: 2\n        memory_limit: '{memory_limit}'\n"
            "        preserve_insertion_order: false\n"
        )
        paths = {"identifiers": f"read_parquet('{graph.identifiers}')", "links": f"read_parquet('{graph.links}')"}
    if nodes == "listed":
        (project / "models" / "identity_closure.sql").write_text(LISTED_CLOSURE_MODEL.format(**paths))
    else:
        (project / "models" / "identity_closure.sql").write_text(ALL_NODES_CLOSURE_MODEL.format(**paths))
        (project / "models" / "identifier_components.sql").write_text(JOIN_BACK_MODEL.format(**paths))
    return project


def measure_dbt(project: Path, engine: str) -> Measure:
    database = project / "closure.duckdb"
    database.unlink(missing_ok=True)
    shutil.rmtree(project / "spark", ignore_errors=True)
    dbt = Path(sys.executable).with_name("dbt")
    seconds, cpu, peak = run_contender(
        [str(dbt), "run", "--project-dir", str(project), "--profiles-dir", str(project)], cwd=project
    )
    results = json.loads((project / "target" / "run_results.json").read_text())["results"]
    detail = {result["unique_id"].split(".")[-1]: result["execution_time"] for result in results}
    detail["work"] = sum(detail.values())
    if engine == "spark":
        # The nightly build's own copier (pipeline/spark_tables.py), into one file to compare.
        copy_schema(project / "spark" / "closure.db", database, WarehouseSettings("2GB", 2, 1, str(project / "spill")))
    with duckdb.connect(str(database), read_only=True) as con:
        rounds = con.execute("select round, edges, set_aside_nodes from identity_closure__rounds order by round")
        return Measure(seconds, cpu, peak, detail, tuple(rounds.fetchall()))


def scipy_closure(graph: Graph, database: Path, memory_limit: str) -> dict[str, float]:
    """Strings -> dense ints (DuckDB) -> scipy components -> (identifier, component) table."""
    import pandas  # noqa: F401  (DuckDB imports it to scan Arrow: start-up, like dbt's imports, not work)
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    timings: dict[str, float] = {}
    started = time.perf_counter()
    with duckdb.connect(str(database)) as con:
        con.execute(f"set threads = 2; set memory_limit = '{memory_limit}'; set preserve_insertion_order = false")
        con.execute(
            "create temp table ids as select identifier, (row_number() over () - 1)::integer as i "
            f"from read_parquet('{graph.identifiers}')"
        )
        ends = con.execute(
            f"""select a.i as a, b.i as b from read_parquet('{graph.links}') as links
                join ids as a on a.identifier = links.identifier_a
                join ids as b on b.identifier = links.identifier_b"""
        ).fetchnumpy()
        nodes = con.execute("select count(*) from ids").fetchone()[0]
        timings["mapping"] = time.perf_counter() - started
        tick = time.perf_counter()
        matrix = csr_matrix((np.ones(ends["a"].size, dtype=np.int8), (ends["a"], ends["b"])), shape=(nodes, nodes))
        _, labels = connected_components(matrix, directed=False)
        timings["scipy"] = time.perf_counter() - tick
        tick = time.perf_counter()
        con.register("labels", pa.table({"i": np.arange(nodes, dtype=np.int32), "component": labels}))
        con.execute(
            "create table identifier_components as "
            "select ids.identifier, labels.component as component_id from ids join labels using (i)"
        )
        timings["writing"] = time.perf_counter() - tick
    timings["work"] = time.perf_counter() - started
    return timings


def measure_scipy(graph: Graph, folder: Path, memory_limit: str) -> Measure:
    database = folder / "scipy.duckdb"
    database.unlink(missing_ok=True)
    timings = folder / "scipy-timings.json"
    seconds, cpu, peak = run_contender(
        [
            sys.executable, str(Path(__file__).resolve()), "--scipy-contender",
            "--identifiers", str(graph.identifiers), "--links", str(graph.links),
            "--database", str(database), "--timings", str(timings), "--memory-limit", memory_limit,
        ],
        cwd=folder,
    )
    return Measure(seconds, cpu, peak, json.loads(timings.read_text()))


def compare_partitions(dbt_database: Path, scipy_database: Path, nodes: str, identifiers: int) -> int:
    """Components found by both, after checking that no two identifiers share a
    hash and that the partitions are identical."""
    ours = "identity_closure" if nodes == "listed" else "identifier_components"
    with duckdb.connect() as con:
        con.execute(f"attach '{dbt_database}' as dbt (read_only); attach '{scipy_database}' as scipy (read_only)")
        distinct_nodes = con.execute("select count(distinct node_id) from dbt.identity_closure").fetchone()[0]
        if distinct_nodes != identifiers:
            raise SystemExit(f"hash collision or lost node: {identifiers:,} identifiers, {distinct_nodes:,} node ids")
        rows, matched, ours_split, theirs_split, components = con.execute(
            f"""with pairs as (
                   select d.component_id as ours, s.component_id as theirs
                   from dbt.{ours} as d
                   full join scipy.identifier_components as s using (identifier)
               )
               select count(*), count(ours) filter (where theirs is not null),
                   (select count(*) from (select ours from pairs group by ours having count(distinct theirs) > 1)),
                   (select count(*) from (select theirs from pairs group by theirs having count(distinct ours) > 1)),
                   count(distinct ours)
               from pairs"""
        ).fetchone()
    if not (rows == matched == identifiers and ours_split == theirs_split == 0):
        raise SystemExit(
            f"partitions differ: {rows:,} rows, {matched:,} matched of {identifiers:,}, "
            f"{theirs_split:,} scipy components split by dbt, {ours_split:,} dbt components split by scipy"
        )
    return components


def report(persons: int, graph: Graph, nodes: str, components: int, dbt: Measure, scipy: Measure) -> str:
    models = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in dbt.detail.items() if name != "work")
    per_round = ", ".join(f"{edges:,}" for _, edges, _ in dbt.rounds)
    return "\n".join(
        [
            f"{persons:,} persons: {graph.identifier_count:,} identifiers, {graph.link_count:,} links, "
            f"{components:,} components; partitions identical, no hash collision; nodes='{nodes}'",
            "",
            "| contender | wall s | work s | CPU s | peak RSS | detail |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
            f"| dbt `connected_components` | {dbt.seconds:.1f} | {dbt.detail['work']:.1f} | {dbt.cpu_seconds:.1f} | "
            f"{gib(dbt.peak_rss_bytes)} | {len(dbt.rounds)} rounds; {models} |",
            f"| DuckDB mapping + scipy | {scipy.seconds:.1f} | {scipy.detail['work']:.1f} | {scipy.cpu_seconds:.1f} | "
            f"{gib(scipy.peak_rss_bytes)} | mapping {scipy.detail['mapping']:.1f} s, "
            f"scipy {scipy.detail['scipy']:.1f} s, writing {scipy.detail['writing']:.1f} s |",
            "",
            f"ratio dbt / scipy: {dbt.seconds / scipy.seconds:.2f} wall (dbt's start-up included), "
            f"{dbt.detail['work'] / scipy.detail['work']:.2f} work, {dbt.cpu_seconds / scipy.cpu_seconds:.2f} CPU",
            f"edges entering each round: {per_round}",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--graph-dir", type=Path, help="keep (or reuse) the generated graph here")
    parser.add_argument("--nodes", choices=["listed", "all"], default="listed", help="the materialization's config")
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB memory_limit of both contenders")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb", help="where dbt runs the closure")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each contender, alternating; fastest kept")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (dbt logs, databases)")
    parser.add_argument("--scipy-contender", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--identifiers", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--links", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--timings", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        generate_graph(args.graph_dir, args.persons, args.seed)
        return
    if args.scipy_contender:
        graph = Graph(args.identifiers, args.links, 0, 0)
        args.timings.write_text(json.dumps(scipy_closure(graph, args.database, args.memory_limit)))
        return

    work = Path(tempfile.mkdtemp(prefix="oneid-closure-bench-"))
    try:
        started = time.perf_counter()
        graph = generated_graph(args.graph_dir or work / "graph", args.persons, args.seed)
        print(f"graph ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        project = dbt_project(work, graph, args.memory_limit, args.nodes, args.engine)
        load_before = os.getloadavg()[0]
        runs = [(measure_dbt(project, args.engine), measure_scipy(graph, work, args.memory_limit)) for _ in range(args.repeat)]
        load_after = os.getloadavg()[0]
        components = compare_partitions(
            project / "closure.duckdb", work / "scipy.duckdb", args.nodes, graph.identifier_count
        )
        dbt = min((run[0] for run in runs), key=lambda measure: measure.seconds)
        scipy = min((run[1] for run in runs), key=lambda measure: measure.seconds)
        print(f"{date.today()}, {platform.node()}: {os.cpu_count()} cores, dbt on {args.engine}, DuckDB {duckdb.__version__}, "
              f"memory_limit {args.memory_limit}, best of {args.repeat}, "
              f"load average {load_before:.1f} before, {load_after:.1f} after")
        print(report(args.persons, graph, args.nodes, components, dbt, scipy))
    finally:
        if args.keep:
            print(f"work folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
