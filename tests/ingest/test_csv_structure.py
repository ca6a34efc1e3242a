"""Rows that cannot be parsed, real line numbers, quoting, schema drift and missing columns."""

from __future__ import annotations

import random

import polars as pl
import pytest

from pipeline.ingest.readers.csv.header import find_header, split_header
from pipeline.ingest.readers.csv.line_split import read_line_by_line
from pipeline.ingest.readers.csv.reader import read_csv_batch
from pipeline.ingest.readers.headers import match_header
from pipeline.ingest.rows.rules import judge
from pipeline.ingest.sources import get_source
from tests.ingest.conftest import Lake, csv_text
from tests.ingest.samples import CSV_RECORDS

ESHOP = list(CSV_RECORDS["eshop_orders"])


def eshop(order_id: str, **changes: str) -> list[str]:
    values = [order_id, "1", "u1", "13812345678", "midea", "S1", "1", "10.00", "", "paid", "2026-11-22 10:00:00", ""]
    row = dict(zip(ESHOP, values))
    row.update(changes)
    return list(row.values())


def reasons(lake: Lake, source: str) -> list[tuple[int, str]]:
    return list(lake.quarantined(source).select("_file_line", "reason_code").iter_rows())


def test_truncated_and_wrong_width_lines_are_malformed_with_real_line_numbers(lake: Lake) -> None:
    text = csv_text(
        ESHOP,
        eshop("E1"),
        "",  # blank line: not a record
        "E2,1,u1,138,midea,S1,1,10.00,,paid,2026-11",  # truncated
        eshop("E3"),
        eshop("E4") + ["surplus"],  # one field too many
        eshop("E5") + [""],  # a trailing empty field is still one field too many
        eshop("E6"),
    )
    lake.deliver("eshop_orders", "orders.csv", text)
    outcome = lake.outcome(lake.land(), "orders.csv")
    assert (outcome.rows_read, outcome.rows_landed, outcome.rows_quarantined) == (6, 3, 3)
    assert "1 blank line(s) skipped" in outcome.message
    assert lake.landed("eshop_orders").select("order_id", "_file_line").rows() == [("E1", 2), ("E3", 5), ("E6", 8)]
    quarantined = lake.quarantined("eshop_orders")
    assert quarantined.select("_file_line", "reason_code", "reason_detail").rows() == [
        (4, "malformed_row", "expected 12 fields, found 11"),
        (6, "malformed_row", "expected 12 fields, found 13"),
        (7, "malformed_row", "expected 12 fields, found 13"),
    ]
    assert quarantined["raw_text"][0] == "E2,1,u1,138,midea,S1,1,10.00,,paid,2026-11"


def test_quoted_fields_broken_quotes_and_a_field_over_two_lines(lake: Lake) -> None:
    text = csv_text(
        ESHOP,
        eshop("E1", user_id='"u,1"'),  # quoted comma
        eshop("E2", user_id='"say ""hi"""'),  # doubled quotes
        eshop("E3", user_id='"two\nlines"'),  # one record over two physical lines
        eshop("E4", user_id='"never closed'),
        eshop("E5", user_id='"ab"cd'),
        eshop("E6"),
    )
    lake.deliver("eshop_orders", "orders.csv", text.replace("\n", "\r\n"))
    outcome = lake.outcome(lake.land(), "orders.csv")
    assert (outcome.rows_read, outcome.rows_landed, outcome.rows_quarantined) == (6, 4, 2)
    landed = lake.landed("eshop_orders").select("order_id", "user_id", "_file_line")
    assert landed.rows() == [("E1", "u,1", 2), ("E2", 'say "hi"', 3), ("E3", "two\nlines", 4), ("E6", "u1", 8)]
    assert reasons(lake, "eshop_orders") == [(6, "malformed_row"), (7, "malformed_row")]
    details = lake.quarantined("eshop_orders")["reason_detail"].to_list()
    assert details[0].startswith("broken quoting")


def test_fully_quoted_export_reads_like_an_unquoted_one(lake: Lake) -> None:
    quoted = "\n".join(",".join(f'"{v}"' for v in row) for row in [ESHOP, eshop("E1"), eshop("E2")]) + "\n"
    lake.deliver("eshop_orders", "quoted.csv", quoted)
    lake.deliver("eshop_orders", "plain.csv", csv_text(ESHOP, eshop("E1"), eshop("E2")))
    lake.land()
    landed = lake.landed("eshop_orders").drop("_file_path", "_file_sha256")
    assert landed.height == 4
    assert landed.unique().height == 2


