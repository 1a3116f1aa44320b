"""The JSON report: the context itself, for scripts and for checking.

The shape is fixed (documented in the README)::

    {client, period: {start, end},
     summary: {products, matched, cheapest, undercut, avg_price_index, map_violations},
     products: [{sku, title, own_price, currency, min_price, median_price, max_price,
                 price_index, position,
                 competitors: [{shop, url, title, price, currency, availability, last_seen,
                                included}],
                 changes: [{url, old_price, new_price, old_availability, new_availability,
                            at}]}],
     topics: {relevant: [{source, title, url, peak_rank, peak_heat, time_on_list_seconds,
                          first_seen, skus, products, terms}],
              cross_platform: [{title, best_rank, skus,
                                platforms: [{source, title, url, peak_rank}]}]}}

Money and the price index are decimal strings (or null), times ISO 8601 with their UTC offset.
``min_price``/``median_price``/``max_price`` are the lowest, median and highest included
competitor prices (in the client's currency); a competitor's ``price`` is as its shop shows it,
in its own ``currency``. ``topics.relevant`` are the trending topics relevant to the
catalogue in the period (``peak_rank``/``peak_heat`` and ``time_on_list_seconds`` within the
period, ``first_seen`` when the topic first entered its list); ``topics.cross_platform`` the
period's biggest stories on several platforms.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from pricewatch.reports.context import ReportContext


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def report_data(context: ReportContext) -> dict[str, Any]:
    """The JSON document as Python data."""
    s = context.summary
    return {
        "client": context.client.slug,
        "period": {"start": _time(context.period.start), "end": _time(context.period.end)},
        "summary": {
            "products": s.products,
            "matched": s.matched,
            "cheapest": s.cheapest,
            "undercut": s.undercut,
            "avg_price_index": _money(s.avg_price_index),
            "map_violations": s.map_violations,
        },
        "products": [
            {
                "sku": p.sku,
                "title": p.title,
                "own_price": _money(p.own_price),
                "currency": p.currency,
                "min_price": _money(p.lowest),
                "median_price": _money(p.median),
                "max_price": _money(p.highest),
                "price_index": _money(p.price_index),
                "position": p.position,
                "competitors": [
                    {
                        "shop": c.shop,
                        "url": c.url,
                        "title": c.title,
                        "price": _money(c.price),
                        "currency": c.currency,
                        "availability": c.availability,
                        "last_seen": _time(c.last_seen),
                        "included": c.included,
                    }
                    for c in p.competitors
                ],
                "changes": [
                    {
                        "url": ch.url,
                        "old_price": _money(ch.old_price),
                        "new_price": _money(ch.new_price),
                        "old_availability": ch.old_availability,
                        "new_availability": ch.new_availability,
                        "at": _time(ch.at),
                    }
                    for ch in p.changes
                ],
            }
            for p in context.products
        ],
        "topics": {
            "relevant": [
                {
                    "source": t.source,
                    "title": t.title,
                    "url": t.url,
                    "peak_rank": t.peak_rank,
                    "peak_heat": t.peak_heat,
                    "time_on_list_seconds": int(t.time_on_list.total_seconds()),
                    "first_seen": _time(t.first_seen),
                    "skus": list(t.skus),
                    "products": list(t.products),
                    "terms": list(t.terms),
                }
                for t in context.topics
            ],
            "cross_platform": [
                {
                    "title": g.title,
                    "best_rank": g.best_rank,
                    "skus": list(g.skus),
                    "platforms": [
                        {
                            "source": m.source,
                            "title": m.title,
                            "url": m.url,
                            "peak_rank": m.peak_rank,
                        }
                        for m in g.platforms
                    ],
                }
                for g in context.cross_platform
            ],
        },
    }


def render_json(context: ReportContext) -> str:
    return json.dumps(report_data(context), ensure_ascii=False, indent=2) + "\n"
