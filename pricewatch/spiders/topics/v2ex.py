"""V2EX hot topics (``api/topics/hot.json``): a top-level list; heat is the reply count, the
label the node."""

from __future__ import annotations

from typing import Any

from scrapy.http import Response

from pricewatch.spiders.topics._base import Endpoint, TopicSpider
from pricewatch.topics.capture import CaptureFailed, TopicEntry
from pricewatch.topics.text import parse_heat


def hot_entries(data: Any) -> list[TopicEntry]:
    if not isinstance(data, list):
        raise CaptureFailed("format_changed", f"expected a list, got {type(data).__name__}")
    return [
        TopicEntry(
            str(item.get("title") or ""),
            heat=parse_heat(item.get("replies")),
            url=item.get("url"),
            labels=(str(node["title"]),)
            if isinstance(node := item.get("node"), dict) and node.get("title")
            else (),
            raw=item,
        )
        for item in data
        if isinstance(item, dict)
    ]


class V2exSpider(TopicSpider):
    name = "v2ex"
    label = "V2EX 最热"
    endpoints = (Endpoint("https://www.v2ex.com/api/topics/hot.json"),)

    def entries(self, response: Response) -> list[TopicEntry]:
        return hot_entries(self.json(response))