def test_fast_and_line_by_line_reading_agree() -> None:
    source = get_source("eshop_orders")
    rows = [eshop("E1"), "", "E2,1,u1", eshop("E3") + ["x"], eshop("E4", phone="  138 1234 5678 ")]
    plain = csv_text(ESHOP, *rows).encode()
    # A quote opening one field sends the whole file down the line-by-line path.
    quoted = csv_text(ESHOP, *rows, eshop("E9", user_id='"u"')).encode()
    fast, _ = judge(source, read_csv_batch(source, [plain]).frame)
    exact, _ = judge(source, read_csv_batch(source, [quoted]).frame)
    assert fast.equals(exact.filter(pl.col("order_id") != "E9"))


def test_schema_drift_extra_columns_are_ignored_and_recorded(lake: Lake) -> None:
    header = ESHOP[:5] + ["coupon_code"] + ESHOP[5:] + ["channel_note"]
    row = eshop("E1")
    lake.deliver("eshop_orders", "drift.csv", csv_text(header, row[:5] + ["C-1"] + row[5:] + ["n"]))
    outcome = lake.outcome(lake.land(), "drift.csv")
    assert (outcome.status, outcome.rows_landed) == ("loaded", 1)
    assert outcome.extra_columns == "coupon_code, channel_note"
    assert "extra column(s) ignored: coupon_code, channel_note" in outcome.message
    assert lake.landed("eshop_orders").row(0, named=True)["sku"] == "S1"


def test_reordered_columns_land_by_header(lake: Lake) -> None:
    header = list(reversed(ESHOP))
    lake.deliver("eshop_orders", "reordered.csv", csv_text(header, list(reversed(eshop("E1")))))
    lake.land()
    assert lake.landed("eshop_orders").select("order_id", "sku", "paid_amount").rows()[0][:2] == ("E1", "S1")


def test_missing_required_column_rejects_the_file_and_quarantines_every_line(lake: Lake) -> None:
    header = [h for h in ESHOP if h != "sku"]
    rows = [[v for h, v in zip(ESHOP, eshop(f"E{i}")) if h != "sku"] for i in range(3)]
    lake.deliver("eshop_orders", "no_sku.csv", csv_text(header, *rows[:2], "", rows[2]))
    outcome = lake.outcome(lake.land(), "no_sku.csv")
    assert (outcome.status, outcome.rejection_code) == ("rejected", "missing_required_column")
    assert "header lacks required column(s): sku" in outcome.message
    assert (outcome.rows_read, outcome.rows_landed, outcome.rows_quarantined) == (3, 0, 3)
    assert lake.landed("eshop_orders").height == 0
    quarantined = lake.quarantined("eshop_orders")
    assert quarantined.select("_file_line", "reason_code").rows() == [
        (2, "file_rejected"),
        (3, "file_rejected"),
        (5, "file_rejected"),
    ]
    assert quarantined["reason_detail"].str.contains("sku").all()


def test_missing_optional_column_is_null(lake: Lake) -> None:
    header = [h for h in ESHOP if h != "refund_amount"]
    row = [v for h, v in zip(ESHOP, eshop("E1")) if h != "refund_amount"]
    lake.deliver("eshop_orders", "orders.csv", csv_text(header, row))
    outcome = lake.outcome(lake.land(), "orders.csv")
    assert outcome.status == "loaded"
    assert "optional column(s) absent: refund_amount" in outcome.message
    assert lake.landed("eshop_orders")["refund_amount"].to_list() == [None]


@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n", (",".join(ESHOP) + "\r\n").encode(), ",".join(ESHOP).encode()],
    ids=["zero bytes", "blank", "header only", "header without line break"],
)
def test_empty_deliveries(lake: Lake, content: bytes) -> None:
    lake.deliver("eshop_orders", "empty.csv", content)
    outcome = lake.outcome(lake.land(), "empty.csv")
    assert (outcome.status, outcome.rows_read, outcome.rows_landed) == ("empty", 0, 0)
    assert lake.landed("eshop_orders").height == 0


