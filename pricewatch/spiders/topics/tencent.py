"""腾讯新闻热点榜 (Tencent News hot ranking): ``idlist[0].newslist``, whose first card is a
header (``articletype`` 560) and not a topic; ``hotEvent.is_top`` marks the pinned item.
Titles are the short ``hotEvent.title`` when given."""

from __future__ import annotations

from typing import Any

from scrapy.http import Response

from pricewatch.spiders.topics._base import Endpoint, TopicSpider, dig
from pricewatch.topics.capture import TopicEntry
from pricewatch.topics.text import parse_heat


def hot_entries(data: Any) -> list[TopicEntry]:
    entries = []
    for item in dig(data, "idlist.0.newslist", list):
        event = item.get("hotEvent")
        if str(item.get("articletype")) == "560" or not isinstance(event, dict):
            continue  # the header card ("腾讯新闻用户最关注的热点...")
        article = item.get("id") or event.get("id")
        entries.append(
            TopicEntry(
                str(event.get("title") or item.get("title") or ""),
                heat=parse_heat(event.get("hotScore")),
                url=item.get("url")
                or (f"https://new.qq.com/rain/a/{article}" if article else None),
                rank=event.get("ranking") if isinstance(event.get("ranking"), int) else None,
                pinned=event.get("is_top") == 1,
                raw=item,
            )
        )
    return entries


class TencentSpider(TopicSpider):
    name = "tencent"
    label = "腾讯新闻热点榜"
    endpoints = (
        Endpoint(
            "https://r.inews.qq.com/gw/event/hot_ranking_list?page_size=50",
            headers={"Referer": "https://news.qq.com/"},
        ),
    )

    def entries(self, response: Response) -> list[TopicEntry]:
        return hot_entries(self.json(response))
