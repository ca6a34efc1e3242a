"""validate_load on small loads written straight from the contract."""

from __future__ import annotations

import json
import socket
from datetime import date, datetime, timezone
from pathlib import Path

import polars as pl
import pytest

from pipeline.errors import BadInputError
from pipeline.home import Home
from pipeline.ingest.sources import SOURCES
from pipeline.validation.landed import ValidationReport, raise_on_blocking, validate_load
from pipeline.validation.report import Check, CheckResult, Severity
from tests.validation.lake_builder import LOAD_ID, DeliveredFile, write_frame, write_load, write_registry


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path).ensure()


def failed(report: ValidationReport, check: Check, column: str | None = None) -> list[CheckResult]:
    return [
        r
        for r in report.results()
        if r.check is check and not r.success and (column is None or r.column == column)
    ]


def test_clean_load_of_every_source_passes(home: Home) -> None:
    write_load(home, [DeliveredFile(s.name, rows=12, quarantined=0) for s in SOURCES])

    report = validate_load(home, LOAD_ID)

    assert report.blocking_failures == [] and report.warnings == []
    assert [s.source for s in report.sources] == [s.name for s in SOURCES]
    assert all(s.rows_validated == 12 and not s.sampled and s.results for s in report.sources)
    assert all(r.success for r in report.results())
    assert report.load_date == "2026-01-10"
    raise_on_blocking(report)
    json.dumps(report.to_record())


def test_schema_mismatch_blocks(home: Home) -> None:
    delivered = DeliveredFile("tmall_orders", rows=5)
    landed = delivered.landed().with_columns(pl.col("paid_amount").cast(pl.Float64)).drop("item_title")
    write_frame(home, delivered, landed)
    write_registry(home, [delivered.registry_row()])

    report = validate_load(home, LOAD_ID)

    [schema] = failed(report, Check.SCHEMA)
    assert schema.severity is Severity.BLOCKING
    assert "missing item_title" in schema.examples[0]
    assert "paid_amount is Float64" in schema.examples[0]
    tmall = report.source("tmall_orders")
    assert tmall.files_not_row_validated != () and (tmall.rows_landed, tmall.rows_validated) == (5, 0)
    with pytest.raises(BadInputError, match="schema"):
        raise_on_blocking(report)


def test_broken_reconciliation_blocks(home: Home) -> None:
    counted_wrong = DeliveredFile("eshop_orders", rows=8, name="a.csv")
    read_wrong = DeliveredFile("eshop_orders", rows=4, name="b.csv")
    unregistered = DeliveredFile("eshop_orders", rows=3, name="c.csv")
    write_load(home, [counted_wrong, read_wrong, unregistered])
    registry = [counted_wrong.registry_row(), read_wrong.registry_row()]
    registry[0].update(rows_landed=9, rows_read=9)  # the lake holds 8
    registry[1].update(rows_read=5)  # 4 landed + 0 quarantined
    write_registry(home, registry)

    report = validate_load(home, LOAD_ID)

    [lake] = failed(report, Check.RECONCILE_LAKE)
    [read] = failed(report, Check.RECONCILE_READ)
    [registered] = failed(report, Check.REGISTERED)
    assert "a.csv" in " ".join(lake.examples) and "b.csv" in " ".join(read.examples)
    assert "unregistered" in registered.examples[0] and "c.csv" in registered.examples[0]
    assert all(r.severity is Severity.BLOCKING for r in (lake, read, registered))
    with pytest.raises(BadInputError):
        raise_on_blocking(report)


def test_quarantine_rows_must_match_the_registry(home: Home) -> None:
    delivered = DeliveredFile("consents", rows=40, quarantined=2)
    write_load(home, [delivered])
    write_frame(home, delivered, delivered.quarantine().head(1), area="quarantine")

    report = validate_load(home, LOAD_ID)

    assert [r.check for r in report.blocking_failures] == [Check.RECONCILE_QUARANTINE]


def test_high_quarantine_rate_and_rejected_file_only_warn(home: Home) -> None:
    dirty = DeliveredFile("products", rows=10, quarantined=5, name="dirty.csv")
    # As the loader records a file missing a required column: every record quarantined.
    rejected = DeliveredFile("products", rows=0, quarantined=3, name="no_sku.csv", status="rejected")
    write_load(home, [dirty, rejected])

    report = validate_load(home, LOAD_ID)

    assert report.blocking_failures == []
    assert {r.check for r in report.warnings} == {Check.QUARANTINE_RATE, Check.FILE_REJECTED}
    [rate] = failed(report, Check.QUARANTINE_RATE)
    assert rate.unexpected_count == 2
    assert "dirty.csv" in " ".join(rate.examples) and "0.3333" in " ".join(rate.examples)
    raise_on_blocking(report)


def test_row_suites_leave_the_contract_rules_to_the_loaders_and_dbt(home: Home) -> None:
    """Required fields, accepted values, minimums and POS signs: the loaders
    quarantine the rows that break them, and the staging models' contract test
    (matches_channel_contract) fails the night on any that lands; GX does not
    check them a third time (docs/validation.md)."""
    broken = {"order_status": ["已发货?"], "quantity": [0], "buyer_ouid": [None]}
    write_load(home, [DeliveredFile("tmall_orders", rows=5, overrides=broken)])

    report = validate_load(home, LOAD_ID)

    assert report.blocking_failures == [] and report.warnings == []
    checks = {r.check for r in report.source("tmall_orders").results}
    assert checks <= {Check.IDENTIFIER_FORMAT, Check.TIME_WINDOW, Check.EVENT_ORDER, Check.AMOUNT_ORDER}


