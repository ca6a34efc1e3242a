"""The report as one HTML file: inline CSS, inline SVG, a few lines of inline JS.

Nothing is fetched: no CDN, no font, no image. The script only checks, once
the browser has laid the page out, that every chart drew shapes of a real
size, and marks each figure `data-rendered`; and that the page's fonts draw
Chinese with real glyphs (`data-cjk-glyphs`), showing a notice when this
computer has no Chinese font. The headless-browser test reads both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from pipeline.report.charts import Chart
from pipeline.report.svg import FONT_FAMILY


@dataclass(frozen=True)
class Headline:
    label: str
    value: str


_CSS = f"""
:root {{ color-scheme: light; }}
body {{ margin: 0; background: #f1f5f9; color: #0f172a; font: 14px/1.45 {FONT_FAMILY}; }}
header {{ background: #0f172a; color: #f8fafc; padding: 18px 28px; }}
header h1 {{ margin: 0; font-size: 22px; }}
header p {{ margin: 4px 0 0; color: #cbd5e1; }}
main {{ padding: 18px 28px 40px; }}
.tiles {{ display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 18px; }}
.tile {{ background: #fff; border-radius: 8px; padding: 10px 16px; min-width: 130px; box-shadow: 0 1px 2px #0001; }}
.tile b {{ display: block; font-size: 20px; }}
.tile span {{ color: #64748b; font-size: 12px; }}
.grid {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px; }}
figure {{ margin: 0; background: #fff; border-radius: 8px; padding: 14px 16px; box-shadow: 0 1px 2px #0001; }}
figure h2 {{ margin: 0 0 2px; font-size: 16px; }}
figcaption {{ color: #475569; font-size: 12px; margin-bottom: 8px; }}
figure svg {{ display: block; margin-top: 6px; }}
footer {{ color: #64748b; font-size: 12px; padding: 0 28px 24px; }}
#font-notice {{ background: #fef3c7; color: #78350f; margin: 0 0 12px; padding: 8px 12px; border-radius: 6px; }}
"""

_SCRIPT = """
(function () {
  var figures = document.querySelectorAll('figure.chart');
  var rendered = 0;
  figures.forEach(function (figure) {
    var shapes = figure.querySelectorAll('svg rect, svg polyline, svg line, svg text');
    var drawn = Array.prototype.some.call(figure.querySelectorAll('svg'), function (s) {
      var box = s.getBoundingClientRect();
      return box.width > 0 && box.height > 0;
    });
    var ok = shapes.length > 0 && drawn;
    figure.setAttribute('data-rendered', ok ? 'true' : 'false');
    if (ok) { rendered += 1; }
  });
  document.documentElement.setAttribute('data-charts', String(figures.length));
  document.documentElement.setAttribute('data-charts-rendered', String(rendered));
  // Without a Chinese font, every Chinese character is drawn as the same
  // empty box: two different characters give the same pixels.
  var probe = document.createElement('canvas');
  probe.width = 48;
  probe.height = 32;
  var pen = probe.getContext('2d');
  var family = getComputedStyle(document.body).fontFamily;
  function pixels(text) {
    pen.clearRect(0, 0, probe.width, probe.height);
    pen.font = '24px ' + family;
    pen.fillText(text, 4, 26);
    return Array.prototype.join.call(pen.getImageData(0, 0, probe.width, probe.height).data, '');
  }
  var glyphs = pixels('中') !== pixels('文');
  document.documentElement.setAttribute('data-cjk-glyphs', glyphs ? 'true' : 'false');
  if (!glyphs) { document.getElementById('font-notice').hidden = false; }
})();
"""


def render_page(
    *, title: str, subtitle: str, headlines: Sequence[Headline], charts: Sequence[Chart], footer: str
) -> str:
    tiles = "".join(f'<div class="tile"><b>{escape(h.value)}</b><span>{escape(h.label)}</span></div>' for h in headlines)
    figures = "".join(
        f'<figure class="chart" id="chart-{escape(c.key)}" data-chart="{escape(c.key)}" '
        f'data-has-data="{"true" if c.has_data else "false"}">'
        f"<h2>{escape(c.title)}</h2><figcaption>{escape(c.caption)}</figcaption>{c.svg}</figure>"
        for c in charts
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # No network, ever: the page may not load anything but itself.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
        f"<body><header><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header>"
        '<main><p id="font-notice" hidden>This computer has no Chinese font, so Chinese labels show as boxes. '
        "Install one (on Debian or Ubuntu: apt-get install fonts-noto-cjk) and reload.</p>"
        f'<section class="tiles">{tiles}</section><section class="grid">{figures}</section></main>'
        f"<footer>{escape(footer)}</footer><script>{_SCRIPT}</script></body></html>\n"
    )
