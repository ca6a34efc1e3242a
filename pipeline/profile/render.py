"""A profile as rich renderables for the terminal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.console import RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pipeline.profile.sections import Profile, Section

# The golden record's headline fields, in the order a marketer reads them.
_FACTS = (
    ("name", "name_masked"),
    ("gender", "gender"),
    ("city", "city"),
    ("tier", "unified_tier_label_zh"),
    ("tier code", "unified_tier_code"),
    ("points (group scale)", "total_points"),
    ("member brands", "member_brands"),
    ("member since", "member_since"),
    ("brands", "brands"),
    ("channels", "sources"),
    ("first seen", "first_seen_at"),
    ("last seen", "last_seen_at"),
)


def show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(show(v) for v in value)
    return str(value)


def profile_renderables(profile: Profile) -> Iterator[RenderableType]:
    yield _header(profile)
    for section in profile.sections:
        yield _section(section)


def _header(profile: Profile) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("OneID", profile.oneid)
    grid.add_row("found by", profile.matched_as)
    if not profile.facts:
        grid.add_row("golden record", Text("dim_person is not in this warehouse", style="yellow"))
    for label, column in _FACTS:
        value = profile.facts.get(column)
        if value not in (None, ""):
            grid.add_row(label, show(value))
    return Panel(grid, title="Person", expand=False)


def _section(section: Section) -> RenderableType:
    if not section.is_available:
        return Text(f"{section.title}: not available ({section.missing})", style="yellow")
    if not section.rows:
        return Text(f"{section.title}: none", style="dim")
    table = Table(title=section.title, title_justify="left", show_lines=False)
    for column in section.columns:
        table.add_column(column.replace("_", " "), overflow="fold")
    for row in section.rows:
        table.add_row(*(show(v) for v in row))
    return table
