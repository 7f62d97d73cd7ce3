"""Small hand-written SVG charts: horizontal bars, vertical bars and histograms.

Each function returns one ``<svg class="chart" id="...">`` element as a string, ready to
inline into an HTML page: no scripts, no external fonts or styles (the page's ``<style>``
colours the ``bar``/``axis``/``value`` classes; fills are also set inline so a chart copied
out of the page still draws). Every text that comes from data is escaped here, because
labels can be hostile (language codes, reasons and stage names come from run files).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape
from typing import Mapping, Sequence

BAR_FILL = "#3b6ea8"
ESTIMATE_FILL = "#a9c1de"
TEXT_FILL = "#222"
AXIS_STROKE = "#555"
GRID_STROKE = "#ddd"
FONT_SIZE = 12
# Average glyph width at FONT_SIZE in a sans-serif face: enough to size label columns.
CHAR_WIDTH = 6.8


@dataclass(frozen=True)
class Bar:
    """One bar: ``value=None`` draws a "not measured" placeholder instead of a bar."""

    label: str
    value: float | None
    #: Text written beside the bar (defaults to the value with thousands separators).
    caption: str | None = None
    #: Drawn lighter and dashed, and says so in the legend: the value is derived, not counted.
    estimate: bool = False
    #: Extra ``data-*`` attributes on the bar's ``<rect>`` (e.g. ``{"stage": "extract"}``).
    data: Mapping[str, str | int | float] = field(default_factory=dict)


@dataclass(frozen=True)
class HistogramBin:
    """Values ``low <= v < high`` (the last bin also holds ``v == high``)."""

    low: float
    high: float
    count: int


def format_number(value: float) -> str:
    """Integers with thousands separators; other values with up to four significant digits."""
    if isinstance(value, bool):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.4g}" if abs(value) >= 1 else f"{value:.4g}"


def nice_ticks(max_value: float, target_count: int = 5) -> list[float]:
    """Round tick positions from 0 to at least ``max_value`` (steps of 1, 2 or 5 × 10^k)."""
    if max_value <= 0:
        return [0.0, 1.0]
    raw_step = max_value / target_count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step)
    top = math.ceil(max_value / step - 1e-9) * step
    count = int(round(top / step))
    return [round(i * step, 10) for i in range(count + 1)]


def value_ticks(values: Sequence[float | None]) -> list[float]:
    """Axis ticks for ``values``: whole numbers when every value is one (counts never get a 0.5 tick)."""
    top = max((v or 0) for v in values)
    if top >= 1 and all(v is None or float(v).is_integer() for v in values):
        return nice_ticks(top, max(1, min(5, int(top))))
    return nice_ticks(top)


def _attrs(data: Mapping[str, str | int | float]) -> str:
    return "".join(f' data-{escape(str(k))}="{escape(str(v))}"' for k, v in data.items())


def _text(x: float, y: float, content: str, cls: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text class="{cls}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{TEXT_FILL}"'
        f' font-size="{FONT_SIZE}"{extra}>{escape(content)}</text>'
    )


def _svg_open(chart_id: str, title: str, width: float, height: float, kind: str) -> str:
    return (
        f'<svg class="chart chart-{kind}" id="{escape(chart_id)}" xmlns="http://www.w3.org/2000/svg"'
        f' role="img" aria-label="{escape(title)}" width="{width:.0f}" height="{height:.0f}"'
        f' viewBox="0 0 {width:.0f} {height:.0f}"><title>{escape(title)}</title>'
    )


def _empty_chart(chart_id: str, title: str, kind: str, message: str) -> str:
    # Same id and class as a drawn chart, so the page layout and its tests stay stable.
    return (
        _svg_open(chart_id, title, 400, 40, kind + " chart-empty")
        + _text(10, 25, message, "empty")
        + "</svg>"
    )


def _legend_for_estimates(x: float, y: float) -> str:
    return (
        f'<rect class="legend-swatch estimate" x="{x:.1f}" y="{y - 10:.1f}" width="14" height="10"'
        f' fill="{ESTIMATE_FILL}" stroke="{BAR_FILL}" stroke-dasharray="3 2"/>'
        + _text(x + 20, y, "estimate (characters × final tokens per character)", "legend")
    )


def _rect(x: float, y: float, width: float, height: float, bar: Bar) -> str:
    cls = "bar estimate" if bar.estimate else "bar"
    style = f' fill="{ESTIMATE_FILL}" stroke="{BAR_FILL}" stroke-dasharray="3 2"' if bar.estimate else (
        f' fill="{BAR_FILL}"'
    )
    return (
        f'<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" width="{max(width, 0.0):.1f}"'
        f' height="{max(height, 0.0):.1f}"{style} data-label="{escape(bar.label)}"'
        f' data-value="{escape(str(bar.value))}"{_attrs(bar.data)}>'
        f"<title>{escape(bar.label)}: {escape(_caption(bar))}</title></rect>"
    )


def _caption(bar: Bar) -> str:
    if bar.caption is not None:
        return bar.caption
    return "not measured" if bar.value is None else format_number(bar.value)


def horizontal_bar_chart(
    bars: Sequence[Bar], *, chart_id: str, title: str, value_label: str, width: int = 960
) -> str:
    """One row per bar, labels on the left, the caption after the bar: fits long stage names."""
    if not bars:
        return _empty_chart(chart_id, title, "hbar", "no data")
    row_height, top, bottom = 26, 10, 46
    label_width = min(340.0, max(len(b.label) for b in bars) * CHAR_WIDTH + 16)
    caption_width = min(260.0, max(len(_caption(b)) for b in bars) * CHAR_WIDTH + 14)
    plot_left = label_width
    plot_width = width - label_width - caption_width
    height = top + row_height * len(bars) + bottom + (22 if any(b.estimate for b in bars) else 0)
    ticks = value_ticks([b.value for b in bars])
    scale = plot_width / ticks[-1]
    plot_bottom = top + row_height * len(bars)
    parts = [_svg_open(chart_id, title, width, height, "hbar")]
    for tick in ticks:  # grid first so bars draw over it
        x = plot_left + tick * scale
        parts.append(
            f'<line class="grid" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{plot_bottom}" stroke="{GRID_STROKE}"/>'
        )
        parts.append(_text(x, plot_bottom + 16, format_number(tick), "tick", "middle"))
    for i, bar in enumerate(bars):
        y = top + i * row_height
        parts.append(_text(plot_left - 8, y + row_height / 2 + 4, bar.label, "label", "end"))
        if bar.value is None:
            parts.append(_text(plot_left + 6, y + row_height / 2 + 4, "not measured", "value missing"))
            continue
        bar_width = bar.value * scale
        parts.append(_rect(plot_left, y + 4, bar_width, row_height - 8, bar))
        parts.append(_text(plot_left + bar_width + 6, y + row_height / 2 + 4, _caption(bar), "value"))
    parts.append(
        f'<line class="axis" x1="{plot_left}" y1="{top}" x2="{plot_left}" y2="{plot_bottom}" stroke="{AXIS_STROKE}"/>'
        f'<line class="axis" x1="{plot_left}" y1="{plot_bottom}" x2="{plot_left + plot_width:.1f}"'
        f' y2="{plot_bottom}" stroke="{AXIS_STROKE}"/>'
    )
    parts.append(_text(plot_left + plot_width / 2, plot_bottom + 36, value_label, "axis-label", "middle"))
    if any(b.estimate for b in bars):
        parts.append(_legend_for_estimates(plot_left, plot_bottom + 58))
    parts.append("</svg>")
    return "".join(parts)


def _vertical_frame(
    chart_id: str, title: str, kind: str, width: float, values: Sequence[float | None], x_label: str, y_label: str
) -> tuple[list[str], float, float, float, float, float]:
    """The y axis, grid and axis labels; returns parts and the plot box and value scale."""
    left, right, top, bottom = 70.0, 16.0, 24.0, 64.0
    plot_height = 240.0
    height = top + plot_height + bottom
    ticks = value_ticks(values)
    scale = plot_height / ticks[-1]
    plot_bottom = top + plot_height
    parts = [_svg_open(chart_id, title, width, height, kind)]
    for tick in ticks:
        y = plot_bottom - tick * scale
        parts.append(
            f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - right:.1f}" y2="{y:.1f}"'
            f' stroke="{GRID_STROKE}"/>'
        )
        parts.append(_text(left - 6, y + 4, format_number(tick), "tick", "end"))
    parts.append(
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{plot_bottom}" stroke="{AXIS_STROKE}"/>'
        f'<line class="axis" x1="{left}" y1="{plot_bottom}" x2="{width - right:.1f}" y2="{plot_bottom}"'
        f' stroke="{AXIS_STROKE}"/>'
    )
    parts.append(_text((left + width - right) / 2, height - 10, x_label, "axis-label", "middle"))
    parts.append(
        _text(16, top + plot_height / 2, y_label, "axis-label", "middle",
              f' transform="rotate(-90 16 {top + plot_height / 2:.1f})"')
    )
    return parts, left, width - right, top, plot_bottom, scale


def vertical_bar_chart(
    bars: Sequence[Bar], *, chart_id: str, title: str, x_label: str, y_label: str
) -> str:
    """Categories along the x axis (short labels: language codes, cluster sizes)."""
    if not bars:
        return _empty_chart(chart_id, title, "vbar", "no data")
    slot = max(36.0, max(len(b.label) for b in bars) * CHAR_WIDTH + 10)
    width = max(360.0, 70 + 16 + slot * len(bars))
    parts, left, _right, _top, plot_bottom, scale = _vertical_frame(
        chart_id, title, "vbar", width, [b.value for b in bars], x_label, y_label
    )
    for i, bar in enumerate(bars):
        x = left + i * slot
        centre = x + slot / 2
        parts.append(_text(centre, plot_bottom + 16, bar.label, "label", "middle"))
        if bar.value is None:
            parts.append(_text(centre, plot_bottom - 6, "n/a", "value missing", "middle"))
            continue
        bar_height = bar.value * scale
        parts.append(_rect(x + slot * 0.15, plot_bottom - bar_height, slot * 0.7, bar_height, bar))
        if bar.value or bar.caption is not None:  # an empty band needs no "0" over it
            parts.append(_text(centre, plot_bottom - bar_height - 5, _caption(bar), "value", "middle"))
    parts.append("</svg>")
    return "".join(parts)


def histogram_chart(
    bins: Sequence[HistogramBin], *, chart_id: str, title: str, x_label: str, y_label: str, width: int = 960
) -> str:
    """Adjacent bars over value ranges; tick labels on a few bin edges so they never overlap."""
    if not bins or not any(b.count for b in bins):
        return _empty_chart(chart_id, title, "histogram", "no data")
    parts, left, right, _top, plot_bottom, scale = _vertical_frame(
        chart_id, title, "histogram", width, [b.count for b in bins], x_label, y_label
    )
    bin_width = (right - left) / len(bins)
    for i, hbin in enumerate(bins):
        x = left + i * bin_width
        bar_height = hbin.count * scale
        bar = Bar(
            label=f"{format_number(hbin.low)} ≤ n < {format_number(hbin.high)}",
            value=hbin.count,
            data={"low": hbin.low, "high": hbin.high},
        )
        parts.append(_rect(x + 0.5, plot_bottom - bar_height, bin_width - 1, bar_height, bar))
        if hbin.count:
            parts.append(_text(x + bin_width / 2, plot_bottom - bar_height - 4, format_number(hbin.count),
                               "value", "middle"))
    edges = [b.low for b in bins] + [bins[-1].high]
    every = max(1, math.ceil(len(edges) / 8))
    for i in range(0, len(edges), every):
        x = left + i * bin_width
        parts.append(
            f'<line class="tick" x1="{x:.1f}" y1="{plot_bottom}" x2="{x:.1f}" y2="{plot_bottom + 4}"'
            f' stroke="{AXIS_STROKE}"/>'
        )
        parts.append(_text(x, plot_bottom + 17, format_number(edges[i]), "tick", "middle"))
    parts.append("</svg>")
    return "".join(parts)


def histogram_bins(values: Sequence[float], bin_count: int = 20) -> tuple[list[HistogramBin], bool]:
    """Integer-edged bins over ``values``; returns ``(bins, log_scale)``.

    Document lengths are heavy-tailed: when the largest value is over 20× the smallest,
    edges are spaced geometrically (log scale) so the bulk of documents is not squeezed into
    the first bar; otherwise linearly, which reads more naturally.
    """
    import numpy as np

    array = np.asarray(values, dtype=np.float64)
    if array.size == 0:
        return [], False
    low, high = float(array.min()), float(array.max())
    log_scale = high > 20 * max(low, 1.0)
    if log_scale:
        # Geometric edges rounded to two significant digits: 1,000 / 1,300 / 1,600, not 1,047.
        raw = np.geomspace(max(low, 1.0), high + 1, bin_count + 1)
        digits = 1 - np.floor(np.log10(raw)).astype(int)
        edges = np.array([round(float(v), int(d)) for v, d in zip(raw, digits)])
        edges[-1] = max(edges[-1], high + 1)
    else:
        # Round bin widths (1, 2 or 5 × 10^k) starting on a multiple of the width.
        step = max(1.0, nice_ticks(max(high - low, 1.0), bin_count)[1])  # values are integers
        start = math.floor(low / step) * step
        edges = np.arange(start, high + step + 1, step)
        edges = edges[: int(np.searchsorted(edges, high, side="right")) + 1]
    # Integer edges (values are counts); rounding can merge neighbours, so de-duplicate.
    edges = np.unique(np.floor(edges))
    edges[0] = min(edges[0], low)
    if edges.size < 2:
        edges = np.array([low, low + 1])
    counts, _ = np.histogram(array, bins=edges)
    bins = [HistogramBin(float(edges[i]), float(edges[i + 1]), int(counts[i])) for i in range(len(counts))]
    return bins, log_scale
