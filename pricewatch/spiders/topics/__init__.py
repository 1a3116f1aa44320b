"""Trending-topic sources (hot-search lists), one small file per source."""