def test_lineage_of_landed_rows_is_checked(home: Home) -> None:
    delivered = DeliveredFile("app_events", rows=5)
    landed = delivered.landed().with_columns(
        pl.when(pl.col("_file_line") == 3).then(2).otherwise(pl.col("_file_line")).alias("_file_line"),
        pl.lit("another-load").alias("_load_id"),
    )
    write_frame(home, delivered, landed)
    write_registry(home, [delivered.registry_row()])

    report = validate_load(home, LOAD_ID)

    lineage = {r.column: r for r in failed(report, Check.LINEAGE)}
    assert set(lineage) == {"lake_load_ids", "rows_with_bad_lineage"}
    assert "rows_with_bad_lineage=2" in lineage["rows_with_bad_lineage"].examples[0]


def test_identifier_and_time_oddities_only_warn(home: Home) -> None:
    future = datetime(2026, 1, 13, tzinfo=timezone.utc)
    ancient = datetime(1970, 1, 1, tzinfo=timezone.utc)
    write_load(
        home,
        [
            DeliveredFile("wechat_oa_followers", rows=4, overrides={"appid": ["wx123"], "subscribed_at": [future, ancient]}),
            DeliveredFile("ad_backflow", rows=5, overrides={"id_type": ["phone_sha256"], "id_value": ["ab" * 16]}),
            DeliveredFile("app_events", rows=3, overrides={"event_id": [" ", "\u3000"]}),
            DeliveredFile("crm_members", rows=3, overrides={"birthday": [date(2030, 1, 1), date(1850, 5, 5)]}),
        ],
    )

    report = validate_load(home, LOAD_ID)

    assert report.blocking_failures == []
    warned = {(r.source, r.check, r.column) for r in report.warnings}
    assert warned == {
        ("wechat_oa_followers", Check.IDENTIFIER_FORMAT, "appid"),
        ("wechat_oa_followers", Check.TIME_WINDOW, "subscribed_at"),
        ("ad_backflow", Check.DIGEST_MATCHES_TYPE, "id_type_digest_length"),
        ("app_events", Check.IDENTIFIER_FORMAT, "event_id"),
        ("crm_members", Check.TIME_WINDOW, "birthday"),
    }
    [blank] = failed(report, Check.IDENTIFIER_FORMAT, "event_id")
    assert blank.unexpected_count == 2


def test_sample_of_a_big_source_is_deterministic(home: Home) -> None:
    # Every row's order id is not digits and names its row: the examples show which rows the sample took.
    order_ids = [f"bad-{row:03d}" for row in range(200)]
    write_load(home, [DeliveredFile("tmall_orders", rows=200, overrides={"order_id": order_ids})])

    first = validate_load(home, LOAD_ID, max_rows_per_source=50, seed=3)
    again = validate_load(home, LOAD_ID, max_rows_per_source=50, seed=3)
    other = validate_load(home, LOAD_ID, max_rows_per_source=50, seed=4)

    tmall = first.source("tmall_orders")
    assert (tmall.rows_landed, tmall.rows_validated, tmall.sampled) == (200, 50, True)
    taken = [failed(r, Check.IDENTIFIER_FORMAT, "order_id")[0] for r in (first, again, other)]
    assert [t.unexpected_count for t in taken] == [50, 50, 50]
    assert taken[0].examples == taken[1].examples != taken[2].examples
    assert list(taken[0].examples) == sorted(taken[0].examples)  # kept in file order
    assert _without_timings(first.to_record()) == _without_timings(again.to_record())
    # The files checks are never sampled.
    assert first.files_results == other.files_results


def test_examples_are_masked(home: Home) -> None:
    overrides = {"order_id": ["+86 138 1234 5678", "139-1234-5678"], "appid": ["bob@example.com"]}
    write_load(
        home,
        [
            DeliveredFile("tmall_orders", rows=3, overrides={"order_id": overrides["order_id"]}),
            DeliveredFile("wechat_oa_followers", rows=3, overrides={"appid": overrides["appid"]}),
        ],
    )

    report = validate_load(home, LOAD_ID)

    stored = json.dumps(report.to_record(), ensure_ascii=False)
    assert "1234 5678" not in stored and "1234-5678" not in stored and "bob@" not in stored
    [ids] = failed(report, Check.IDENTIFIER_FORMAT, "order_id")
    assert set(ids.examples) == {"+86**************", "139**********"}
    [appid] = failed(report, Check.IDENTIFIER_FORMAT, "appid")
    assert appid.examples == ("b***@example.com",)


def test_a_load_without_deliveries_has_nothing_to_validate(home: Home) -> None:
    report = validate_load(home, "20260111T000000Z-000000")

    assert report.sources == [] and report.files_results == [] and report.blocking_failures == []
    assert report.to_record()["load_date"] is None


def test_validation_opens_no_network_connection(home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("validation tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    write_load(home, [DeliveredFile("tmall_members", rows=3)])

    assert validate_load(home, LOAD_ID).blocking_failures == []


def _without_timings(record: dict) -> dict:
    record = {**record, "seconds": None}
    record["sources"] = [{**s, "seconds": None} for s in record["sources"]]
    return record
