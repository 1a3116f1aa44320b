"""Inline SVG charts for the HTML report: a sparkline per product and a full price history.

The markup is built here from numbers, with every piece of text (shop names, formatted prices
and dates) escaped by :func:`markupsafe.escape`, and returned as :class:`markupsafe.Markup` so
the autoescaping templates embed it as it is. No script, no external reference: the charts
render in any browser, print, and survive saving the file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal

from markupsafe import Markup, escape

from pricewatch.reports.context import Period, ProductReport
from pricewatch.reports.render.series import Line, competitor_lines, lowest_line

#: Line colours for competitors (colour-blind friendly, Okabe–Ito); the client is black.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442")
OWN_COLOUR = "#111111"


def _text_width(text: str, size: float = 11) -> float:
    """Roughly how wide ``text`` is at ``size`` px: CJK and other wide characters count double."""
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in ("W", "F"))
    return size * (wide + 0.6 * (len(text) - wide))


class _Scale:
    def __init__(
        self, period: Period, low: Decimal, high: Decimal, box: tuple[float, float, float, float]
    ) -> None:
        self.start = period.start.timestamp()
        self.span = max(period.end.timestamp() - self.start, 1.0)
        pad = (high - low) * Decimal("0.08") or max(abs(high) * Decimal("0.05"), Decimal(1))
        self.low, self.high = float(low - pad), float(high + pad)
        self.left, self.top, self.width, self.height = box

    def x(self, moment: datetime) -> float:
        ratio = (moment.timestamp() - self.start) / self.span
        return self.left + min(max(ratio, 0.0), 1.0) * self.width

    def y(self, value: Decimal) -> float:
        ratio = (float(value) - self.low) / (self.high - self.low)
        return self.top + (1 - ratio) * self.height


def _step_path(line: Line, scale: _Scale, end: datetime) -> str:
    """A stepped polyline: each price holds until the next point, the last one until ``end``."""
    coords: list[str] = []
    previous_y: float | None = None
    for moment, value in line.points:
        x, y = scale.x(moment), scale.y(value)
        if previous_y is not None:
            coords.append(f"{x:.1f},{previous_y:.1f}")
        coords.append(f"{x:.1f},{y:.1f}")
        previous_y = y
    if previous_y is not None:
        coords.append(f"{scale.x(end):.1f},{previous_y:.1f}")
    return " ".join(coords)


def _bounds(lines: Sequence[Line], own: Decimal | None) -> tuple[Decimal, Decimal] | None:
    values = [v for line in lines for _, v in line.points]
    if own is not None:
        values.append(own)
    return (min(values), max(values)) if values else None


def sparkline(
    product: ProductReport, period: Period, *, width: int = 120, height: int = 28
) -> Markup:
    """The lowest competitor price through the period (blue) against own price (dashed)."""
    line = lowest_line(product)
    bounds = _bounds([line], product.own_price)
    if bounds is None or not line.points:
        return Markup("")
    scale = _Scale(period, *bounds, box=(1, 2, width - 2, height - 4))
    parts = [
        f'<svg class="spark" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-hidden="true">'
    ]
    if product.own_price is not None:
        y = scale.y(product.own_price)
        parts.append(
            f'<line x1="1" y1="{y:.1f}" x2="{width - 1}" y2="{y:.1f}" stroke="{OWN_COLOUR}" '
            'stroke-width="1" stroke-dasharray="3 2"/>'
        )
    parts.append(
        f'<polyline fill="none" stroke="{PALETTE[0]}" stroke-width="1.6" '
        f'points="{_step_path(line, scale, period.end)}"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def history_chart(
    product: ProductReport,
    period: Period,
    *,
    money: Callable[[Decimal], str],
    when: Callable[[datetime], str],
    own_label: str,
    width: int = 640,
    height: int = 220,
) -> Markup:
    """Every competitor's price through the period, own price dashed, with axis labels."""
    lines = competitor_lines(product)
    bounds = _bounds(lines, product.own_price)
    if bounds is None or not lines:
        return Markup("")
    left, top, bottom, right = 78, 10, 46, 10
    plot_w, plot_h = width - left - right, height - top - bottom
    scale = _Scale(period, *bounds, box=(left, top, plot_w, plot_h))
    title = escape(product.title or product.sku)
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{title}">',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafafa" '
        'stroke="#ddd"/>',
    ]
    low, high = bounds
    for value in (low, high) if low != high else (low,):
        y = scale.y(value)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e5e5e5"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#555">{escape(money(value))}</text>'
        )
    for moment, anchor in ((period.start, "start"), (period.end, "end")):
        parts.append(
            f'<text x="{scale.x(moment):.1f}" y="{top + plot_h + 16}" text-anchor="{anchor}" '
            f'font-size="11" fill="#555">{escape(when(moment))}</text>'
        )
    if product.own_price is not None:
        y = scale.y(product.own_price)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="{OWN_COLOUR}" stroke-width="1.2" stroke-dasharray="5 3"/>'
        )
    legend = [(own_label, OWN_COLOUR)] if product.own_price is not None else []
    for index, line in enumerate(lines):
        colour = PALETTE[index % len(PALETTE)]
        legend.append((line.label, colour))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
            f'points="{_step_path(line, scale, period.end)}"/>'
        )
    x = float(left)
    for label, colour in legend:
        parts.append(
            f'<rect x="{x:.0f}" y="{height - 10}" width="10" height="4" fill="{colour}"/>'
            f'<text x="{x + 14:.0f}" y="{height - 4}" font-size="11" fill="#333">'
            f"{escape(label)}</text>"
        )
        x += 24 + _text_width(label)
    parts.append("</svg>")
    return Markup("".join(parts))
