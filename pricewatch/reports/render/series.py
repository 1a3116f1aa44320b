"""Price series for charts, derived from the context: step lines and daily samples.

A competitor's :attr:`~pricewatch.reports.context.Competitor.history` is a step function (a
price holds from one point to the next). The "lowest" line of a product is, at each moment,
the cheapest competitor in stock then — out-of-stock and gone listings do not count, as in the
report's figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pricewatch.reports.context import Competitor, Period, PricePoint, ProductReport


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    points: tuple[tuple[datetime, Decimal], ...]


def price_at(history: tuple[PricePoint, ...], moment: datetime) -> PricePoint | None:
    """The point in force at ``moment`` (the last one at or before it)."""
    found = None
    for point in history:
        if point.at > moment:
            break
        found = point
    return found


def _eligible(competitor: Competitor) -> bool:
    return not competitor.gone and any(p.converted is not None for p in competitor.history)


def lowest_line(product: ProductReport) -> Line:
    """The cheapest in-stock competitor price through the period, as a step line."""
    competitors = [c for c in product.competitors if _eligible(c)]
    moments = sorted({p.at for c in competitors for p in c.history})
    points: list[tuple[datetime, Decimal]] = []
    for moment in moments:
        prices = [
            p.converted
            for c in competitors
            if (p := price_at(c.history, moment)) is not None
            and p.converted is not None
            and p.availability != "out_of_stock"
        ]
        if prices and (not points or points[-1][1] != min(prices)):
            points.append((moment, min(prices)))
    return Line("lowest", tuple(points))


def competitor_lines(product: ProductReport) -> list[Line]:
    """One step line per competitor with a comparable price, labelled by shop."""
    lines = []
    for c in product.competitors:
        points = tuple((p.at, p.converted) for p in c.history if p.converted is not None)
        if points:
            lines.append(Line(c.shop, points))
    return lines


def days(period: Period, zone: ZoneInfo) -> list[datetime]:
    """The end of each day of the period in the client's time zone (the last one: its end)."""
    out = []
    day = period.start.astimezone(zone).date()
    while True:
        moment = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
        if moment >= period.end:
            out.append(period.end)
            return out
        out.append(moment)
        day += timedelta(days=1)


def daily(line: Line, moments: list[datetime]) -> list[Decimal | None]:
    """The line's value at each of ``moments`` (None before its first point)."""
    out: list[Decimal | None] = []
    index, current = 0, None
    for moment in moments:
        while index < len(line.points) and line.points[index][0] <= moment:
            current = line.points[index][1]
            index += 1
        out.append(current)
    return out
