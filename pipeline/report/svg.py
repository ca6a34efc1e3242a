"""Charts as inline SVG strings: bars, stacked bars, lines, a heatmap.

Generated in Python so the report needs no script library and no network;
every chart is one <svg> whose shapes carry a <title> (the browser's own
tooltip) with the exact figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#2563eb", "#f97316", "#16a34a", "#dc2626", "#9333ea", "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d")
# Latin from the system's UI font; Chinese from the font each system ships
# (macOS PingFang / Hiragino, Windows Microsoft YaHei, Linux Noto CJK,
# Source Han or WenQuanYi): the browser falls back character by character.
FONT_FAMILY = (
    "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', "
    "'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif"
)
FONT = f"font-family:{FONT_FAMILY}"


def _fmt(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:.1f}k"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(label)}" style="{FONT};font-size:11px">' + "".join(body) + "</svg>"
    )


LEGEND_ITEM_WIDTH = 130
LEGEND_ROW_HEIGHT = 16


def _legend_rows(count: int, x: int, width: int) -> int:
    per_row = max((width - x) // LEGEND_ITEM_WIDTH, 1)
    return -(-count // per_row)


def _legend(names: Sequence[str], x: int, y: int, width: int) -> list[str]:
    """Colour keys, wrapped onto as many rows as the width needs."""
    per_row = max((width - x) // LEGEND_ITEM_WIDTH, 1)
    parts = []
    for i, name in enumerate(names):
        dx = x + (i % per_row) * LEGEND_ITEM_WIDTH
        dy = y + (i // per_row) * LEGEND_ROW_HEIGHT
        parts.append(f'<rect x="{dx}" y="{dy - 9}" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(f'<text x="{dx + 14}" y="{dy}">{escape(str(name)[:18])}</text>')
    return parts


def _text_width(text: str) -> float:
    """Rough width in pixels at 11px: CJK characters are about twice as wide as Latin ones."""
    return sum(11.0 if ord(ch) >= 0x2E80 else 6.2 for ch in text)


def empty_chart(message: str, width: int = 640, height: int = 120) -> str:
    """A chart with nothing to draw still says why, so a reader never sees a blank box."""
    body = [
        f'<rect x="1" y="1" width="{width - 2}" height="{height - 2}" fill="#f8fafc" stroke="#cbd5e1" stroke-dasharray="4 3"/>',
        f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="#64748b">{escape(message)}</text>',
    ]
    return _svg(width, height, body, message)


def bar_chart(
    categories: Sequence[str],
    series: dict[str, Sequence[float]],
    *,
    stacked: bool = False,
    label: str,
    width: int = 640,
    value_suffix: str = "",
) -> str:
    """Horizontal bars, one row per category; several series side by side or stacked."""
    if not categories or not series:
        return empty_chart(f"{label}: no data")
    names = list(series)
    row_height = 22 if stacked or len(names) == 1 else 12 * len(names) + 8
    left, right = min(max(int(max(_text_width(str(c)) for c in categories)) + 12, 80), width // 2), 70
    top = 8 + LEGEND_ROW_HEIGHT * _legend_rows(len(names), left, width) if len(names) > 1 else 8
    height = top + row_height * len(categories) + 24
    totals = [sum(series[n][i] for n in names) for i in range(len(categories))]
    peak = max((max(totals) if stacked else max(max(v) for v in series.values())), 0) or 1
    scale = (width - left - right) / peak
    body = _legend(names, left, 14, width) if len(names) > 1 else []
    for i, category in enumerate(categories):
        y = top + i * row_height
        body.append(f'<text x="{left - 6}" y="{y + row_height / 2 + 4}" text-anchor="end">{escape(str(category)[:40])}</text>')
        offset = 0.0
        for j, name in enumerate(names):
            value = float(series[name][i] or 0)
            bar = max(value * scale, 0)
            color = PALETTE[j % len(PALETTE)]
            if stacked:
                x, by, bh = left + offset, y + 3, row_height - 6
                offset += bar
            else:
                x, bh = left, (row_height - 8) / len(names)
                by = y + 4 + j * bh
            body.append(
                f'<rect class="mark" x="{x:.1f}" y="{by:.1f}" width="{max(bar, 0.5):.1f}" height="{bh:.1f}" fill="{color}">'
                f"<title>{escape(str(category))} · {escape(name)}: {_fmt(value)}{value_suffix}</title></rect>"
            )
            if not stacked:
                body.append(f'<text x="{x + bar + 4:.1f}" y="{by + bh - 1:.1f}" fill="#334155">{_fmt(value)}{value_suffix}</text>')
        if stacked:
            body.append(f'<text x="{left + offset + 4:.1f}" y="{y + row_height / 2 + 4}" fill="#334155">{_fmt(totals[i])}{value_suffix}</text>')
    return _svg(width, height, body, label)


def line_chart(
    x_labels: Sequence[str],
    series: dict[str, Sequence[float]],
    *,
    label: str,
    width: int = 640,
    height: int = 240,
) -> str:
    """Lines over an ordered axis (dates); at most ~8 x labels are printed."""
    if not x_labels or not series:
        return empty_chart(f"{label}: no data")
    left, right, bottom = 64, 20, 30
    top = 12 + LEGEND_ROW_HEIGHT * _legend_rows(len(series), left, width)
    peak = max((max(v) for v in series.values() if len(v)), default=0) or 1
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(x_labels) - 1, 1)
    body = _legend(list(series), left, 14, width)
    for k in range(5):
        gy = top + plot_h * k / 4
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="#e2e8f0"/>')
        body.append(f'<text x="{left - 4}" y="{gy + 4:.1f}" text-anchor="end" fill="#64748b">{_fmt(round(peak * (1 - k / 4)))}</text>')
    every = max(len(x_labels) // 8, 1)
    for i, x_label in enumerate(x_labels):
        if i % every == 0:
            body.append(f'<text x="{left + i * step:.1f}" y="{height - 10}" text-anchor="middle" fill="#64748b">{escape(str(x_label))}</text>')
    for j, (name, values) in enumerate(series.items()):
        color = PALETTE[j % len(PALETTE)]
        points = " ".join(f"{left + i * step:.1f},{top + plot_h * (1 - float(v or 0) / peak):.1f}" for i, v in enumerate(values))
        body.append(f'<polyline class="mark" fill="none" stroke="{color}" stroke-width="2" points="{points}"><title>{escape(name)}</title></polyline>')
    return _svg(width, height, body, label)


def heatmap(
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    values: Sequence[Sequence[float]],
    *,
    label: str,
    row_title: str,
    column_title: str,
    width: int = 640,
) -> str:
    """A matrix of counts, darker for more (the AIPL flow: from-stage rows, to-stage columns)."""
    if not row_labels or not column_labels:
        return empty_chart(f"{label}: no data")
    left, top = 110, 44
    cell_w = (width - left - 10) / len(column_labels)
    cell_h = 30
    height = top + cell_h * len(row_labels) + 10
    peak = max((max(r) for r in values), default=0) or 1
    body = [f'<text x="{left + (width - left) / 2:.1f}" y="12" text-anchor="middle" font-weight="600">{escape(column_title)} →</text>']
    body.append(f'<text x="8" y="30" font-weight="600">{escape(row_title)} ↓</text>')
    for c, name in enumerate(column_labels):
        body.append(f'<text x="{left + (c + 0.5) * cell_w:.1f}" y="{top - 8}" text-anchor="middle">{escape(str(name))}</text>')
    for r, row_name in enumerate(row_labels):
        y = top + r * cell_h
        body.append(f'<text x="{left - 6}" y="{y + cell_h / 2 + 4}" text-anchor="end">{escape(str(row_name))}</text>')
        for c, column_name in enumerate(column_labels):
            value = float(values[r][c] or 0)
            shade = 0.08 + 0.85 * value / peak if value else 0.03
            x = left + c * cell_w
            body.append(
                f'<rect class="mark" x="{x:.1f}" y="{y}" width="{cell_w - 2:.1f}" height="{cell_h - 2}" '
                f'fill="#2563eb" fill-opacity="{shade:.2f}"><title>{escape(str(row_name))} → {escape(str(column_name))}: {_fmt(value)}</title></rect>'
            )
            text_color = "#fff" if shade > 0.5 else "#0f172a"
            body.append(f'<text x="{x + cell_w / 2:.1f}" y="{y + cell_h / 2 + 4}" text-anchor="middle" fill="{text_color}">{_fmt(value) if value else ""}</text>')
    return _svg(width, height, body, label)
