"""Failure reasons counted and shown: per crawl, from its Scrapy stats; as one line of text.

Kept apart from :mod:`pricewatch.crawl.failures` (which classifies Twisted/Scrapy errors and so
imports them) so that commands that only show runs (``pricewatch runs``) stay light.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Scrapy stats key prefix under which each failure reason is counted.
FAILURE_STATS_PREFIX = "pricewatch/failures/"


def failures_by_reason(stats: Mapping[str, Any]) -> dict[str, int]:
    """``{reason: count}`` from a crawl's Scrapy stats (``pricewatch/failures/<reason>``)."""
    prefix = FAILURE_STATS_PREFIX
    return {k[len(prefix) :]: int(v) for k, v in stats.items() if k.startswith(prefix)}


def reasons_text(by_reason: Mapping[str, int], most: int | None = None) -> str:
    """``"no_price: 2, timeout: 1"``: by reason name, or the ``most`` frequent reasons first."""
    if most is None:
        pairs = sorted(by_reason.items())
    else:
        pairs = sorted(by_reason.items(), key=lambda pair: (-pair[1], pair[0]))[:most]
    return ", ".join(f"{reason}: {count}" for reason, count in pairs)
