"""Every source lands a well-formed record with exactly its lake schema and lineage."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal

import polars as pl
import pytest

from pipeline.ingest.sources import SOURCES, get_source, lake_schema
from tests.ingest.conftest import DAY, Lake
from tests.ingest.samples import CSV_RECORDS, JD_HEADER, JD_ORDER, JSON_RECORDS, csv_of, jsonl_of, xlsx_of


def deliver_sample(lake: Lake, source: str) -> str:
    fmt = get_source(source).file_format
    if fmt == "csv":
        lake.deliver(source, "export.csv", csv_of(source, CSV_RECORDS[source]))
        return "export.csv"
    if fmt == "jsonl":
        lake.deliver(source, "export.jsonl", jsonl_of(JSON_RECORDS[source]))
        return "export.jsonl"
    lake.deliver(source, "export.xlsx", xlsx_of([JD_HEADER, JD_ORDER]))
    return "export.xlsx"


def test_samples_cover_every_source() -> None:
    covered = set(CSV_RECORDS) | set(JSON_RECORDS) | {"jd_orders"}
    assert covered == {s.name for s in SOURCES}


@pytest.mark.parametrize("source", [s.name for s in SOURCES])
def test_a_well_formed_record_lands_with_the_lake_schema(lake: Lake, source: str) -> None:
    name = deliver_sample(lake, source)
    result = lake.land()
    outcome = lake.outcome(result, name)
    assert (outcome.status, outcome.rows_read, outcome.rows_landed, outcome.rows_quarantined) == ("loaded", 1, 1, 0)
    landed = lake.landed(source)
    assert landed.schema == lake_schema(get_source(source))
    row = landed.row(0, named=True)
    assert row["_file_path"] == f"{source}/{DAY.isoformat()}/{name}"
    assert row["_file_line"] == (1 if name.endswith(".jsonl") else 2)
    assert row["_file_sha256"] == outcome.file_sha256
    assert (row["_load_id"], row["_delivery_date"], row["_load_date"]) == ("L1", DAY, DAY)
    assert row["_loaded_at"] == outcome.loaded_at
    assert lake.quarantined(source).height == 0


def test_typed_values_of_the_samples(lake: Lake) -> None:
    for source in ("tmall_orders", "crm_members", "ad_backflow", "wechat_miniapp_users", "app_events", "products"):
        deliver_sample(lake, source)
    lake.land()
    tmall = lake.landed("tmall_orders").row(0, named=True)
    assert tmall["order_id"] == "2026112212345678"  # ="…" unwrapped
    assert tmall["paid_amount"] == Decimal("2599.00")
    assert tmall["refund_amount"] is None
    assert tmall["created_at"] == datetime(2026, 11, 22, 2, 0, tzinfo=timezone.utc)
    crm = lake.landed("crm_members").row(0, named=True)
    assert (crm["birthday_raw"], crm["birthday"]) == ("1990-05-06", date(1990, 5, 6))
    assert crm["dealer_code"] is None
    ad = lake.landed("ad_backflow").row(0, named=True)
    assert ad["id_value"] == CSV_RECORDS["ad_backflow"]["id_value"].lower()
    assert lake.landed("products")["is_ecosystem"].to_list() == [True]
    mini = lake.landed("wechat_miniapp_users").row(0, named=True)
    assert mini["created_at"] == datetime(2024, 11, 22, 3, 10, 0, 123000, tzinfo=timezone.utc)
    event = lake.landed("app_events").row(0, named=True)
    assert (event["device_oaid"], event["device_os"], event["item_sku"]) == ("oaid-1", "android", "SKU1")
    assert event["item_price"] == Decimal("12.50")
    assert json.loads(event["properties_json"]) == {"sku": "SKU1", "price": 12.5}
    assert lake.landed("app_events")["device_imei"].dtype == pl.String


def test_a_source_of_two_formats_lands_both_in_one_load(lake: Lake) -> None:
    """guide_tags comes as CSV or JSON Lines: each file is read by its extension."""
    csv_record = CSV_RECORDS["guide_tags"]
    json_record = {**csv_record, "tag_event_id": "GT2", "action": "clear", "tag_value": None}
    lake.deliver("guide_tags", "tags.csv", csv_of("guide_tags", csv_record))
    lake.deliver("guide_tags", "tags.jsonl", jsonl_of(json_record, {**json_record, "tag_event_id": ""}))
    result = lake.land()
    counts = {
        name: (o.status, o.rows_read, o.rows_landed, o.rows_quarantined)
        for name in ("tags.csv", "tags.jsonl") for o in [lake.outcome(result, name)]
    }
    assert counts == {"tags.csv": ("loaded", 1, 1, 0), "tags.jsonl": ("loaded", 2, 1, 1)}
    landed = lake.landed("guide_tags").sort("tag_event_id")
    assert landed["tag_event_id"].to_list() == ["GT1", "GT2"]
    assert landed["tagged_at"].to_list() == [datetime(2026, 11, 22, 2, 0, tzinfo=timezone.utc)] * 2
    assert lake.quarantined("guide_tags")["reason_code"].to_list() == ["missing_required"]
