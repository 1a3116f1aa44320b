"""Trending topics of a period that concern a client's catalogue, and the biggest stories
across platforms: what ``pricewatch topics related`` prints and reports show.

Both read the store (topics seen in the period) and return plain dataclasses; relevance is
:class:`~pricewatch.topics.relevance.CatalogueMatcher`, grouping
:func:`~pricewatch.topics.grouping.group_topics` with the client's words in the dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pricewatch.errors import PricewatchError
from pricewatch.topics.grouping import TopicGroup, group_topics
from pricewatch.topics.relevance import CatalogueMatcher, CatalogueProduct, Match


@dataclass(frozen=True)
class RelatedTopic:
    topic_id: int
    source: str
    title: str
    url: str | None
    best_rank: int | None
    peak_heat: int | None
    first_seen: datetime
    last_seen: datetime
    time_on_list: timedelta
    terms: tuple[str, ...]
    skus: tuple[str, ...]
    products: tuple[str, ...]
    score: int


def related_topics(
    store: Any, client: str, since: datetime, until: datetime | None = None
) -> list[RelatedTopic]:
    """Topics on any list between ``since`` and ``until`` that concern ``client``'s products,
    best score then best rank first. An unknown client is a :class:`PricewatchError`."""
    catalogue = store.client_catalogue(client)
    if catalogue is None:
        raise PricewatchError(f"no client {client!r} (pricewatch clients list)")
    if not catalogue:
        return []
    matcher = CatalogueMatcher(catalogue)
    titles = {p.sku: p.title or p.sku for p in catalogue}
    out = []
    for seen in store.topics_seen(since, until):
        match = matcher.match(seen.title)
        if not isinstance(match, Match):
            continue
        [history] = store.topic_history(str(seen.topic_id))
        out.append(
            RelatedTopic(
                seen.topic_id,
                seen.source,
                seen.title,
                seen.url,
                seen.best_rank,
                seen.peak_heat,
                seen.first_seen,
                seen.last_seen,
                history.time_on_list,
                match.terms,
                match.skus,
                tuple(titles[s] for s in match.skus),
                match.score,
            )
        )
    return sorted(out, key=lambda r: (-r.score, r.best_rank or 10**6, r.source))


def cross_platform(
    store: Any,
    since: datetime,
    until: datetime | None = None,
    catalogue: list[CatalogueProduct] | None = None,
) -> list[TopicGroup]:
    """Stories seen on two or more platforms in the period, biggest first."""
    seen = [_Seen(s.source, s.title, s.best_rank) for s in store.topics_seen(since, until)]
    segmenter = CatalogueMatcher(catalogue).segmenter if catalogue else None
    return group_topics(seen, segmenter=segmenter)


@dataclass(frozen=True)
class _Seen:
    source: str
    title: str
    rank: int | None
