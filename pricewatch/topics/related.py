"""Trending topics of a period that concern a client's catalogue, and the biggest stories
across platforms: what ``pricewatch topics related`` prints and reports show.

Both read the period's topics from the store set-wise
(:meth:`~pricewatch.db.store.topic_period.TopicPeriodStore.topics_in_period`: ranked entries
only, time on the list within the period) and return plain dataclasses; relevance is
:class:`~pricewatch.topics.relevance.CatalogueMatcher`, grouping
:func:`~pricewatch.topics.grouping.group_topics` with the client's words in the dictionary.
:func:`relevant` and :func:`groups` do the same on topics already loaded (one load for both).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pricewatch.db.store.topic_results import TopicInPeriod
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
    #: When the topic first entered its list (ever).
    first_seen: datetime
    #: Time on the list within the period.
    time_on_list: timedelta
    terms: tuple[str, ...]
    skus: tuple[str, ...]
    products: tuple[str, ...]
    score: int


def client_catalogue(store: Any, client: str) -> list[CatalogueProduct]:
    """``client``'s catalogue; an unknown client is a :class:`PricewatchError`."""
    catalogue: list[CatalogueProduct] | None = store.client_catalogue(client)
    if catalogue is None:
        raise PricewatchError(f"no client {client!r} (pricewatch clients list)")
    return catalogue


def related_topics(
    store: Any, client: str, since: datetime, until: datetime | None = None
) -> list[RelatedTopic]:
    """Topics on any list between ``since`` and ``until`` that concern ``client``'s products,
    best score then best rank first. An unknown client is a :class:`PricewatchError`."""
    catalogue = client_catalogue(store, client)
    if not catalogue:
        return []
    return relevant(CatalogueMatcher(catalogue), catalogue, store.topics_in_period(since, until))


def relevant(
    matcher: CatalogueMatcher,
    catalogue: Sequence[CatalogueProduct],
    seen: Sequence[TopicInPeriod],
) -> list[RelatedTopic]:
    """The topics of ``seen`` that concern the catalogue, best score then best rank first."""
    titles = {p.sku: p.title or p.sku for p in catalogue}
    out = []
    for topic in seen:
        match = matcher.match(topic.title)
        if not isinstance(match, Match):
            continue
        out.append(
            RelatedTopic(
                topic.topic_id,
                topic.source,
                topic.title,
                topic.url,
                topic.best_rank,
                topic.peak_heat,
                topic.first_seen,
                topic.time_on_list,
                match.terms,
                match.skus,
                tuple(titles[s] for s in match.skus),
                match.score,
            )
        )
    return sorted(out, key=lambda r: (-r.score, r.best_rank or 10**6, r.source, r.title))


def cross_platform(
    store: Any,
    since: datetime,
    until: datetime | None = None,
    catalogue: list[CatalogueProduct] | None = None,
) -> list[TopicGroup]:
    """Stories seen on two or more platforms in the period, biggest first."""
    matcher = CatalogueMatcher(catalogue) if catalogue else None
    return groups(store.topics_in_period(since, until), matcher)


def groups(seen: Sequence[TopicInPeriod], matcher: CatalogueMatcher | None) -> list[TopicGroup]:
    """The stories of ``seen`` on two or more platforms, biggest first (members are the
    :class:`TopicInPeriod` rows)."""
    return group_topics(seen, segmenter=matcher.segmenter if matcher else None)
