"""Chart drawing: delivered text is escaped, sizes follow the figures, empty data still draws a panel."""

from __future__ import annotations

import re

from pipeline.report import svg


def test_labels_from_the_data_are_escaped() -> None:
    drawn = svg.bar_chart(['<script>alert(1)</script>'], {"a&b": [3]}, label="x")
    assert "<script>" not in drawn and "&lt;script&gt;" in drawn and "a&amp;b" in drawn


def test_bar_lengths_are_proportional() -> None:
    drawn = svg.bar_chart(["small", "large"], {"n": [10, 40]}, label="x")
    widths = [float(w) for w in re.findall(r'class="mark" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', drawn)]
    assert len(widths) == 2 and abs(widths[1] / widths[0] - 4) < 0.01


def test_stacked_bars_add_up() -> None:
    drawn = svg.bar_chart(["row"], {"a": [1], "b": [3]}, stacked=True, label="x")
    xs = [float(x) for x in re.findall(r'class="mark" x="([\d.]+)"', drawn)]
    widths = [float(w) for w in re.findall(r'class="mark" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', drawn)]
    assert abs(xs[1] - (xs[0] + widths[0])) < 0.1 and abs(widths[1] / widths[0] - 3) < 0.01


def test_heatmap_shades_by_value_and_empty_data_says_so() -> None:
    drawn = svg.heatmap(["a", "b"], ["x"], [[0], [5]], label="m", row_title="from", column_title="to")
    opacities = [float(o) for o in re.findall(r'fill-opacity="([\d.]+)"', drawn)]
    assert opacities[0] < opacities[1]
    assert "no data" in svg.bar_chart([], {}, label="nothing")
    assert "<rect" in svg.line_chart([], {}, label="nothing")
