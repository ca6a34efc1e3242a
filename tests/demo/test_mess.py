"""Every kind of mess the contract lists shows up in a moderately sized inbox."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict

import polars as pl
import pytest

from pipeline.demo.breakage import BAD_VALUES, BAD_AMOUNT, BAD_TIMESTAMP, UNKNOWN_STATUSES
from pipeline.demo.mess import EMAIL_JUNK, PHONE_JUNK, ZERO_DEVICE_ID
from tests.demo.conftest import file_text, inbox_files


@pytest.fixture(scope="module")
def texts(moderate) -> dict[str, list[tuple[str, str]]]:
    """source -> [(relative path, decoded text)] of the CSV and JSON Lines files."""
    home, _ = moderate
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path in inbox_files(home):
        if path.suffix != ".xlsx" and path.stat().st_size:
            found[path.parent.parent.name].append((str(path.relative_to(home.inbox)), file_text(path)))
    return found


def _rows(texts, source: str) -> list[dict[str, str]]:
    rows = []
    for _, text in texts[source]:
        rows.extend(csv.DictReader(io.StringIO(text)))
    return rows


def _column(texts, source: str, header: str) -> list[str]:
    return [row[header] for row in _rows(texts, source) if row.get(header) is not None]


def _jd(moderate) -> pl.DataFrame:
    home, _ = moderate
    frames = [pl.read_excel(p, infer_schema_length=0) for p in inbox_files(home) if p.suffix == ".xlsx" and p.stat().st_size]
    return pl.concat([f.select("订单号", "客户姓名", "联系电话", "订单状态", "下单时间") for f in frames if f.height])


def test_masked_values(texts, moderate) -> None:
    masked_phone = re.compile(r"^1[3-9]\d\*{4}\d{4}$")
    assert any(masked_phone.match(v) for v in _column(texts, "tmall_orders", "联系手机"))
    assert any(re.match(r"^.\*\*.$", v) for v in _column(texts, "tmall_orders", "买家会员名"))
    jd = _jd(moderate)
    assert jd["联系电话"].str.contains(r"^1[3-9]\d\*{4}\d{4}$").any()
    assert jd["客户姓名"].str.contains(r"^\S+\*+$").all()


def test_junk_placeholders(texts) -> None:
    phones = set()
    for source, header in (("crm_members", "phone"), ("pos_sales", "手机号"), ("eshop_orders", "phone"), ("tmall_orders", "联系手机")):
        phones.update(_column(texts, source, header))
    assert set(PHONE_JUNK) <= phones
    assert set(EMAIL_JUNK) <= set(_column(texts, "crm_members", "email"))
    assert any(ZERO_DEVICE_ID in text for _, text in texts["app_events"])


def test_every_phone_format(texts) -> None:
    phones = _column(texts, "crm_members", "phone") + _column(texts, "pos_sales", "手机号") + _column(texts, "eshop_orders", "phone")
    patterns = {
        "plain": r"^1[3-9]\d{9}$",
        "+86 spaced": r"^\+86 1\d{2} \d{4} \d{4}$",
        "+86": r"^\+861\d{10}$",
        "0086": r"^0086-1\d{2}-\d{4}-\d{4}$",
        "86-": r"^86-1\d{10}$",
        "dashed": r"^1\d{2}-\d{4}-\d{4}$",
        "spaced": r"^1\d{2} \d{4} \d{4}$",
        "full width": r"^[０-９]{11}$",
        "scientific": r"^1(\.\d{1,5})?E\+10$",
    }
    for name, pattern in patterns.items():
        assert any(re.match(pattern, p) for p in phones), name


def test_excel_escaped_order_ids(texts) -> None:
    assert any(re.search(r'^="\d{19}",="\d{19}",', text, re.M) for _, text in texts["tmall_orders"])


def test_client_retries_duplicate_event_ids(texts) -> None:
    ids = Counter(re.findall(r'"event_id":"([0-9a-f-]{36})"', "\n".join(t for _, t in texts["app_events"])))
    assert max(ids.values()) >= 2


def test_redelivered_empty_and_zero_byte_files(moderate) -> None:
    home, _ = moderate
    by_content = defaultdict(list)
    header_only = zero = 0
    for path in inbox_files(home):
        data = path.read_bytes()
        if not data:
            zero += 1
            continue
        by_content[data].append(path)
        if path.suffix == ".csv" and len(file_text(path).splitlines()) == 1:
            header_only += 1
    assert any(len(paths) > 1 for paths in by_content.values())
    assert header_only and zero


def test_store_returns_are_negative(texts) -> None:
    rows = _rows(texts, "pos_sales")
    returns = [r for r in rows if (r["数量"] or "").startswith("-")]
    amounts = [r["金额"] for r in returns if re.fullmatch(r"-?\d+\.\d{2}", r["金额"] or "")]  # broken rows aside
    assert amounts and all(a.startswith("-") for a in amounts)


def test_impossible_birthdays_and_extra_columns(texts) -> None:
    birthdays = set(_column(texts, "crm_members", "birthday"))
    assert birthdays & {"1990-02-30", "19870231", "2099-01-01", "0000-00-00", "1900-13-01", "19851340"}
    headers = {text.splitlines()[0] for source in texts for _, text in texts[source] if source != "app_events"}
    assert any(extra in header for header in headers for extra in ("备注", "渠道来源", "remark", "ext_info"))


def test_late_deliveries_and_line_endings(moderate) -> None:
    home, _ = moderate
    late = crlf = 0
    for path in inbox_files(home):
        tag = re.search(r"(\d{8})", path.name)
        if tag and tag.group(1) < path.parent.name.replace("-", ""):
            late += 1
        if path.suffix == ".csv" and b"\r\n" in path.read_bytes()[:4096]:
            crlf += 1
    assert late and crlf


def test_broken_rows(texts, moderate) -> None:
    everything = "\n".join(text for source in texts for _, text in texts[source])
    jd = _jd(moderate)
    jd_text = "\n".join("|".join(str(v) for v in row) for row in jd.iter_rows())
    assert any(v in everything or v in jd_text for v in BAD_VALUES[BAD_TIMESTAMP])
    assert any(v in everything or v in jd_text for v in BAD_VALUES[BAD_AMOUNT])
    assert any(s in everything or s in jd_text for s in UNKNOWN_STATUSES.values())
    truncated = 0
    for source, files in texts.items():
        for _, text in files:
            if source in ("app_events", "wechat_miniapp_users"):
                for line in text.splitlines():
                    try:
                        json.loads(line)
                    except json.JSONDecodeError:
                        truncated += 1
            else:
                rows = list(csv.reader(io.StringIO(text)))
                truncated += sum(1 for row in rows[1:] if len(row) < len(rows[0]))
    assert truncated >= 1


def test_shared_devices_are_seen_with_several_people(texts, moderate) -> None:
    home, _ = moderate
    users = defaultdict(set)
    for _, text in texts["app_events"]:
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            device = record["device"]["oaid"] or record["device"]["idfa"]
            if device and device != ZERO_DEVICE_ID and record["user_id"]:
                users[device].add(record["user_id"])
    shared = pl.read_parquet(home.truth / "shared_devices.parquet")
    tablets = set(shared.filter(pl.col("sharing") == "store")["value"])
    families = set(shared.filter(pl.col("sharing") == "family")["value"])
    assert max(len(users[d]) for d in tablets) >= 3  # hundreds in a year of a million people
    assert max(len(users[d]) for d in families) >= 2
