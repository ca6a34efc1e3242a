"""The identity graph, from staged identifiers to map_identifier_oneid.

One dbt build of a hand-made lake (on a copy of the project, so that the
overrides seed and the size cap can be set for the test) holds one small
story per rule: normalization and namespaces, junk, a store tablet (hub), a
shared family device and a mis-addressed Tmall order (one per person), a
chain above the size cap, and must-link / cannot-link overrides. Each test
reads the built stores. A second, tiny build proves contradictory overrides
fail the run. Finally the published demo home (one `oneid run`, shared with
the nightly tests) is scored against the generator's truth.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import networkx as nx
import polars as pl
import pytest

from pipeline.home import Home
from pipeline.identity.explain import explain
from tests.test_dbt_staging import BUSINESS_DATE, delivery, fresh_home, land, utc

PROJECT = Path(__file__).resolve().parents[2]
HASH_KEY = "identity-graph-test-key"
MAX_SIZE = 8  # the size cap of the hand-made build, small enough for a short chain
IDENTITY_SELECTION = (
    "--select",
    "+identity_quarantine",
    "+oneid_changes",
    # Only tests whose every parent is selected: other domains' tests reach into identity too.
    "--indirect-selection",
    "cautious",
    # Staging's own tests are test_dbt_staging's business; the lake here is minimal.
    "--exclude",
    "path:models/staging,resource_type:test",
)
MODHEX = str.maketrans("0123456789abcdef", "cbdefghijklnrtuv")
PHONE_OR_EMAIL = r"(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)|[^@\s]+@[^@\s]+\.[a-z]{2,}"


# ---------------------------------------------------------------- building


@dataclass(frozen=True)
class Build:
    work: Path
    return_code: int
    output: str
    results: list[dict[str, Any]]

    def statuses(self) -> dict[str, str]:
        return {r["unique_id"].split(".")[2]: r["status"] for r in self.results}

    def restricted(self, sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.work / "restricted.duckdb"), read_only=True) as con:
            return con.sql(sql).fetchall()

    def warehouse(self, sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.work / "warehouse.duckdb"), read_only=True) as con:
            return con.sql(sql).fetchall()

    def oneid_of(self, identifier_key: str) -> str | None:
        hashed = keyed_hash(identifier_key)
        rows = self.warehouse(f"select oneid from map_identifier_oneid where identifier_hash = '{hashed}'")
        return rows[0][0] if rows else None

    def quarantined(self, columns: str, where: str) -> list[tuple[Any, ...]]:
        return self.warehouse(f"select {columns} from identity_quarantine where {where}")

    def identifier(self, columns: str, identifier_key: str) -> tuple[Any, ...]:
        (row,) = self.restricted(
            f"select {columns} from int_identifiers where identifier_key = '{identifier_key}'"
        )
        return row


def keyed_hash(identifier_key: str, key: str = HASH_KEY) -> str:
    return hashlib.sha256(f"{key}|{identifier_key}".encode()).hexdigest().translate(MODHEX)


def project_copy(root: Path, overrides: list[tuple[str, str, str]]) -> Path:
    """The dbt project with its own identity_overrides seed."""
    project = root / "project"
    for name in ("dbt_project.yml", "profiles.yml"):
        project.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT / name, project / name)
    for folder in ("models", "macros", "seeds", "tests/dbt"):
        shutil.copytree(PROJECT / folder, project / folder)
    rows = ["rule,identifier_key_a,identifier_key_b,note"]
    rows += [f"{rule},{key_a},{key_b},test" for rule, key_a, key_b in overrides]
    (project / "seeds" / "identity" / "identity_overrides.csv").write_text("\n".join(rows) + "\n")
    return project


def build(home: Home, project: Path, work: Path, *args: str, variables: dict[str, Any]) -> Build:
    env = {
        **os.environ,
        "ONEID_HOME": str(home.root),
        "ONEID_WAREHOUSE_PATH": str(work / "warehouse.duckdb"),
        "ONEID_RESTRICTED_PATH": str(work / "restricted.duckdb"),
        "ONEID_DUCKDB_TEMP_DIR": str(work / "duckdb_tmp"),
        "ONEID_DUCKDB_MEMORY_LIMIT": "2GB",
        "ONEID_HASH_KEY": HASH_KEY,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        sys.executable, "-m", "dbt.cli.main", "--no-use-colors", "build", *args,
        "--vars", json.dumps({"business_date": BUSINESS_DATE, **variables}),
        "--project-dir", str(project), "--profiles-dir", str(project),
        "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
    ]  # fmt: skip
    # The working directory keeps the `pipeline` package (the profile's plugin) importable.
    done = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600)
    results_file = work / "target" / "run_results.json"
    results = json.loads(results_file.read_text())["results"] if results_file.exists() else []
    return Build(work, done.returncode, done.stdout + done.stderr, results)


# ------------------------------------------------------------ the stories

# Keys as int_identifiers spells them.
ALICE_PHONE = "phone:global:13900001111"
ALICE_EMAIL = "email:global:alice@example.com"
ALICE_MEMBER = "crm_member_id:lingfeng:M-A"
ALICE_USER = "app_user_id:app:U-A"
ALICE_OUID = "tmall_ouid:lingfeng:ouid-A"
ALICE_OUID_OTHER_SHOP = "tmall_ouid:xingye:ouid-A2"
NEIGHBOUR_OUID = "tmall_ouid:lingfeng:ouid-N"
TABLET = "oaid:device:7f3a9c00-0000-4000-8000-00000000ab01"
FAMILY_DEVICE = "oaid:device:5b1cc999-2394-4699-901c-a36e536f7b38"
CHAIN_PHONES = [f"139555500{n:02d}" for n in range(1, 7)]
MUST_A, MUST_B = "email:global:mei@example.com", "phone:global:13922223333"
MUST_USERS = ("app_user_id:app:U-M1", "app_user_id:app:U-M2")
CANNOT_MEMBER, CANNOT_USER = "crm_member_id:beian:M-C", "app_user_id:app:U-C"
UNKNOWN_KEY = "phone:global:13999999998"

OVERRIDES = [
    ("must_link", MUST_A, MUST_B),
    ("must_link", *MUST_USERS),
    ("cannot_link", CANNOT_MEMBER, CANNOT_USER),
    ("must_link", UNKNOWN_KEY, ALICE_PHONE),
]


def eshop(order_id: str, user_id: str, phone: str, day: int) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "line_no": 1,
        "user_id": user_id,
        "phone": phone,
        "order_status": "paid",
        "created_at": utc(day, 3),
    }


def app_event(event_id: str, user_id: str | None, oaid: str, day: int, hour: int) -> dict[str, Any]:
    return {"event_id": event_id, "user_id": user_id, "device_oaid": oaid, "event_at": utc(day, hour)}


def crm(member_id: str, brand: str, phone: str | None, email: str | None = None) -> dict[str, Any]:
    return {"member_id": member_id, "brand": brand, "phone": phone, "email": email}


def pos(receipt: str, member_id: str, phone: str, day: int) -> dict[str, Any]:
    return {
        "brand": "凌风",
        "receipt_no": receipt,
        "member_id": member_id,
        "phone": phone,
        "sku": "SKU-1",
        "quantity": 1,
        "amount": Decimal("10.00"),
        "sold_at": utc(day, 5),
    }


def tmall_order(sub_order: str, order: str, ouid: str, shop: str, phone: str | None) -> dict[str, Any]:
    return {
        "sub_order_id": sub_order,
        "order_id": order,
        "buyer_ouid": ouid,
        "shop_name": shop,
        "contact_phone": phone,
    }


def hand_made_lake() -> list[Any]:
    tablet, family = TABLET.split(":")[2], FAMILY_DEVICE.split(":")[2]
    chain_members = [f"L-{n}" for n in range(1, 7)]
    # The chain: member n -(crm)- phone n -(two receipts)- member n+1, except one
    # single, old receipt between phone 3 and member 4: the weakest link.
    chain_receipts = []
    for n in range(5):
        days = (1,) if n == 2 else (3, 4)
        chain_receipts += [pos(f"C{n}-{d}", chain_members[n + 1], CHAIN_PHONES[n], d) for d in days]
    return [
        # Alice: formats, masks and namespaces that must still meet in one OneID.
        delivery("crm_members", "members.csv", 2, [
            crm("M-A", "lingfeng", "+86 139 0000 1111", " Alice@Example.COM "),
            crm("M-J1", "lingfeng", "13800138000", "test@test.com"),
            crm("M-J2", "lingfeng", "13800138000", "test@test.com"),
            crm("M-X", "lingfeng", "1.39123E+10"),
            *[crm(member, "lingfeng", phone) for member, phone in zip(chain_members, CHAIN_PHONES)],
            crm("M-F1", "beian", None, "mei@example.com"),
            crm("M-C", "beian", "13933334444"),
        ]),
        delivery("eshop_orders", "orders.csv", 2, [
            {**eshop("E-A1", "U-A", "139-0000-1111", 2), "line_no": 1},
            {**eshop("E-A1", "U-A", "139-0000-1111", 2), "line_no": 2},
            eshop("E-J", "null", "13911110000", 2),
            *[eshop(f"E-H{n}", f"U-H{n}", f"1391234{n:04d}", 2) for n in range(1, 8)],
            eshop("E-F1", "U-F1", "13966660001", 2),
            eshop("E-F2", "U-F2", "13966660002", 2),
            eshop("E-M", "U-M", "13922223333", 2),
            eshop("E-C1", "U-C", "13933334444", 3),
            eshop("E-C2", "U-C", "13933334444", 4),
        ]),
        delivery("tmall_orders", "report.csv", 3, [
            tmall_order("T-A1", "O-A1", "ouid-A", "凌风官方旗舰店", "139****1111"),
            tmall_order("T-A2", "O-A2", "ouid-A", "凌风官方旗舰店", "13900001111"),
            tmall_order("T-A3", "O-A3", "ouid-A", "凌风官方旗舰店", "13900001111"),
            tmall_order("T-A4", "O-A4", "ouid-A2", "星野数码官方旗舰店", "13900001111"),
            # A neighbour's order shipped to Alice's phone: a second OUID of the same shop.
            tmall_order("T-N1", "O-N1", "ouid-N", "凌风官方旗舰店", "13900001111"),
        ]),
        delivery("tmall_members", "members.csv", 3, [{"ouid": "ouid-A", "brand": "lingfeng"}]),
        delivery("app_events", "events.jsonl", 3, [
            # Seven shoppers log into the store tablet: a hub.
            *[app_event(f"EV-H{n}", f"U-H{n}", tablet, 3, 1 + n) for n in range(1, 8)],
            # A family device: U-F1 uses it five times, U-F2 twice.
            *[app_event(f"EV-F1-{n}", "U-F1", family, 3, 10 + n) for n in range(5)],
            *[app_event(f"EV-F2-{n}", "U-F2", family, 4, 10 + n) for n in range(2)],
            app_event("EV-Z", "U-A", "00000000-0000-0000-0000-000000000000", 3, 20),
            app_event("EV-M1", "U-M1", "1a2b3c4d5e6f7081", 3, 21),
            app_event("EV-M2", "U-M2", "1a2b3c4d5e6f7082", 3, 22),
        ]),
        delivery("pos_sales", "pos.csv", 4, [pos("R-A", "M-A", "", 4), *chain_receipts]),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("identity_graph")
    home = fresh_home(root)
    for lake_file in hand_made_lake():
        land(home, lake_file)
    project = project_copy(root, OVERRIDES)
    variables = {"identity_max_oneid_size": MAX_SIZE}
    result = build(home, project, root / "dbt", *IDENTITY_SELECTION, variables=variables)
    assert result.return_code == 0, result.output[-4000:]
    return result


# ------------------------------------------------------------------ tests


def test_every_identity_model_and_test_passes(graph: Build) -> None:
    statuses = graph.statuses()
    for model in ("int_identity_components", "map_identifier_oneid", "identity_quarantine", "oneid_changes"):
        assert statuses[model] == "success"
    promises = {
        "identity_maps_every_identifier_once_map_identifier_oneid_",
        "identity_overrides_hold_map_identifier_oneid_",
        "identity_one_per_person_holds_int_identity_components_",
        "identity_oneid_size_within_cap_map_identifier_oneid_oneid",
        "identity_overrides_are_consistent_int_identity_overrides_",
        "unique_int_identifiers_node_id",
        "identity_oneid_is_one_component_int_oneid_assignments_",
        "identity_new_oneids_are_new_int_oneid_assignments_",
    }
    assert {name: statuses.get(name) for name in promises} == dict.fromkeys(promises, "pass")
    failing = {name: s for name, s in statuses.items() if s not in {"success", "pass"}}
    assert failing == {}


def test_normalized_spellings_and_brand_namespaces_meet_in_one_oneid(graph: Build) -> None:
    alice = graph.oneid_of(ALICE_PHONE)
    assert alice is not None
    for key in (ALICE_EMAIL, ALICE_MEMBER, ALICE_USER, ALICE_OUID, ALICE_OUID_OTHER_SHOP):
        assert graph.oneid_of(key) == alice, key
    # POS `品牌` 凌风 and CRM brand `lingfeng` name one namespace: one member id, seen by both.
    assert graph.identifier("sources", ALICE_MEMBER) == ("crm_members,pos_sales",)
    # The order's two lines are one record.
    (links,) = graph.restricted(
        "select record_count from int_identity_links "
        f"where '{ALICE_USER}' in (identifier_key_a, identifier_key_b) "
        f"and '{ALICE_PHONE}' in (identifier_key_a, identifier_key_b)"
    )
    assert links == (1,)


def test_identifiers_carry_the_hashes_ad_platforms_send(graph: Build) -> None:
    phone = b"13900001111"
    expected = (hashlib.md5(phone).hexdigest(), hashlib.sha256(phone).hexdigest())
    assert graph.identifier("md5_hex, sha256_hex", ALICE_PHONE) == expected
    oaid = FAMILY_DEVICE.split(":")[2].encode()
    assert graph.identifier("md5_hex", FAMILY_DEVICE) == (hashlib.md5(oaid).hexdigest(),)


def test_junk_is_never_an_identifier_and_is_counted_by_reason(graph: Build) -> None:
    keys = {k for (k,) in graph.restricted("select identifier_key from int_identifiers")}
    assert not keys & {"phone:global:13800138000", "email:global:test@test.com", "app_user_id:app:null"}
    assert graph.oneid_of("crm_member_id:lingfeng:M-J1") != graph.oneid_of("crm_member_id:lingfeng:M-J2")
    rejected = graph.quarantined(
        "source_name, id_type, reason, record_count, examples", "quarantine_kind = 'rejected_value'"
    )
    counted = {(source, id_type, reason): tuple(rest) for source, id_type, reason, *rest in rejected}
    assert counted[("crm_members", "phone", "blocklisted")] == (2, "138****8000")
    assert counted[("crm_members", "email", "blocklisted")][0] == 2
    assert counted[("crm_members", "phone", "scientific_notation")] == (1, "1.3****E+10")
    assert counted[("tmall_orders", "phone", "masked")] == (1, "139****1111")
    assert counted[("eshop_orders", "app_user_id", "blocklisted")] == (1, "null")
    assert counted[("app_events", "oaid", "all_zero")] == (1, "000****0000")


def test_a_store_tablet_is_cut_out_as_a_hub(graph: Build) -> None:
    (hub,) = graph.quarantined("identifier_hash, oneid, other_id_type, detail", "quarantine_kind = 'hub'")
    assert hub[0] == keyed_hash(TABLET) and hub[1] is None and hub[2] == "app_user_id"
    assert hub[3].startswith("linked to 7 identifiers of type app_user_id")
    assert graph.oneid_of(TABLET) is None
    shoppers = {graph.oneid_of(f"app_user_id:app:U-H{n}") for n in range(1, 8)}
    assert len(shoppers) == 7 and None not in shoppers


def test_one_per_person_cuts_the_weakest_link_between_two_of_a_kind(graph: Build) -> None:
    # The family device stays with its main user (five events against two).
    assert graph.oneid_of(FAMILY_DEVICE) == graph.oneid_of("app_user_id:app:U-F1")
    assert graph.oneid_of("app_user_id:app:U-F2") != graph.oneid_of("app_user_id:app:U-F1")
    # The neighbour's OUID loses its single order to Alice's phone; Alice's OUIDs of two shops stay.
    assert graph.oneid_of(NEIGHBOUR_OUID) != graph.oneid_of(ALICE_PHONE)
    cuts = graph.quarantined(
        "identifier_hash, other_identifier_hash, record_count, detail", "reason = 'one_per_person'"
    )
    pairs = {frozenset((a, b)): (records, detail) for a, b, records, detail in cuts}
    family = pairs[frozenset((keyed_hash(FAMILY_DEVICE), keyed_hash("app_user_id:app:U-F2")))]
    assert family[0] == 2 and "app_user_id" in family[1]
    neighbour = pairs[frozenset((keyed_hash(NEIGHBOUR_OUID), keyed_hash(ALICE_PHONE)))]
    assert neighbour[0] == 1 and "tmall_ouid identifiers of namespace lingfeng" in neighbour[1]
    assert len(pairs) == 2


def test_the_size_cap_drops_the_weakest_link_of_a_long_chain(graph: Build) -> None:
    oneids = [graph.oneid_of(f"phone:global:{phone}") for phone in CHAIN_PHONES]
    assert len(set(oneids[:3])) == 1 and len(set(oneids[3:])) == 1 and oneids[0] != oneids[3]
    (cut,) = graph.quarantined("identifier_hash, other_identifier_hash", "reason = 'max_size'")
    weakest = (f"phone:global:{CHAIN_PHONES[2]}", "crm_member_id:lingfeng:L-4")
    assert set(cut) == {keyed_hash(key) for key in weakest}
    sizes = graph.warehouse("select max(oneid_identifiers), count(*) from map_identifier_oneid")
    assert sizes[0][0] <= MAX_SIZE


def test_overrides_apply_to_all_history(graph: Build) -> None:
    assert graph.oneid_of(MUST_A) == graph.oneid_of(MUST_B) is not None
    # A must-link beats one-per-person: two App accounts an operator says are one person.
    assert graph.oneid_of(MUST_USERS[0]) == graph.oneid_of(MUST_USERS[1]) is not None
    # A cannot-link cuts the weakest link between the two: the single CRM record.
    assert graph.oneid_of(CANNOT_MEMBER) != graph.oneid_of(CANNOT_USER)
    assert graph.oneid_of("phone:global:13933334444") == graph.oneid_of(CANNOT_USER)
    (cut,) = graph.quarantined("identifier_masked, other_identifier_masked", "reason = 'cannot_link'")
    assert set(cut) == {"M***", "139****4444"}
    (ignored,) = graph.quarantined(
        "identifier_hash, other_identifier_hash", "quarantine_kind = 'override_not_applied'"
    )
    assert ignored == (keyed_hash(UNKNOWN_KEY), keyed_hash(ALICE_PHONE))


def test_node_ids_never_collide(graph: Build) -> None:
    (row,) = graph.restricted("select count(*), count(distinct node_id) from int_identifiers")
    assert row[0] == row[1] > 40


def test_the_analyst_warehouse_shows_identifiers_only_masked_and_hashed(graph: Build) -> None:
    columns = graph.warehouse(
        "select table_name, column_name from information_schema.columns "
        "where table_name in ('map_identifier_oneid', 'identity_quarantine') and data_type = 'VARCHAR'"
    )
    assert len(columns) > 15
    for table, column in columns:
        leaks = f"select count(*) from {table} where regexp_matches({column}, '{PHONE_OR_EMAIL}')"
        assert graph.warehouse(leaks) == [(0,)], f"{table}.{column}"
    hashes = ", ".join(f"'{keyed_hash(key)}'" for key in (ALICE_PHONE, ALICE_EMAIL, FAMILY_DEVICE))
    masked = dict(
        graph.warehouse(
            f"select id_type, identifier_masked from map_identifier_oneid where identifier_hash in ({hashes})"
        )
    )
    assert masked == {"phone": "139****1111", "email": "a***@example.***", "oaid": "5b1c****7b38"}
    oneids = graph.warehouse("select distinct oneid from map_identifier_oneid")
    assert all(re.fullmatch("OID[B-V]{20}", oneid) for (oneid,) in oneids)


# ------------------------------------------------ oneid explain on the stories


@pytest.fixture(scope="module")
def graph_home(graph: Build, tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A home whose restricted store is the hand-made build's."""
    home = Home(tmp_path_factory.mktemp("graph_home"))
    home.restricted_dir.mkdir(parents=True)
    home.restricted.symlink_to(graph.work / "restricted.duckdb")
    return home