def test_several_files_of_one_source_keep_their_own_lines_and_headers(lake: Lake) -> None:
    lake.deliver("eshop_orders", "a.csv", csv_text(ESHOP, eshop("A1"), eshop("A2")))
    lake.deliver("eshop_orders", "b.csv", "\n" + csv_text(list(reversed(ESHOP)), list(reversed(eshop("B1")))))
    lake.deliver("eshop_orders", "c.csv", csv_text(ESHOP, eshop("C1", qty="x")))
    result = lake.land()
    assert [(f.rows_read, f.rows_landed) for f in result.files] == [(2, 2), (1, 1), (1, 0)]
    landed = lake.landed("eshop_orders")
    assert landed.select("order_id", "_file_line").rows() == [("A1", 2), ("A2", 3), ("B1", 3)]
    assert reasons(lake, "eshop_orders") == [(2, "bad_number")]


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_blank_lines_and_line_endings_keep_line_numbers(lake: Lake, newline: str) -> None:
    lines = [",".join(ESHOP), ",".join(eshop("E1")), "", "   ", ",".join(eshop("E2")), "\u3000", "E3,1", ",".join(eshop("E4"))]
    lake.deliver("eshop_orders", "orders.csv", newline.join(lines) + newline + newline)
    outcome = lake.outcome(lake.land(), "orders.csv")
    assert (outcome.rows_read, outcome.rows_landed, outcome.rows_quarantined) == (4, 3, 1)
    assert "4 blank line(s) skipped" in outcome.message
    assert lake.landed("eshop_orders").select("order_id", "_file_line").rows() == [("E1", 2), ("E2", 5), ("E4", 8)]
    assert lake.quarantined("eshop_orders").select("_file_line", "raw_text").rows() == [(7, "E3,1")]


def test_last_line_without_newline(lake: Lake) -> None:
    lake.deliver("eshop_orders", "orders.csv", csv_text(ESHOP, eshop("E1"), eshop("E2")).rstrip("\n"))
    lake.land()
    assert lake.landed("eshop_orders").select("order_id", "_file_line").rows() == [("E1", 2), ("E2", 3)]


def test_files_sharing_a_header_are_read_together_and_stay_apart(lake: Lake) -> None:
    lake.deliver("eshop_orders", "a.csv", csv_text(ESHOP, eshop("A1"), "A2,1", eshop("A3")))
    lake.deliver("eshop_orders", "b.csv", csv_text(ESHOP, "", eshop("B1"), newline="\r\n"))
    lake.deliver("eshop_orders", "c.csv", ",".join(ESHOP))
    result = lake.land()
    assert [(f.status, f.rows_read, f.rows_landed) for f in result.files] == [("loaded", 3, 2), ("loaded", 1, 1), ("empty", 0, 0)]
    landed = lake.landed("eshop_orders").select("order_id", "_file_path", "_file_line")
    assert [(o, p.rsplit("/", 1)[1], n) for o, p, n in landed.rows()] == [("A1", "a.csv", 2), ("A3", "a.csv", 4), ("B1", "b.csv", 3)]
    assert lake.quarantined("eshop_orders").select("_file_line", "raw_text").rows() == [(3, "A2,1")]


@pytest.mark.parametrize("seed", range(12))
def test_fast_reading_matches_line_by_line_reading_on_messy_files(seed: int) -> None:
    """Random quote-free files (malformed lines, blanks, mixed endings, many files) read both ways."""
    rng = random.Random(seed)
    source = get_source("eshop_orders")
    texts = []
    for _ in range(rng.randint(1, 4)):
        lines = ["\n" * rng.randint(0, 1) + ",".join(ESHOP)]
        for i in range(rng.randint(0, 300)):
            row = eshop(f"E{i}", phone=rng.choice(["138", " 1 ", "", "中文电话", "a\rb"]))
            roll = rng.random()
            if roll < 0.1:
                row = row[: rng.randint(1, len(row) - 1)]
            elif roll < 0.15:
                row = row + [""] * rng.randint(1, 2)
            elif roll < 0.2:
                row = [rng.choice(["", "  ", "\t"])]
            lines.append(",".join(row))
        newline, other = ("\r\n", "\n") if rng.random() < 0.5 else ("\n", "\r\n")
        text = "".join(line + (newline if rng.random() < 0.9 else other) for line in lines)
        texts.append((text if rng.random() < 0.8 else text.rstrip("\n")).encode())
    batch = read_csv_batch(source, texts)
    headers = [find_header(t) for t in texts]
    match = match_header(source, split_header(headers[0].text))
    exact, _ = read_line_by_line(match, texts, headers, list(range(len(texts))))
    columns = ["__file", "__line", "__problem", "__problem_detail"]
    fast = batch.frame.select(columns).sort("__file", "__line")
    assert fast.equals(exact.select(columns).sort("__file", "__line"))
    assert batch.frame.height == exact.height
