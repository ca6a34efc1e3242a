"""The dbt staging layer: sources, the 14 staging models, their deduplication.

The project is built with `dbt build` once per scenario (module-scoped
fixtures): on an empty lake (only the `schema.parquet` files) and on a
hand-made lake whose Parquet files are written exactly as the loaders write
them (`lake_schema()` plus lineage), holding every kind of duplicate. The
assertions then read the built warehouse.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
import yaml

from pipeline.home import Home
from pipeline.ingest.lake_layout import (
    FILE_REGISTRY_SCHEMA,
    landed_file_name,
    partition_dir,
    write_schema_files,
)
from pipeline.ingest.sources import QUARANTINE_SCHEMA, SOURCES, Kind, get_source, lake_schema
from pipeline.state import STATE_TABLES

PROJECT = Path(__file__).resolve().parent.parent
STAGING = PROJECT / "models" / "staging"
BUSINESS_DATE = "2026-11-05"
UTC = timezone.utc

# ---------------------------------------------------------------- running dbt


@dataclass(frozen=True)
class Build:
    home: Home
    warehouse: Path
    return_code: int
    output: str
    results: list[dict[str, Any]]

    def statuses(self) -> dict[str, str]:
        return {r["unique_id"]: r["status"] for r in self.results}

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Staging lives in the restricted store, which is where these queries look."""
        with duckdb.connect(str(self.warehouse.with_name("restricted.duckdb")), read_only=True) as con:
            return con.sql(sql).fetchall()


