"""Trending topics: heat and title normalisation, capture items, grouping across platforms and
relevance to a client's catalogue. The sources themselves are spiders in
:mod:`pricewatch.spiders.topics`; storage is :mod:`pricewatch.db.store.topics`."""