def test_explain_says_why_a_hub_has_no_oneid(graph_home: Home) -> None:
    explained = explain(graph_home, TABLET.split(":")[2])
    assert explained.oneid is None
    (refusal,) = explained.refusals
    assert refusal.kind == "hub" and refusal.masked == "7f3a****ab01"
    assert refusal.detail.startswith("linked to 7 identifiers of type app_user_id")
    shopper = explain(graph_home, "app_user_id:app:U-H1")
    assert [(cut.reason, cut.outside.identifier_key) for cut in shopper.cut_links] == [("hub", TABLET)]


def test_explain_chains_across_a_cut_link_and_says_why(graph_home: Home) -> None:
    user = "app_user_id:app:U-F2"
    explained = explain(graph_home, FAMILY_DEVICE, between=(FAMILY_DEVICE, user))
    (chain,) = explained.chains
    (link,) = chain.links
    assert link.cut_reason == "one_per_person" and "app_user_id of namespace app" in link.cut_detail
    assert link.record_count == 2 and [r.record_key for r in link.records] == ["EV-F2-0", "EV-F2-1"]
    assert all(r.file_path and r.file_line for r in link.records)
    assert any(cut.outside.identifier_key == user and cut.reason == "one_per_person" for cut in explained.cut_links)
    # The size cap: the chain of phones and members runs over the one link it dropped.
    first, last = (f"phone:global:{phone}" for phone in (CHAIN_PHONES[0], CHAIN_PHONES[5]))
    (capped,) = explain(graph_home, first, between=(first, last)).chains
    assert [link.cut_reason for link in capped.links if link.cut_reason] == ["max_size"]


