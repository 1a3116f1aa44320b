"""Trending-topic storage, one mixin of the :class:`~pricewatch.db.store.Store` facade:
captures in (:mod:`~pricewatch.db.store.topic_writes`), lists, movers, history and source
health out (:mod:`~pricewatch.db.store.topic_queries`), plain results
(:mod:`~pricewatch.db.store.topic_results`)."""

from __future__ import annotations

from pricewatch.db.store.topic_queries import TopicQueryStore
from pricewatch.db.store.topic_writes import TopicWriteStore


class TopicStore(TopicWriteStore, TopicQueryStore):
    """Topic captures in, lists, movers, history and source health out."""
