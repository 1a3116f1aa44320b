"""B站排行榜 (Bilibili ranking): ``ranking/v2``, else ``popular`` (same item shape). Risk control
answers ``code: -352`` (风控校验失败): ``blocked``. Heat is the view count."""

from __future__ import annotations

from typing import Any

from scrapy.http import Response

from pricewatch.spiders.topics._base import Endpoint, TopicSpider, dig
from pricewatch.topics.capture import TopicEntry
from pricewatch.topics.text import parse_heat


def ranking_entries(data: Any) -> list[TopicEntry]:
    entries = []
    for item in dig(data, "data.list", list):
        bvid = item.get("bvid")
        reason = (
            (item.get("rcmd_reason") or {}).get("content")
            if isinstance(item.get("rcmd_reason"), dict)
            else None
        )
        entries.append(
            TopicEntry(
                str(item.get("title") or ""),
                heat=parse_heat((item.get("stat") or {}).get("view")),
                url=item.get("short_link_v2")
                or (f"https://www.bilibili.com/video/{bvid}" if bvid else None),
                labels=tuple(x for x in (reason, item.get("tname")) if x),
                raw=item,
            )
        )
    return entries


class BilibiliSpider(TopicSpider):
    name = "bilibili"
    label = "B站排行榜"
    endpoints = (
        Endpoint(
            "https://api.bilibili.com/x/web-interface/ranking/v2?rid=0&type=all",
            headers={"Referer": "https://www.bilibili.com/ranking/all"},
            cookie="bilibili_cookie",
        ),
        Endpoint(
            "https://api.bilibili.com/x/web-interface/popular?ps=50",
            headers={"Referer": "https://www.bilibili.com/"},
            cookie="bilibili_cookie",
        ),
    )

    def entries(self, response: Response) -> list[TopicEntry]:
        return ranking_entries(self.json(response))