def test_explain_shows_must_links_and_rejected_values(graph_home: Home) -> None:
    (chain,) = explain(graph_home, MUST_A, between=(MUST_A, MUST_B)).chains
    assert chain.is_intact and [link.is_must_link for link in chain.links] == [True]
    for typed, reason in (("1.39123E+10", "scientific_notation"), ("13800138000", "blocklisted")):
        explained = explain(graph_home, typed)
        assert explained.oneid is None
        assert {(r.kind, r.reason) for r in explained.refusals} == {("rejected_value", reason)}
        assert all(r.records for r in explained.refusals)


# ------------------------------------------------------- a test that fails


def test_contradictory_overrides_fail_the_build(tmp_path: Path) -> None:
    home = fresh_home(tmp_path)
    member = crm("M-1", "lingfeng", "13900002222", "x@example.com")
    land(home, delivery("crm_members", "members.csv", 1, [member]))
    overrides = [
        ("must_link", "phone:global:13900002222", "email:global:x@example.com"),
        ("cannot_link", "email:global:x@example.com", "phone:global:13900002222"),
    ]
    result = build(
        home,
        project_copy(tmp_path, overrides),
        tmp_path / "dbt",
        "--select",
        "+int_identity_must_link_units",
        "--exclude",
        "path:models/staging,resource_type:test",
        variables={},
    )
    assert result.return_code != 0
    assert result.statuses()["identity_overrides_are_consistent_int_identity_overrides_"] == "fail"


