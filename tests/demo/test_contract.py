"""Every source is delivered with its contract's headers, encodings and formats."""

from __future__ import annotations

import gzip
import json

import polars as pl

from pipeline.demo.breakage import BROKEN_FILE_MISSING_HEADER, BROKEN_FILE_SOURCE
from pipeline.demo.world import delivered_headers
from pipeline.ingest.sources import SOURCES
from tests.demo.conftest import file_text, inbox_files

APP_EVENT_KEYS = {"event_id", "event_time", "event", "user_id", "phone", "device", "brand", "properties"}
MINIAPP_KEYS = {"appid", "openid", "unionid", "phone", "nickname", "brand", "created_at"}


def _non_empty(home, source: str):
    return [p for p in inbox_files(home) if p.parent.parent.name == source and p.stat().st_size > 0]


def test_csv_sources_carry_the_contract_headers(moderate) -> None:
    home, _ = moderate
    for source in (s for s in SOURCES if s.file_format == "csv"):
        files = _non_empty(home, source.name)
        assert files, source.name
        expected = delivered_headers(source.name)
        missing_required = 0
        for path in (p for p in files if source.format_of(p.name) == "csv"):  # guide_tags: some days JSON Lines
            header = file_text(path).splitlines()[0].split(",")
            missing = [h for h in expected if h not in header]
            if missing == [BROKEN_FILE_MISSING_HEADER] and source.name == BROKEN_FILE_SOURCE:
                missing_required += 1
                continue
            assert not missing, (path, missing)
        assert missing_required == (1 if source.name == BROKEN_FILE_SOURCE else 0)


def test_encodings(moderate) -> None:
    home, _ = moderate
    for source in ("tmall_orders", "pos_sales"):
        for path in _non_empty(home, source):
            data = path.read_bytes()
            data.decode("gb18030")
            assert not data.startswith(b"\xef\xbb\xbf")
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            raise AssertionError(f"{path} decodes as UTF-8: the Chinese header should be GB18030")
    for path in _non_empty(home, "tmall_members"):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path
    for path in _non_empty(home, "crm_members") + _non_empty(home, "products"):
        path.read_bytes().decode("utf-8")


def test_jd_orders_are_readable_xlsx_with_date_cells_and_text(moderate) -> None:
    home, _ = moderate
    time_types = set()
    for path in _non_empty(home, "jd_orders"):
        frame = pl.read_excel(path)
        assert set(delivered_headers("jd_orders")) <= set(frame.columns), path
        if frame.height:
            time_types.add(frame.schema["下单时间"].is_temporal())
    assert time_types == {True, False}


def test_json_lines_sources(moderate) -> None:
    home, _ = moderate
    for source, keys in (("app_events", APP_EVENT_KEYS), ("wechat_miniapp_users", MINIAPP_KEYS)):
        parsed = 0
        for path in _non_empty(home, source):
            if path.name.endswith(".gz"):
                gzip.decompress(path.read_bytes())
            for line in file_text(path).splitlines():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # the rare truncated line
                assert keys <= set(record), (path, record)
                parsed += 1
        assert parsed > 0, source
    suffixes = {p.name.split(".", 1)[1] for p in _non_empty(home, "app_events")}
    assert suffixes == {"jsonl", "jsonl.gz"}