def run_dbt(args: list[str], home: Home, work: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ONEID_HOME": str(home.root),
        "ONEID_WAREHOUSE_PATH": str(work / "warehouse.duckdb"),
        "ONEID_RESTRICTED_PATH": str(work / "restricted.duckdb"),
        "ONEID_DUCKDB_TEMP_DIR": str(work / "duckdb_tmp"),
        "ONEID_DUCKDB_MEMORY_LIMIT": "2GB",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        sys.executable,
        "-m",
        "dbt.cli.main",
        "--no-use-colors",
        *args,
        "--project-dir",
        str(PROJECT),
        "--profiles-dir",
        str(PROJECT),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    return subprocess.run(
        command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600
    )


# Staging and the singular tests of its macros: other layers are their owners' tests.
STAGING_SELECTION = (
    "--select",
    "staging",
    "assert_macros_compute_as_documented",
    "--indirect-selection",
    "cautious",
)


def build(home: Home, work: Path, *extra: str) -> Build:
    done = run_dbt(["build", *extra], home, work)
    results_file = work / "target" / "run_results.json"
    results = json.loads(results_file.read_text())["results"] if results_file.exists() else []
    output = done.stdout + done.stderr
    return Build(home, work / "warehouse.duckdb", done.returncode, output, results)


# --------------------------------------------------------- writing the lake


def utc(day: int, hour: int = 2, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class LakeFile:
    """One delivered file as the loaders land it."""

    source: str
    name: str
    delivered: date
    loaded_at: datetime
    rows: tuple[dict[str, Any], ...]

    @property
    def file_path(self) -> str:
        return f"{self.source}/{self.delivered.isoformat()}/{self.name}"


def land(home: Home, lake_file: LakeFile) -> None:
    source = get_source(lake_file.source)
    schema = lake_schema(source)
    sha = hashlib.sha256(lake_file.file_path.encode()).hexdigest()
    load_id = f"load-{lake_file.loaded_at:%Y%m%dT%H%M%S}"
    records = []
    for line, row in enumerate(lake_file.rows, start=2):  # line 1 is the header
        unknown = set(row) - set(schema)
        assert not unknown, f"{source.name} has no columns {unknown}"
        records.append(
            {
                **{name: row.get(name) for name in schema if not name.startswith("_")},
                "_file_path": lake_file.file_path,
                "_file_line": line,
                "_file_sha256": sha,
                "_load_id": load_id,
                "_delivery_date": lake_file.delivered,
                "_load_date": lake_file.loaded_at.date(),
                "_loaded_at": lake_file.loaded_at,
            }
        )
    folder = partition_dir(home.raw, source.name, lake_file.loaded_at.date())
    folder.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(records, schema=schema, orient="row").write_parquet(
        folder / landed_file_name(load_id, sha)
    )


def delivery(
    source: str, name: str, day: int, rows: list[dict[str, Any]], *, loaded_day: int | None = None
) -> LakeFile:
    base = BASE_ROWS[source]
    return LakeFile(
        source=source,
        name=name,
        delivered=date(2026, 11, day),
        loaded_at=utc(loaded_day or day),
        rows=tuple({**base, **row} for row in rows),
    )


BASE_ROWS: dict[str, dict[str, Any]] = {
    "tmall_orders": {
        "order_id": "2026110100001",
        "buyer_ouid": "AAF3kdPq",
        "shop_name": "海尔官方旗舰店",
        "sku": "SKU-AC-1",
        "quantity": 1,
        "paid_amount": Decimal("2999.00"),
        "order_status": "交易成功",
        "created_at": utc(1, 1),
    },
    "tmall_members": {"ouid": "AAF3kdPq", "brand": "haier", "level": "V2", "points": 120},
    "jd_orders": {
        "order_id": "3100000001",
        "jd_pin": "jd_user_1",
        "shop_name": "海尔京东自营",
        "sku": "SKU-AC-1",
        "quantity": 1,
        "payable_amount": Decimal("2899.00"),
        "ordered_at": utc(1, 3),
    },
    "wechat_miniapp_users": {
        "appid": "wx01",
        "openid": "o-1",
        "brand": "haier",
        "created_at": utc(1, 4),
    },
    "wechat_oa_followers": {"appid": "wx02", "openid": "o-9", "brand": "haier"},
    "app_events": {"event_at": utc(1, 5), "brand": "haier", "event_name": "app_open"},
    "eshop_orders": {
        "order_id": "E-1",
        "brand": "haier",
        "sku": "SKU-AC-1",
        "quantity": 1,
        "paid_amount": Decimal("3099.00"),
        "created_at": utc(1, 6),
    },
    "pos_sales": {"store_code": "S001", "brand": "casarte", "sold_at": utc(1, 7)},
    "crm_members": {"member_id": "M-1", "brand": "haier"},
    "ad_backflow": {
        "platform": "tencent",
        "ad_campaign_id": "C-1",
        "event_name": "click",
        "event_at": utc(1, 8),
        "id_type": "oaid_md5",
    },
    "consents": {"channel": "sms", "id_type": "phone", "id_value": "13812345678"},
    "campaign_touches": {
        "campaign_id": "CP-1",
        "channel": "sms",
        "id_type": "phone",
        "id_value": "13812345678",
        "sent_at": utc(1, 9),
    },
    "products": {"brand": "haier", "category_l1": "家电"},
    "guide_tags": {
        "brand": "qingdai",
        "guide_id": "G-1",
        "id_type": "member_id",
        "id_value": "M-1",
        "tag_code": "skin_type",
        "action": "set",
        "tagged_at": utc(1, 10),
    },
}

DIGEST = "0cc175b9c0f1b6a831c399e269772661"

LAKE: tuple[LakeFile, ...] = (
    # latest: a later delivery wins; a late delivery of an older date loses to a
    # newer date but beats its own date's earlier load; the last line of a file wins.
    delivery(
        "tmall_orders",
        "report_a.csv",
        1,
        [
            {"sub_order_id": "S1", "order_status": "等待买家付款"},
            {"sub_order_id": "S2", "order_status": "交易成功", "paid_at": utc(1, 1, 5)},
        ],
    ),
    delivery(
        "tmall_orders",
        "report_b.csv",
        2,
        [
            {"sub_order_id": "S1", "order_status": "交易成功", "paid_at": utc(1, 2)},
            {"sub_order_id": "S3", "order_status": "等待买家付款"},
            {"sub_order_id": "S3", "order_status": "交易关闭", "refund_amount": Decimal("10.50")},
        ],
    ),
    delivery(
        "tmall_orders",
        "report_late.csv",
        1,
        [
            {"sub_order_id": "S1", "order_status": "等待买家付款"},
            {"sub_order_id": "S2", "order_status": "交易关闭"},
        ],
        loaded_day=3,
    ),
    # same delivery date and load: the later file name wins
    delivery("tmall_orders", "part_1.csv", 4, [{"sub_order_id": "S4", "quantity": 1}]),
    delivery(
        "tmall_orders",
        "part_2.csv",
        4,
        [{"sub_order_id": "S4", "quantity": 2, "contact_phone": "138****5678"}],
    ),
    delivery("tmall_members", "members.csv", 1, [{"level": "V1"}]),
    delivery("tmall_members", "members.csv", 2, [{"level": "V3"}, {"ouid": "BBq", "level": None}]),
    delivery("jd_orders", "orders.xlsx", 1, [{"order_status": "等待出库"}]),
    delivery("jd_orders", "orders.xlsx", 2, [{"order_status": "完成"}]),
    delivery("wechat_miniapp_users", "users.jsonl", 1, [{"phone": "+8613812345678"}]),
    delivery(
        "wechat_oa_followers",
        "followers.csv",
        1,
        [{"is_subscribed": True, "subscribed_at": utc(1)}],
    ),
    delivery(
        "wechat_oa_followers",
        "followers.csv",
        2,
        [{"is_subscribed": False, "subscribed_at": utc(1), "unsubscribed_at": utc(2)}],
    ),
    # first: a client retry in a later file or later in the same file is dropped;
    # a late delivery of an earlier date is the first delivered.
    delivery(
        "app_events",
        "events_a.jsonl",
        1,
        [
            {"event_id": "E1", "event_name": "view_item", "item_sku": "SKU-AC-1"},
            {"event_id": "E2", "event_name": "search", "search_keyword": "空调"},
            {"event_id": "E2", "event_name": "share"},
        ],
    ),
    delivery(
        "app_events",
        "events_b.jsonl.gz",
        2,
        [
            {"event_id": "E1", "event_name": "purchase"},
            {"event_id": "E3", "event_name": "app_open"},
        ],
    ),
    delivery(
        "app_events",
        "events_late.jsonl",
        1,
        [{"event_id": "E3", "event_name": "favorite", "item_price": Decimal("19.90")}],
        loaded_day=3,
    ),
    delivery(
        "eshop_orders",
        "orders.csv",
        1,
        [
            {"line_no": 1, "order_status": "paid"},
            {"line_no": 2, "order_status": "paid", "sku": "SKU-NOT-IN-CATALOG"},
        ],
    ),
    delivery("eshop_orders", "orders.csv", 2, [{"line_no": 1, "order_status": "completed"}]),
    # same_content: identical lines inside one file are two items; the same line
    # re-sent in a later file is counted once.
    delivery(
        "pos_sales",
        "pos_a.csv",
        1,
        [
            {"receipt_no": "R1", "sku": "SKU-FR-1", "quantity": 1, "amount": Decimal("10.00")},
            {"receipt_no": "R1", "sku": "SKU-FR-1", "quantity": 1, "amount": Decimal("10.00")},
            {"receipt_no": "R2", "sku": "SKU-FR-2", "quantity": 1, "amount": Decimal("20.00")},
        ],
    ),
    delivery(
        "pos_sales",
        "pos_b.csv",
        2,
        [
            {"receipt_no": "R1", "sku": "SKU-FR-1", "quantity": 1, "amount": Decimal("10.00")},
            {
                "receipt_no": "R2",
                "sku": "SKU-FR-2",
                "quantity": 1,
                "amount": Decimal("20.00"),
                "phone": "138 1234 5678",
            },
            {"receipt_no": "R3", "sku": "SKU-FR-2", "quantity": -1, "amount": Decimal("-20.00")},
        ],
    ),
    delivery(
        "crm_members",
        "members.csv",
        1,
        [{"tier": "silver", "gender": "男"}, {"brand": "casarte", "gender": "女"}],
    ),
    delivery("crm_members", "members.csv", 2, [{"tier": "gold", "gender": "男"}]),
    # same_content with null columns in the content, and a digest in upper case
    delivery(
        "ad_backflow",
        "backflow.csv",
        1,
        [{"id_value": DIGEST.upper()}, {"id_value": DIGEST, "creative_id": "CR-1"}],
    ),
    delivery("ad_backflow", "backflow.csv", 2, [{"id_value": DIGEST}]),
    delivery(
        "consents",
        "consents.csv",
        1,
        [{"action": "opt_out", "event_at": utc(1, 10), "consent_source": "sms_reply"}],
    ),
    delivery(
        "consents",
        "consents.csv",
        2,
        [
            {"action": "opt_out", "event_at": utc(1, 10), "consent_source": "sms_reply"},
            {"action": "opt_in", "event_at": utc(2, 10)},
        ],
    ),
    delivery("campaign_touches", "touches.csv", 1, [{"touch_id": "T1"}]),
    delivery(
        "campaign_touches",
        "touches.csv",
        2,
        [{"touch_id": "T1", "is_delivered": True, "opened_at": utc(1, 10)}],
    ),
    # first: a re-sent tag event id counts once; the spelling is kept beside its comparison key
    delivery(
        "guide_tags",
        "tags.csv",
        1,
        [{"tag_event_id": "GT-1", "tag_value": " Ｄｒｙ "}, {"tag_event_id": "GT-2", "tag_code": "SKIN_TYPE", "action": "clear"}],
    ),
    delivery("guide_tags", "tags.jsonl", 2, [{"tag_event_id": "GT-1", "tag_value": "oily"}]),
    # snapshot: the latest snapshot wins; a sku dropped from it keeps its last row
    delivery(
        "products",
        "products.csv",
        1,
        [
            {"sku": "SKU-AC-1", "list_price": Decimal("2999.00")},
            {"sku": "SKU-FR-1", "list_price": Decimal("10.00"), "category_l1": "生鲜"},
            {"sku": "SKU-FR-2", "list_price": Decimal("20.00"), "category_l1": "生鲜"},
        ],
    ),
    delivery(
        "products",
        "products.csv",
        2,
        [
            {"sku": "SKU-AC-1", "list_price": Decimal("2799.00"), "is_ecosystem": False},
            {"sku": "SKU-FR-1", "list_price": Decimal("12.00"), "category_l1": "生鲜"},
        ],
    ),
)


def write_lake_extras(home: Home) -> None:
    """One quarantined row and the file registry of one load."""
    quarantine = partition_dir(home.quarantine, "tmall_orders", date(2026, 11, 1))
    quarantine.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(
        [
            {
                "source": "tmall_orders",
                "reason_code": "bad_amount",
                "reason_detail": "买家实际支付金额: '12.345' has more than 2 decimals",
                "raw_text": "1,2,...",
                "_file_path": "tmall_orders/2026-11-01/report_a.csv",
                "_file_line": 4,
                "_file_sha256": "ab" * 32,
                "_load_id": "load-20261101T020000",
                "_delivery_date": date(2026, 11, 1),
                "_load_date": date(2026, 11, 1),
                "_loaded_at": utc(1),
            }
        ],
        schema=QUARANTINE_SCHEMA,
    ).write_parquet(quarantine / "load-20261101T020000__abababababab.parquet")
    registry = {name: None for name in FILE_REGISTRY_SCHEMA}
    files = [
        {
            **registry,
            "file_path": "tmall_orders/2026-11-01/report_a.csv",
            "source": "tmall_orders",
            "delivery_date": date(2026, 11, 1),
            "file_sha256": "AB" * 32,
            "status": "loaded",
            "rows_read": 3,
            "rows_landed": 2,
            "rows_quarantined": 1,
            "load_id": "load-20261101T020000",
            "load_date": date(2026, 11, 1),
            "loaded_at": utc(1),
        },
        {
            **registry,
            "file_path": "tmall_orders/2026-11-01/report_copy.csv",
            "source": "tmall_orders",
            "delivery_date": date(2026, 11, 1),
            "status": "duplicate",
            "duplicate_of": "tmall_orders/2026-11-01/report_a.csv",
            "load_id": "load-20261101T020000",
            "load_date": date(2026, 11, 1),
            "loaded_at": utc(1),
        },
    ]
    pl.DataFrame(files, schema=FILE_REGISTRY_SCHEMA).write_parquet(
        home.file_registry / "load-20261101T020000.parquet"
    )


# ------------------------------------------------------------------ fixtures


def fresh_home(root: Path) -> Home:
    home = Home(root / "home").ensure()
    write_schema_files(home)
    return home


@pytest.fixture(scope="module")
def empty_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("empty_lake")
    return build(fresh_home(root), root / "dbt", *STAGING_SELECTION)


@pytest.fixture(scope="module")
def lake_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("handmade_lake")
    home = fresh_home(root)
    for lake_file in LAKE:
        land(home, lake_file)
    write_lake_extras(home)
    business_date = json.dumps({"business_date": BUSINESS_DATE})
    return build(home, root / "dbt", *STAGING_SELECTION, "--vars", business_date)


def staged(result: Build, model: str, columns: str, order_by: str) -> list[tuple[Any, ...]]:
    return result.query(f"select {columns} from {model} order by {order_by}")


# ------------------------------------------------------------- documentation


def test_every_staging_model_documents_every_column(lake_build: Build) -> None:
    for path in sorted(STAGING.glob("*/_*__models.yml")):
        for model in yaml.safe_load(path.read_text())["models"]:
            described = {c["name"] for c in model["columns"] if c.get("description")}
            built = {
                name
                for (name,) in lake_build.query(
                    "select column_name from information_schema.columns "
                    f"where table_name = '{model['name']}'"
                )
            }
            assert built, f"{model['name']} was not built"
            assert built == described, f"{model['name']}: {built ^ described}"


# What each lake kind stages as (macro stage_contract_columns), in DuckDB's names.
STAGED_TYPES = {
    Kind.TEXT: "VARCHAR",
    Kind.DIGITS: "VARCHAR",
    Kind.HEX_DIGEST: "VARCHAR",
    Kind.JSON: "VARCHAR",
    Kind.INT: "BIGINT",
    Kind.AMOUNT: "DECIMAL(18,2)",
    Kind.TIMESTAMP: "TIMESTAMP",
    Kind.DATE: "DATE",
    Kind.FLAG: "BOOLEAN",
}


def test_every_contract_column_is_staged_typed_by_its_kind(lake_build: Build) -> None:
    for source in SOURCES:
        built = dict(lake_build.query(
            "select column_name, data_type from information_schema.columns "
            f"where table_name = '{source.staging_model}'"
        ))
        staged = {column.staging_name: STAGED_TYPES[column.kind] for column in source.columns}
        assert {name: built.get(name) for name in staged} == staged, source.name


# ------------------------------------------------------------ empty lake


def test_empty_lake_builds_every_staging_model_empty(empty_build: Build) -> None:
    assert empty_build.return_code == 0, empty_build.output[-3000:]
    models = {uid.split(".")[-1] for uid in empty_build.statuses() if uid.startswith("model.")}
    lake_models = {"stg_lake__quarantined_rows", "stg_lake__delivered_files"}
    state_models = {f"stg_state__{table.name}" for table in STATE_TABLES}
    assert models == {source.staging_model for source in SOURCES} | lake_models | state_models
    for source in SOURCES:
        assert empty_build.query(f"select count(*) from {source.staging_model}") == [(0,)]
    assert set(empty_build.statuses().values()) <= {"success", "pass"}


# ------------------------------------------------------------ hand-made lake


def test_handmade_lake_builds_with_only_the_expected_warning(lake_build: Build) -> None:
    assert lake_build.return_code == 0, lake_build.output[-3000:]
    statuses = lake_build.statuses()
    not_passing = {uid: s for uid, s in statuses.items() if s not in {"success", "pass"}}
    # the eshop line whose sku is missing from the catalog warns, nothing else
    assert list(not_passing.values()) == ["warn"]
    (warned,) = not_passing
    assert "relationships_stg_eshop__order_lines_sku" in warned


def test_latest_keeps_the_last_delivered_version(lake_build: Build) -> None:
    rows = staged(
        lake_build,
        "stg_tmall__order_lines",
        "sub_order_id, order_status, quantity, _file_path, _file_line",
        "1",
    )
    assert rows == [
        ("S1", "交易成功", 1, "tmall_orders/2026-11-02/report_b.csv", 2),
        ("S2", "交易关闭", 1, "tmall_orders/2026-11-01/report_late.csv", 3),
        ("S3", "交易关闭", 1, "tmall_orders/2026-11-02/report_b.csv", 4),
        ("S4", "交易成功", 2, "tmall_orders/2026-11-04/part_2.csv", 2),
    ]
    assert staged(lake_build, "stg_jd__order_lines", "order_id, sku, order_status", "1") == [
        ("3100000001", "SKU-AC-1", "完成")
    ]
    assert staged(lake_build, "stg_eshop__order_lines", "line_no, order_status", "1") == [
        (1, "completed"),
        (2, "paid"),
    ]
    assert staged(lake_build, "stg_tmall__members", "ouid, member_level", "1") == [
        ("AAF3kdPq", "V3"),
        ("BBq", None),
    ]
    assert staged(
        lake_build, "stg_wechat__oa_followers", "openid, is_subscribed, unsubscribed_at", "1"
    ) == [("o-9", False, datetime(2026, 11, 2, 2))]
    touches = staged(lake_build, "stg_campaigns__touches", "touch_id, is_delivered, opened_at", "1")
    assert touches == [("T1", True, datetime(2026, 11, 1, 10))]


def test_latest_is_per_key_across_brands(lake_build: Build) -> None:
    assert staged(lake_build, "stg_crm__members", "brand, member_id, member_tier, gender", "1") == [
        ("casarte", "M-1", None, "F"),
        ("haier", "M-1", "gold", "M"),
    ]


def test_first_keeps_the_first_delivered_event(lake_build: Build) -> None:
    columns = "event_id, event_name, sku, item_price, _file_path"
    rows = staged(lake_build, "stg_app__events", columns, "1")
    assert rows == [
        ("E1", "view_item", "SKU-AC-1", None, "app_events/2026-11-01/events_a.jsonl"),
        ("E2", "search", None, None, "app_events/2026-11-01/events_a.jsonl"),
        ("E3", "favorite", None, Decimal("19.90"), "app_events/2026-11-01/events_late.jsonl"),
    ]


def test_same_content_counts_a_resent_row_once_and_keeps_repeats_inside_a_file(
    lake_build: Build,
) -> None:
    rows = staged(
        lake_build,
        "stg_pos__sales_lines",
        "receipt_no, quantity, amount, is_return, phone, _file_path, _file_line",
        "receipt_no, _file_line",
    )
    assert rows == [
        ("R1", 1, Decimal("10.00"), False, None, "pos_sales/2026-11-01/pos_a.csv", 2),
        ("R1", 1, Decimal("10.00"), False, None, "pos_sales/2026-11-01/pos_a.csv", 3),
        ("R2", 1, Decimal("20.00"), False, None, "pos_sales/2026-11-01/pos_a.csv", 4),
        ("R3", -1, Decimal("-20.00"), True, None, "pos_sales/2026-11-02/pos_b.csv", 4),
    ]
    ids = lake_build.query("select count(distinct sales_line_id) from stg_pos__sales_lines")
    assert ids == [(4,)]


def test_same_content_treats_nulls_as_values_and_digests_case_insensitively(
    lake_build: Build,
) -> None:
    columns = "creative_id, id_value, cost, _file_path"
    rows = staged(lake_build, "stg_ads__backflow_events", columns, "1 nulls first")
    assert rows == [
        (None, DIGEST, None, "ad_backflow/2026-11-01/backflow.csv"),
        ("CR-1", DIGEST, None, "ad_backflow/2026-11-01/backflow.csv"),
    ]
    columns = "consent_action, is_opt_in, event_at, _delivery_date"
    consents = staged(lake_build, "stg_consents__consent_events", columns, "event_at")
    assert consents == [
        ("opt_out", False, datetime(2026, 11, 1, 10), date(2026, 11, 1)),
        ("opt_in", True, datetime(2026, 11, 2, 10), date(2026, 11, 2)),
    ]


def test_guide_tag_events_keep_the_first_delivery_and_compare_on_keys(lake_build: Build) -> None:
    columns = "tag_event_id, tag_code, tag_code_key, tag_value, tag_value_key, tag_action, is_clear, _file_path"
    rows = staged(lake_build, "stg_guides__tag_events", columns, "1")
    assert rows == [
        ("GT-1", "skin_type", "skin_type", "Ｄｒｙ", "dry", "set", False, "guide_tags/2026-11-01/tags.csv"),
        ("GT-2", "SKIN_TYPE", "skin_type", None, None, "clear", True, "guide_tags/2026-11-01/tags.csv"),
    ]


def test_snapshot_keeps_the_latest_row_and_remembers_dropped_skus(lake_build: Build) -> None:
    columns = "sku, list_price, is_in_latest_snapshot"
    rows = staged(lake_build, "stg_catalog__products", columns, "1")
    assert rows == [
        ("SKU-AC-1", Decimal("2799.00"), True),
        ("SKU-FR-1", Decimal("12.00"), True),
        ("SKU-FR-2", Decimal("20.00"), False),
    ]


def test_identifiers_are_normalized_beside_their_raw_values(lake_build: Build) -> None:
    columns = "phone, phone_normalized, phone_rejection"
    assert staged(lake_build, "stg_wechat__miniapp_users", columns, "1") == [
        ("+8613812345678", "13812345678", None)
    ]
    columns = "sub_order_id, contact_phone, contact_phone_normalized, contact_phone_rejection"
    masked = staged(lake_build, "stg_tmall__order_lines", columns, "1")
    assert masked[-1] == ("S4", "138****5678", None, "masked")
    columns = "distinct id_type, id_value, id_value_normalized, id_value_rejection"
    assert staged(lake_build, "stg_consents__consent_events", columns, "1") == [
        ("phone", "13812345678", "13812345678", None)
    ]


def test_timestamps_are_staged_as_utc_without_zone(lake_build: Build) -> None:
    (row,) = lake_build.query(
        "select created_at, typeof(created_at), _loaded_at from stg_wechat__miniapp_users"
    )
    assert row == (datetime(2026, 11, 1, 4), "TIMESTAMP", datetime(2026, 11, 1, 2))


def test_lake_monitoring_sources_are_staged(lake_build: Build) -> None:
    columns = "source_name, reason_code, _file_line"
    quarantined = staged(lake_build, "stg_lake__quarantined_rows", columns, "1")
    assert quarantined == [("tmall_orders", "bad_amount", 4)]
    columns = "file_status, file_sha256, duplicate_of_file_path"
    assert staged(lake_build, "stg_lake__delivered_files", columns, "1") == [
        ("duplicate", None, "tmall_orders/2026-11-01/report_a.csv"),
        ("loaded", "ab" * 32, None),
    ]


# ------------------------------------------------------- tests that fail


def test_contract_breaches_fail_the_staging_tests(tmp_path: Path) -> None:
    home = fresh_home(tmp_path)
    land(
        home,
        delivery(
            "pos_sales",
            "pos.csv",
            1,
            [
                {"receipt_no": "R1", "sku": "SKU-1", "quantity": 0, "amount": Decimal("1.00")},
                {"receipt_no": "R2", "sku": "SKU-1", "quantity": 1, "amount": Decimal("-1.00")},
            ],
        ),
    )
    shipped = {"line_no": 1, "order_status": "shipped"}  # not a status of the contract
    land(home, delivery("eshop_orders", "orders.csv", 1, [shipped]))
    write_lake_extras(home)  # a load of 2026-11-01
    result = build(
        home,
        tmp_path / "dbt",
        "--select",
        "stg_pos__sales_lines",
        "stg_eshop__order_lines",
        "stg_lake__delivered_files",
        "--indirect-selection",
        "cautious",
        "--vars",
        json.dumps({"business_date": BUSINESS_DATE}),
    )
    assert result.return_code != 0
    not_passing = {
        uid.split(".")[2]: status
        for uid, status in result.statuses().items()
        if status not in {"success", "pass"}
    }
    sign_test = "expression_is_true_stg_pos__sales_lines__quantity_0_and_amount_0"
    assert not_passing == {
        "matches_channel_contract_stg_eshop__order_lines_eshop_orders": "fail",
        f"{sign_test}_or_quantity_0_and_amount_0_": "fail",
    }
    # The sign rule catches both lines: a zero quantity and a sale with a negative amount.
    (signs,) = [r for r in result.results if sign_test in r["unique_id"]]
    assert signs["failures"] == 2
    # The contract test names the rule and the rows that break it.
    (failure,) = [r for r in result.results if "matches_channel_contract" in r["unique_id"] and r["status"] == "fail"]
    assert failure["failures"] == 1


# ------------------------------------------------------------- macros


def compiled_staging_model(result: Build, model: str) -> str:
    compiled = result.warehouse.parent / "target" / "compiled" / "oneid" / "models" / "staging"
    return next(compiled.rglob(f"{model}.sql")).read_text()


def test_business_date_is_the_var_or_the_current_date(
    empty_build: Build, lake_build: Build
) -> None:
    assert "where _load_date <= current_date" in compiled_staging_model(empty_build, "stg_app__events")
    assert f"where _load_date <= cast('{BUSINESS_DATE}' as date)" in compiled_staging_model(
        lake_build, "stg_app__events"
    )


def test_staging_sees_only_loads_up_to_the_business_date(tmp_path: Path) -> None:
    """A rerun of an older night is that night's snapshot, not a window onto later loads."""
    home = fresh_home(tmp_path)
    land(home, delivery("eshop_orders", "orders.csv", 1, [{"line_no": 1}]))  # loaded on 2026-11-01
    earlier = build(
        home,
        tmp_path / "before",
        "--select",
        "stg_eshop__order_lines",
        "--vars",
        json.dumps({"business_date": "2026-10-31"}),
    )
    later = build(
        home,
        tmp_path / "after",
        "--select",
        "stg_eshop__order_lines",
        "--vars",
        json.dumps({"business_date": BUSINESS_DATE}),
    )
    count = "select count(*) from stg_eshop__order_lines"
    assert earlier.query(count) == [(0,)]
    assert later.query(count) == [(1,)]


def test_business_date_rejects_an_impossible_date(tmp_path: Path) -> None:
    home = fresh_home(tmp_path)
    done = run_dbt(
        [
            "compile",
            "--inline",
            "select {{ business_date() }}",
            "--vars",
            '{"business_date": "2026-02-30"}',
        ],
        home,
        tmp_path / "dbt",
    )
    assert done.returncode != 0
    assert "day is out of range" in done.stdout
