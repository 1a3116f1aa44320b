"""The report's trending section: topics relevant to the client's catalogue in the period and
the period's biggest cross-platform stories.

:func:`load_trending` reads the period's topics once, set-wise (two statements, see
:mod:`pricewatch.db.store.topic_period`), plus the client's catalogue (one), then matches and
groups them in memory (:mod:`pricewatch.topics.related`): no query per product or per topic,
and nothing at all is segmented when no topic was on a list in the period.

* **Relevant topics** (:class:`Topic`): each topic that concerns the catalogue (brand, keywords,
  model names; see :mod:`pricewatch.topics.relevance`), with its platform (the source), its
  peak rank and heat in the period, its time on the list within the period, when it first
  entered the list, the matched words and the client's products it relates to; best match
  first, then best rank.
* **Cross-platform topics** (:class:`CrossPlatformTopic`): the :data:`CROSS_PLATFORM` stories
  on most platforms (then best ranked) of the period, relevant or not, each with its rank on
  every platform and the client's products any of its titles relates to.

The dataclasses are plain data of :class:`~pricewatch.reports.context.ReportContext`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pricewatch.db.store.topic_results import TopicInPeriod
from pricewatch.topics.related import client_catalogue, groups, relevant
from pricewatch.topics.relevance import CatalogueMatcher, Match

#: How many cross-platform stories a report lists.
CROSS_PLATFORM = 10


@dataclass(frozen=True, slots=True)
class Topic:
    """A trending topic relevant to the catalogue."""

    title: str
    #: The platform it trended on (a topic source: ``weibo``, ``zhihu``, ``douyin-brands``...).
    source: str
    url: str | None
    #: Best rank in the period.
    peak_rank: int | None
    #: SKUs of the client's products the topic relates to.
    skus: tuple[str, ...] = ()
    #: Their titles (the SKU when a product has none), in ``skus`` order.
    products: tuple[str, ...] = ()
    #: The catalogue's words found in the title (brands, keywords, model names).
    terms: tuple[str, ...] = ()
    peak_heat: int | None = None
    #: Time on the list within the period.
    time_on_list: timedelta = timedelta()
    #: When it first entered its list (before the period if it was already trending).
    first_seen: datetime | None = None


@dataclass(frozen=True, slots=True)
class TopicPlatform:
    """One platform's topic in a cross-platform story."""

    source: str
    title: str
    url: str | None
    peak_rank: int | None


@dataclass(frozen=True, slots=True)
class CrossPlatformTopic:
    """The same story trending on several platforms in the period."""

    title: str
    best_rank: int | None
    #: Best ranked first.
    platforms: tuple[TopicPlatform, ...]
    #: The client's products any of its titles relates to.
    skus: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Trending:
    topics: tuple[Topic, ...] = ()
    cross_platform: tuple[CrossPlatformTopic, ...] = ()


def load_trending(
    store: Any, slug: str, start: datetime, end: datetime, *, limit: int = CROSS_PLATFORM
) -> Trending:
    """The trending section of ``slug``'s report over ``start``..``end``."""
    seen: list[TopicInPeriod] = store.topics_in_period(start, end)
    if not seen:
        return Trending()
    catalogue = client_catalogue(store, slug)
    matcher = CatalogueMatcher(catalogue) if catalogue else None
    topics: tuple[Topic, ...] = ()
    if matcher is not None:
        topics = tuple(
            Topic(
                title=r.title,
                source=r.source,
                url=r.url,
                peak_rank=r.best_rank,
                skus=r.skus,
                products=r.products,
                terms=r.terms,
                peak_heat=r.peak_heat,
                time_on_list=r.time_on_list,
                first_seen=r.first_seen,
            )
            for r in relevant(matcher, catalogue, seen)
        )
    cross = []
    for group in groups(seen, matcher)[:limit]:
        skus: set[str] = set()
        if matcher is not None:
            for member in group.members:
                match = matcher.match(member.title)
                if isinstance(match, Match):
                    skus.update(match.skus)
        cross.append(
            CrossPlatformTopic(
                title=group.title,
                best_rank=group.best_rank,
                platforms=tuple(
                    TopicPlatform(m.source, m.title, getattr(m, "url", None), m.rank)
                    for m in group.members
                ),
                skus=tuple(sorted(skus)),
            )
        )
    return Trending(topics, tuple(cross))
