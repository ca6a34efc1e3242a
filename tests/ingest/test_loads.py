"""Loads over time: the file registry, duplicates, late and future deliveries,
forced reloads, rollback and reconciliation."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest

from pipeline.errors import BadInputError, ConfigurationError
from pipeline.home import Home
from pipeline.ingest.lake_layout import SCHEMA_FILE, write_schema_files
from pipeline.ingest.landing import night as land_module
from pipeline.ingest.landing.night import rollback_load
from pipeline.ingest.sources import Column, get_source
from tests.ingest.conftest import DAY, Lake, csv_text
from tests.ingest.samples import CSV_RECORDS, csv_of

PRODUCTS = csv_of("products", CSV_RECORDS["products"])


def eshop_file(*order_ids: str) -> str:
    header = list(CSV_RECORDS["eshop_orders"])
    return csv_text(header, *(list(dict(CSV_RECORDS["eshop_orders"], order_id=o).values()) for o in order_ids))


def test_registry_records_every_file_and_reconciles(lake: Lake) -> None:
    lake.deliver("eshop_orders", "orders.csv", eshop_file("E1", "E2", "bad\nE3"))
    result = lake.land()
    registry = lake.registry()
    assert registry.columns == list(result.files[0].to_record())
    row = registry.row(0, named=True)
    assert (row["file_path"], row["status"], row["load_id"], row["load_date"]) == (
        f"eshop_orders/{DAY}/orders.csv",
        "loaded",
        "L1",
        DAY,
    )
    assert row["rows_read"] == row["rows_landed"] + row["rows_quarantined"] == 4
    assert (result.rows_read, result.rows_landed, result.rows_quarantined) == (4, 3, 1)
    assert result.per_source["eshop_orders"]["rows_landed"] == 3
    record = result.to_record()
    assert json.loads(json.dumps(record))["files_by_status"]["loaded"] == 1


def test_same_bytes_are_never_loaded_twice(lake: Lake) -> None:
    lake.deliver("products", "catalog.csv", PRODUCTS)
    lake.deliver("products", "catalog_copy.csv", PRODUCTS)  # same bytes in the same load
    first = lake.land()
    assert [f.status for f in first.files] == ["loaded", "duplicate"]
    assert first.files[1].duplicate_of == f"products/{DAY}/catalog.csv"
    # Re-delivered the next day under another name: still a duplicate.
    lake.deliver("products", "catalog_again.csv", PRODUCTS, day=DAY + timedelta(days=1))
    second = lake.land(DAY + timedelta(days=1), load_id="L2")
    assert [(f.status, f.duplicate_of) for f in second.files] == [("duplicate", f"products/{DAY}/catalog.csv")]
    assert lake.landed("products").height == 1
    # Files already registered are not looked at again.
    assert lake.land(DAY + timedelta(days=1), load_id="L3").files == []


def test_header_only_copies_stay_empty_deliveries(lake: Lake) -> None:
    header_only = ",".join(CSV_RECORDS["products"]) + "\n"
    lake.deliver("products", "a.csv", header_only)
    lake.deliver("products", "b.csv", header_only)
    lake.deliver("products", "c.csv", b"")
    lake.deliver("products", "d.csv", b"")
    assert [f.status for f in lake.land().files] == ["empty"] * 4


def test_force_reloads_and_replaces_the_earlier_landing(lake: Lake) -> None:
    lake.deliver("products", "catalog.csv", PRODUCTS)
    lake.deliver("eshop_orders", "orders.csv", eshop_file("E1", "bad\nE2"))
    lake.land()
    forced = lake.land(load_id="L2", force=True)
    assert [f.status for f in forced.files] == ["loaded", "loaded"]
    assert lake.landed("products").height == 1
    assert lake.landed("products")["_load_id"].to_list() == ["L2"]
    assert lake.landed("eshop_orders").height == 2
    assert lake.quarantined("eshop_orders")["_load_id"].to_list() == ["L2"]
    registry = lake.registry()
    assert registry.height == 2 and set(registry["load_id"]) == {"L2"}


def test_force_keeps_the_rows_of_files_it_did_not_reload(lake: Lake) -> None:
    # Both files land in one Parquet part of L1; only one of them is reloaded.
    withdrawn = lake.deliver("eshop_orders", "kept.csv", eshop_file("K1", "bad\nK2"))
    lake.deliver("eshop_orders", "reloaded.csv", eshop_file("R1", "bad\nR2"))
    lake.land()
    assert sorted(p.name for p in lake.home.raw.glob("eshop_orders/*/*.parquet")) == ["L1__part0000.parquet"]
    withdrawn.unlink()  # the vendor withdrew it: the forced reload no longer sees it
    lake.land(load_id="L2", force=True)
    landed = lake.landed("eshop_orders").sort("order_id")
    assert landed.select("order_id", "_load_id").rows() == [("K1", "L1"), ("K2", "L1"), ("R1", "L2"), ("R2", "L2")]
    quarantined = lake.quarantined("eshop_orders").sort("_load_id")
    assert quarantined.select("_file_path", "_load_id").rows() == [
        (f"eshop_orders/{DAY}/kept.csv", "L1"),
        (f"eshop_orders/{DAY}/reloaded.csv", "L2"),
    ]
    assert sorted(lake.registry().select("file_path", "load_id").rows()) == [
        (f"eshop_orders/{DAY}/kept.csv", "L1"),
        (f"eshop_orders/{DAY}/reloaded.csv", "L2"),
    ]


def test_force_never_forgets_content_it_only_saw_under_a_rejected_name(lake: Lake) -> None:
    orders = lake.deliver("eshop_orders", "orders.csv", eshop_file("E1"))
    lake.land()
    orders.rename(orders.with_suffix(".bak"))  # a backup copy: rejected for its name, never read
    forced = lake.land(load_id="L2", force=True)
    assert [(f.status, f.rejection_code) for f in forced.files] == [("rejected", "unknown_extension")]
    assert lake.landed("eshop_orders").select("order_id", "_load_id").rows() == [("E1", "L1")]
    assert sorted(lake.registry().select("file_path", "load_id").rows()) == [
        (f"eshop_orders/{DAY}/orders.bak", "L2"),
        (f"eshop_orders/{DAY}/orders.csv", "L1"),
    ]


def test_late_files_are_picked_up_and_future_folders_left_alone(lake: Lake) -> None:
    lake.deliver("products", "today.csv", PRODUCTS)
    lake.deliver("eshop_orders", "late.csv", eshop_file("E1"), day=DAY - timedelta(days=3))
    lake.deliver("eshop_orders", "tomorrow.csv", eshop_file("E2"), day=DAY + timedelta(days=1))
    result = lake.land()
    assert sorted(f.file_path for f in result.files) == [
        f"eshop_orders/{DAY - timedelta(days=3)}/late.csv",
        f"products/{DAY}/today.csv",
    ]
    assert result.later_folders == [f"eshop_orders/{DAY + timedelta(days=1)}"]
    late = lake.landed("eshop_orders").row(0, named=True)
    assert (late["_delivery_date"], late["_load_date"]) == (DAY - timedelta(days=3), DAY)
    # The next night takes the file that was in the future.
    tomorrow = lake.land(DAY + timedelta(days=1), load_id="L2")
    assert [f.file_path for f in tomorrow.files] == [f"eshop_orders/{DAY + timedelta(days=1)}/tomorrow.csv"]


def test_strays_in_the_inbox_are_reported(lake: Lake) -> None:
    lake.deliver("products", "catalog.txt", PRODUCTS)
    (lake.home.inbox / "products" / "latest").mkdir(parents=True)
    (lake.home.inbox / "products" / "loose.csv").write_text(PRODUCTS)
    (lake.home.inbox / "wechat_shop").mkdir()
    (lake.home.inbox / "README.txt").write_text("hi")
    (lake.home.inbox / "products" / DAY.isoformat() / "sub").mkdir()
    result = lake.land()
    assert [(f.status, f.rejection_code) for f in result.files] == [("rejected", "unknown_extension")]
    assert "expected .csv" in result.files[0].message
    notices = sorted(str(n) for n in result.notices)
    assert notices == [
        "README.txt: file outside any source folder; ignored",
        f"products/{DAY}/sub: nested folder in a delivery folder; ignored",
        "products/latest: folder name is not a delivery date (YYYY-MM-DD); ignored",
        "products/loose.csv: file outside any delivery-date folder (YYYY-MM-DD); ignored",
        "wechat_shop: unknown source folder; ignored (known sources: " + ", ".join(
            s.name for s in land_module.SOURCES
        ) + ")",
    ]
    assert result.to_record()["notices"] == [str(n) for n in result.notices]


def test_links_out_of_the_inbox_and_pipes_are_never_read(lake: Lake, tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    lake.deliver("products", "catalog.csv", PRODUCTS)
    folder = lake.home.inbox / "products" / DAY.isoformat()
    (folder / "outside.csv").symlink_to(secret)
    (folder / "broken.csv").symlink_to(tmp_path / "missing.csv")
    (folder / "inside.csv").symlink_to(folder / "catalog.csv")
    os.mkfifo(folder / "pipe.csv")  # reading it would block the night forever
    result = lake.land()
    assert sorted(str(n) for n in result.notices) == [
        f"products/{DAY}/broken.csv: broken symbolic link; ignored",
        f"products/{DAY}/outside.csv: symbolic link to a file outside the inbox; ignored",
        f"products/{DAY}/pipe.csv: not a regular file (a pipe, socket or device); ignored",
    ]
    assert sorted((f.file_path, f.status) for f in result.files) == [
        (f"products/{DAY}/catalog.csv", "loaded"),
        (f"products/{DAY}/inside.csv", "duplicate"),
    ]


def test_a_renamed_file_with_a_wrong_extension_loads_once_fixed(lake: Lake) -> None:
    lake.deliver("products", "catalog.csv.part", PRODUCTS)
    assert [f.status for f in lake.land().files] == ["rejected"]
    lake.deliver("products", "catalog.csv", PRODUCTS)
    assert [f.status for f in lake.land(load_id="L2").files] == ["loaded"]


def test_rollback_removes_exactly_that_load(lake: Lake) -> None:
    lake.deliver("products", "catalog.csv", PRODUCTS)
    lake.land()
    before = sorted(p.relative_to(lake.home.root) for p in lake.home.lake.rglob("*"))
    lake.deliver("eshop_orders", "orders.csv", eshop_file("E1", "bad\nE2"), day=DAY + timedelta(days=1))
    lake.land(DAY + timedelta(days=1), load_id="L2")
    rollback_load(lake.home, "L2")
    after = sorted(p.relative_to(lake.home.root) for p in lake.home.lake.rglob("*"))
    assert after == before
    # Rolled-back files are new again for the next load.
    again = lake.land(DAY + timedelta(days=1), load_id="L3")
    assert [f.status for f in again.files] == ["loaded"]
    rollback_load(lake.home, "no-such-load")


def test_a_load_id_is_used_once(lake: Lake) -> None:
    lake.land()
    with pytest.raises(ConfigurationError, match="already exists"):
        lake.land()


def test_sources_option_and_progress(lake: Lake) -> None:
    lake.deliver("products", "catalog.csv", PRODUCTS)
    lake.deliver("eshop_orders", "orders.csv", eshop_file("E1"))
    seen = []
    result = lake.land(sources=["products"], progress=seen.append)
    assert [f.source for f in result.files] == ["products"]
    assert seen == result.files
    with pytest.raises(ConfigurationError, match="unknown source"):
        lake.land(load_id="L2", sources=["nope"])


def test_a_row_lost_on_the_way_fails_the_load_loudly(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> None:
    real_judge = land_module.judge

    def judge_losing_a_row(source, rows):
        landed, quarantined = real_judge(source, rows)
        return landed.head(landed.height - 1), quarantined

    monkeypatch.setattr(land_module, "judge", judge_losing_a_row)
    lake.deliver("eshop_orders", "orders.csv", eshop_file("E1", "E2"))
    with pytest.raises(BadInputError, match="do not reconcile: read 2, landed 1, quarantined 0"):
        lake.land()


def test_many_files_of_one_source_in_batches(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(land_module, "BATCH_BYTES", 1)  # every file is its own batch
    for day in range(3):
        lake.deliver("eshop_orders", "orders.csv", eshop_file(f"E{day}", f"F{day}"), day=DAY - timedelta(days=day))
    lake.deliver("eshop_orders", "copy.csv", eshop_file("E0", "F0"))
    result = lake.land()
    assert [f.status for f in result.files] == ["loaded", "loaded", "loaded", "duplicate"]
    landed = lake.landed("eshop_orders")
    assert landed.group_by("_file_path").len().sort("_file_path")["len"].to_list() == [2, 2, 2]
    assert landed.select(pl.col("_file_line").max()).item() == 3


def test_a_column_added_to_the_contract_reaches_the_schema_file(tmp_path: Path) -> None:
    """dbt and Spark read a source's columns from its schema file: a contract
    that gained a column rewrites it (files landed before read the column as null)."""
    home = Home(tmp_path / "home")
    source = get_source("products")
    write_schema_files(home, (source,))
    schema_file = home.source_raw("products") / SCHEMA_FILE
    before = schema_file.stat().st_mtime_ns
    write_schema_files(home, (source,))
    assert schema_file.stat().st_mtime_ns == before  # unchanged: not rewritten
    grown = replace(source, columns=(*source.columns, Column("season", "season", description="Selling season.")))
    write_schema_files(home, (grown,))
    assert "season" in pl.read_parquet_schema(schema_file)
