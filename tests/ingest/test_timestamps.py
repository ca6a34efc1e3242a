"""Every supported time spelling lands as the right UTC instant."""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl
import pytest

from pipeline.ingest.rows.timestamps import parse_timestamps
from tests.ingest.conftest import Lake, csv_text
from tests.ingest.samples import CSV_RECORDS

UTC = timezone.utc
CASES = [
    ("2026-11-22 10:00:00", datetime(2026, 11, 22, 2, 0, tzinfo=UTC)),
    ("2026-11-22 10:00:00.250", datetime(2026, 11, 22, 2, 0, 0, 250000, tzinfo=UTC)),
    ("2026/11/22 10:00", datetime(2026, 11, 22, 2, 0, tzinfo=UTC)),
    ("2026/11/22 10:00:05", datetime(2026, 11, 22, 2, 0, 5, tzinfo=UTC)),
    ("2026/1/2 3:04", datetime(2026, 1, 1, 19, 4, tzinfo=UTC)),
    ("2026-11-22T10:00:00", datetime(2026, 11, 22, 2, 0, tzinfo=UTC)),
    ("2026-11-22T10:00:00+08:00", datetime(2026, 11, 22, 2, 0, tzinfo=UTC)),
    ("2026-11-22T10:00:00.123+08:00", datetime(2026, 11, 22, 2, 0, 0, 123000, tzinfo=UTC)),
    ("2026-11-22T10:00:00Z", datetime(2026, 11, 22, 10, 0, tzinfo=UTC)),
    ("2026-11-22T10:00:00.5z", datetime(2026, 11, 22, 10, 0, 0, 500000, tzinfo=UTC)),
    ("2026-11-22T10:00:00+0900", datetime(2026, 11, 22, 1, 0, tzinfo=UTC)),
    ("2026-11-22T10:00:00-05", datetime(2026, 11, 22, 15, 0, tzinfo=UTC)),
    ("2026-11-22 10:00:00+08:00", datetime(2026, 11, 22, 2, 0, tzinfo=UTC)),
    ("1732245000", datetime(2024, 11, 22, 3, 10, tzinfo=UTC)),
    ("1732245000123", datetime(2024, 11, 22, 3, 10, 0, 123000, tzinfo=UTC)),
    ("1732245000.25", datetime(2024, 11, 22, 3, 10, 0, 250000, tzinfo=UTC)),
    ("1732245000123.0", datetime(2024, 11, 22, 3, 10, 0, 123000, tzinfo=UTC)),
]
BAD = [
    "2026-02-30 10:00:00",
    "2026-11-22 25:00:00",
    "2026-11-22",
    "22/11/2026 10:00",
    "173224500",
    "1732245000123.5",
    "１７３２２４５０００",
    "46348.5",
    "now",
]


@pytest.mark.parametrize(("text", "instant"), CASES, ids=[c[0] for c in CASES])
def test_each_spelling_alone(text: str, instant: datetime) -> None:
    assert parse_timestamps(pl.Series([text])).to_list() == [instant]


def test_mixed_spellings_in_one_column_in_any_order() -> None:
    texts = [t for t, _ in CASES] + BAD + [None]
    expected = [i for _, i in CASES] + [None] * (len(BAD) + 1)
    assert parse_timestamps(pl.Series(texts)).to_list() == expected
    assert parse_timestamps(pl.Series(texts[::-1])).to_list() == expected[::-1]


def test_excel_serial_days_only_when_asked() -> None:
    serials = pl.Series(["46348.4375", "46348"])
    assert parse_timestamps(serials).to_list() == [None, None]
    assert parse_timestamps(serials, excel_serials=True).to_list() == [
        datetime(2026, 11, 22, 2, 30, tzinfo=UTC),
        datetime(2026, 11, 21, 16, 0, tzinfo=UTC),
    ]


def test_bad_timestamps_are_quarantined_and_empty_optional_ones_are_null(lake: Lake) -> None:
    header = list(CSV_RECORDS["eshop_orders"])
    rows = [
        list(dict(CSV_RECORDS["eshop_orders"], order_id="E1", created_at="2026-11-22 10:00:00", paid_at="").values()),
        list(dict(CSV_RECORDS["eshop_orders"], order_id="E2", created_at="2026-11-22 10:00", paid_at="").values()),
        list(dict(CSV_RECORDS["eshop_orders"], order_id="E3", paid_at="yesterday").values()),
    ]
    lake.deliver("eshop_orders", "orders.csv", csv_text(header, *rows))
    lake.land()
    landed = lake.landed("eshop_orders")
    assert landed.select("order_id", "paid_at").rows() == [("E1", None)]
    assert lake.quarantined("eshop_orders").select("reason_code", "reason_detail").rows() == [
        ("bad_timestamp", "created_at: not a supported time format: '2026-11-22 10:00'"),
        ("bad_timestamp", "paid_at: not a supported time format: 'yesterday'"),
    ]


def test_epoch_seconds_and_iso_offsets_in_deliveries(lake: Lake) -> None:
    followers = dict(CSV_RECORDS["wechat_oa_followers"], subscribe_time="1732245000", unsubscribe_time="1732248600")
    lake.deliver("wechat_oa_followers", "followers.csv", csv_text(list(followers), list(followers.values())))
    events = [
        '{"event_id":"a","event_time":"2026-11-22T10:00:00+08:00","event":"search","brand":"m"}',
        '{"event_id":"b","event_time":"2026-11-22T02:00:00Z","event":"search","brand":"m"}',
        '{"event_id":"c","event_time":"2026-11-21T21:00:00-05:00","event":"search","brand":"m"}',
    ]
    lake.deliver("app_events", "events.jsonl", "\n".join(events) + "\n")
    lake.land()
    follower = lake.landed("wechat_oa_followers").row(0, named=True)
    assert follower["subscribed_at"] == datetime(2024, 11, 22, 3, 10, tzinfo=UTC)
    assert follower["unsubscribed_at"] == datetime(2024, 11, 22, 4, 10, tzinfo=UTC)
    assert set(lake.landed("app_events")["event_at"].to_list()) == {datetime(2026, 11, 22, 2, 0, tzinfo=UTC)}