# ------------------------------------------------- accuracy on the demo home


def pairwise(frame: pl.DataFrame, cluster: str) -> tuple[float, float]:
    """Pairwise precision and recall of `cluster` against the true `person_id`."""

    def pairs(*keys: str) -> int:
        sizes = frame.group_by(*keys).len()["len"]
        return int((sizes * (sizes - 1) // 2).sum())

    both, predicted, true = pairs(cluster, "person_id"), pairs(cluster), pairs("person_id")
    return both / predicted, both / true


def test_accuracy_on_the_demo_home(published_home: Home) -> None:
    """Identifiers owned by exactly one true person, scored in pairs; the
    unguarded graph (every link, hubs included) is the yardstick."""
    truth = pl.read_parquet(published_home.root / "truth" / "identifiers.parquet")
    owners = (
        truth.with_columns(identifier_key=pl.concat_str("id_type", "namespace", "value", separator=":"))
        .group_by("identifier_key")
        .agg(pl.col("person_id").n_unique().alias("owners"), pl.col("person_id").first())
        .filter(pl.col("owners") == 1)
    )
    with duckdb.connect(str(published_home.restricted), read_only=True) as con:
        guarded = con.sql("select identifier_key, component_id from int_identity_components").pl()
        identifiers = [k for (k,) in con.sql("select identifier_key from int_identifiers").fetchall()]
        links = con.sql("select identifier_key_a, identifier_key_b from int_identity_links").fetchall()
    raw_graph = nx.Graph(links)
    raw_graph.add_nodes_from(identifiers)
    components = enumerate(nx.connected_components(raw_graph))
    unguarded = pl.DataFrame(
        [(key, n) for n, component in components for key in component],
        schema={"identifier_key": pl.String, "raw_component": pl.Int64},
        orient="row",
    )
    scored = owners.join(guarded, on="identifier_key").join(unguarded, on="identifier_key")
    assert scored.height > 0.9 * guarded.join(owners, on="identifier_key", how="semi").height
    precision, recall = pairwise(scored, "component_id")
    raw_precision, raw_recall = pairwise(scored, "raw_component")
    print(
        f"\npairwise precision {precision:.4f} recall {recall:.4f} over {scored.height} identifiers; "
        f"unguarded graph: precision {raw_precision:.4f} recall {raw_recall:.4f}"
    )
    assert precision >= 0.98
    assert precision >= raw_precision
    assert recall >= 0.98 * raw_recall
