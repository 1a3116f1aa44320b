"""今日头条热榜 (Toutiao hot board): ``data`` ranked in order, ``fixed_top_data`` pinned.
``HotValue`` is a string of an integer; ``LabelDesc`` is the label as shown (热门事件, 新事件上榜,
辟谣...), else ``Label`` (``hot``, ``new``, ``refuted``...) is translated."""

from __future__ import annotations

from typing import Any

from scrapy.http import Response

from pricewatch.spiders.topics._base import Endpoint, TopicSpider, dig
from pricewatch.topics.capture import TopicEntry
from pricewatch.topics.text import parse_heat

_LABELS = {"hot": "热", "new": "新", "refuted": "辟谣", "boom": "爆", "interpretation": "解读"}


def _entry(item: dict[str, Any], pinned: bool) -> TopicEntry:
    cluster = item.get("ClusterIdStr") or item.get("ClusterId")
    label = item.get("LabelDesc") or _LABELS.get(str(item.get("Label") or ""), "")
    return TopicEntry(
        str(item.get("Title") or item.get("QueryWord") or ""),
        heat=parse_heat(item.get("HotValue")),
        url=f"https://www.toutiao.com/trending/{cluster}/" if cluster else item.get("Url"),
        labels=(str(label),) if label else (),
        pinned=pinned,
        raw=item,
    )


def board_entries(data: Any) -> list[TopicEntry]:
    pinned = data.get("fixed_top_data") if isinstance(data, dict) else None
    top = (
        [_entry(i, True) for i in pinned if isinstance(i, dict)] if isinstance(pinned, list) else []
    )
    return top + [_entry(i, False) for i in dig(data, "data", list)]


class ToutiaoSpider(TopicSpider):
    name = "toutiao"
    label = "头条热榜"
    endpoints = (Endpoint("https://www.toutiao.com/hot-event/hot-board/?origin=toutiao_pc"),)

    def entries(self, response: Response) -> list[TopicEntry]:
        return board_entries(self.json(response))
