"""知乎热搜 (Zhihu hot searches): ``search/recommend_query/v2`` (since 2025-05), the older
``search/top_search`` shape, and the ``/topsearch`` page's embedded ``js-initialData`` JSON. The
list has no heat figures (``None``, not 0)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from scrapy.http import Response

from pricewatch.spiders.topics._base import Endpoint, TopicSpider, body_text, dig
from pricewatch.topics.capture import CaptureFailed, TopicEntry

SEARCH = "https://www.zhihu.com/search?type=content&q="
_INITIAL_DATA = re.compile(
    r'<script[^>]*id="js-initialData"[^>]*>(.*?)</script>', re.DOTALL | re.IGNORECASE
)


def _entry(display: Any, query: Any, item: dict[str, Any], new: bool = False) -> TopicEntry:
    title = str(display or query or "")
    return TopicEntry(
        title, url=SEARCH + quote(str(query or title)), labels=("新",) if new else (), raw=item
    )


def search_entries(data: Any) -> list[TopicEntry]:
    if isinstance(data, dict) and "recommend_queries" in data:
        queries = dig(data, "recommend_queries.queries", list)
        return [_entry(q.get("query_display"), q.get("real_query"), q) for q in queries]
    if isinstance(data, dict) and "top_search" in data:
        words = dig(data, "top_search.words", list)
        return [_entry(w.get("display_query"), w.get("query"), w) for w in words]
    if isinstance(data, dict) and "initialState" in data:
        items = dig(data, "initialState.topsearch.data", list)
        return [
            _entry(i.get("queryDisplay"), i.get("realQuery"), i, bool(i.get("isNew")))
            for i in items
        ]
    raise CaptureFailed("format_changed", "unknown Zhihu hot-search shape")


class ZhihuSearchSpider(TopicSpider):
    name = "zhihu-search"
    label = "知乎热搜"
    endpoints = (
        Endpoint("https://www.zhihu.com/api/v4/search/recommend_query/v2", cookie="zhihu_cookie"),
        Endpoint("https://www.zhihu.com/topsearch", cookie="zhihu_cookie"),
    )

    def entries(self, response: Response) -> list[TopicEntry]:
        text = body_text(response)
        if text.lstrip()[:1] in ("{", "["):
            return search_entries(self.json(response))
        data = self.embedded_json(text, _INITIAL_DATA, "the hot-search JSON or /topsearch page")
        return search_entries(data)
