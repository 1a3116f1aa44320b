"""什么值得买 (smzdm) today's ranking: ``rank/json_more`` (``data[]``, heat the collection count,
a string), else the ``hot_1`` page (``#feed-main-list .z-feed-title a``, no heat). A non-zero
``error_code`` (anti-bot since 2025-04) is ``blocked``."""

from __future__ import annotations

from typing import Any

from parsel import Selector
from scrapy.http import Response

from pricewatch.spiders.topics._base import Endpoint, TopicSpider, body_text, dig
from pricewatch.topics.capture import CaptureFailed, TopicEntry
from pricewatch.topics.text import parse_heat


def rank_entries(data: Any) -> list[TopicEntry]:
    if isinstance(data, dict) and str(data.get("error_code", "0")) not in ("0", ""):
        raise CaptureFailed("blocked", f"error_code {data['error_code']} {data.get('error_msg')}")
    return [
        TopicEntry(
            str(item.get("title") or item.get("article_title") or ""),
            heat=parse_heat(item.get("collection_count")),
            url=item.get("jump_link") or item.get("article_url"),
            raw=item,
        )
        for item in dig(data, "data", list)
    ]


def page_entries(html: str) -> list[TopicEntry]:
    return [
        TopicEntry(
            " ".join(a.css("::text").getall()).strip(),
            url=a.attrib.get("href"),
            raw={"title": a.css("::text").get(), "href": a.attrib.get("href")},
        )
        for a in Selector(text=html).css("#feed-main-list .z-feed-title a")
    ]


class SmzdmSpider(TopicSpider):
    name = "smzdm"
    label = "什么值得买"
    endpoints = (
        Endpoint("https://post.smzdm.com/rank/json_more/?unit=1"),
        Endpoint("https://post.smzdm.com/hot_1/"),
    )

    def entries(self, response: Response) -> list[TopicEntry]:
        text = body_text(response)
        if text.lstrip()[:1] in ("{", "["):
            return rank_entries(self.json(response))
        if "feed-main-list" not in text:
            raise self.not_a_list(text, "the ranking JSON or the hot page")
        return page_entries(text)
