"""Charts drawn on the server as SVG: a title and a description for screen readers, a line of the
figures with a marker at each month, and (on the page) the same figures in a table beside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.html import escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40


@dataclass(frozen=True)
class Chart:
    svg: str
    summary: str


def _nice_top(value: int) -> int:
    if value <= 0:
        return 10
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return 10 * magnitude


def line_chart(
    *,
    title: str,
    series: list[tuple[dt.date, int]],
    chart_id: str,
    gridlines: int = 4,
    month_labels: int = 8,
    markers: bool = True,
) -> Chart:
    """An SVG line chart of monthly figures, with the summary sentence that describes it.

    ``gridlines`` (with their values) and ``month_labels`` say how many labels to draw, ``markers``
    whether each month has a dot: a printed report draws fewer, since every label and dot is laid
    out again by the PDF renderer (the figures are in the report's table all the same)."""
    if not series:
        return Chart(svg="", summary=f"{title}: no figures for this period.")
    top = _nice_top(max(v for _, v in series))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(series) - 1, 1)
    points = [(LEFT + i * step, TOP + plot_h * (1 - v / top)) for i, (_, v) in enumerate(series)]
    first, last = series[0], series[-1]
    highest = max(series, key=lambda p: p[1])
    summary = (
        f"{title}: {first[1]:,} in {first[0]:%B %Y} and {last[1]:,} in {last[0]:%B %Y}; "
        f"the highest was {highest[1]:,} in {highest[0]:%B %Y}."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="ts-chart" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]
    for n in range(gridlines + 1):  # gridlines and their labels
        y = TOP + plot_h * n / gridlines
        value = round(top * (1 - n / gridlines))
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b1b4b6" '
            f'stroke-width="1"/><text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#0b0c0c">{value:,}</text>'
        )
    label_every = max(1, -(-len(series) // month_labels))
    for i, (month, _) in enumerate(series):
        if i % label_every == 0 or i == len(series) - 1:
            parts.append(
                f'<text x="{points[i][0]:.1f}" y="{HEIGHT - 16}" text-anchor="middle" font-size="12" '
                f'fill="#0b0c0c">{month:%b %y}</text>'
            )
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(points))
    parts.append(f'<path d="{path}" fill="none" stroke="#1d70b8" stroke-width="3"/>')
    if markers:
        parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1d70b8"/>' for x, y in points)
    parts.append("</svg>")
    return Chart(svg="".join(parts), summary=summary)
