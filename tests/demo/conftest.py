"""A moderately sized generated home shared by the demo tests (generated once per session)."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

from pipeline.demo.generate import GenerateSummary, generate
from pipeline.home import Home

END = date(2026, 11, 20)


@pytest.fixture(scope="session")
def moderate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, GenerateSummary]:
    """3,000 people over 45 days: big enough that every kind of mess shows up."""
    home = Home(tmp_path_factory.mktemp("demo-moderate"))
    summary = generate(home, persons=3000, days=45, seed=5, end_date=END)
    return home, summary


def inbox_files(home: Home) -> list[Path]:
    return sorted(path for path in home.inbox.rglob("*") if path.is_file())


def file_text(path: Path) -> str:
    """The decoded text of a CSV or JSON Lines delivery (GB18030 where the contract says so)."""
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    source = path.parent.parent.name
    encoding = "gb18030" if source in ("tmall_orders", "pos_sales") else "utf-8"
    return data.decode(encoding).removeprefix("\ufeff")
