"""Trending-topic storage, one mixin of the :class:`~pricewatch.db.store.Store` facade:
captures in (:mod:`~pricewatch.db.store.topic_writes`), lists, movers, history and source
health out (:mod:`~pricewatch.db.store.topic_queries`), a period's topics set-wise
(:mod:`~pricewatch.db.store.topic_period`), a client's catalogue for relevance
(:mod:`~pricewatch.db.store.topic_catalogue`), plain results
(:mod:`~pricewatch.db.store.topic_results`)."""

from __future__ import annotations

from pricewatch.db.store.topic_catalogue import TopicCatalogueStore
from pricewatch.db.store.topic_period import TopicPeriodStore
from pricewatch.db.store.topic_queries import TopicQueryStore
from pricewatch.db.store.topic_writes import TopicWriteStore


class TopicStore(TopicWriteStore, TopicQueryStore, TopicPeriodStore, TopicCatalogueStore):
    """Topic captures in, lists, movers, history, a period's topics and source health out."""
