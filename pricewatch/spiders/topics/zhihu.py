"""知乎热榜 (Zhihu hot list): the app API on ``api.zhihu.com`` (no login), else the desktop API
on ``www.zhihu.com`` (401 ``AuthenticationError`` without ``PRICEWATCH_ZHIHU_COOKIE`` since
2025). Both item shapes are recognised: the app's ``target.title`` / ``detail_text`` and the
desktop's ``target.title_area`` / ``metrics_area`` (``"640 万热度"``)."""

from __future__ import annotations

from typing import Any

from scrapy.http import Response

from pricewatch.spiders.topics._base import Endpoint, TopicSpider, dig
from pricewatch.topics.capture import CaptureFailed, TopicEntry
from pricewatch.topics.text import parse_heat

QUESTION = "https://www.zhihu.com/question/"


def _text(node: Any) -> str:
    return str(node.get("text") or "") if isinstance(node, dict) else ""


def _labels(item: dict[str, Any], target: dict[str, Any]) -> tuple[str, ...]:
    labels: list[str] = []
    card_label = item.get("card_label")
    if isinstance(card_label, dict) and card_label.get("type"):
        kind = str(card_label["type"])
        labels.append({"hot": "热", "new": "新"}.get(kind, kind))
    label_area = target.get("label_area")
    if isinstance(label_area, dict) and label_area.get("text"):
        labels.append(str(label_area["text"]))
    if item.get("debut"):
        labels.append("新")
    return tuple(dict.fromkeys(labels))


def hot_list_entries(data: Any) -> list[TopicEntry]:
    entries = []
    for item in dig(data, "data", list):
        target = item.get("target") if isinstance(item, dict) else None
        if not isinstance(target, dict):
            raise CaptureFailed("format_changed", "a Zhihu hot-list item without target")
        if "title_area" in target:  # desktop shape
            title, heat_text = _text(target["title_area"]), _text(target.get("metrics_area"))
            url = str((target.get("link") or {}).get("url") or "")
        elif "title" in target:  # app shape
            title, heat_text = str(target["title"]), str(item.get("detail_text") or "")
            question = str(target.get("url") or "").rstrip("/").rsplit("/", 1)[-1]
            url = QUESTION + question if question else ""
        else:
            raise CaptureFailed("format_changed", f"unknown Zhihu item shape {sorted(target)}")
        entries.append(
            TopicEntry(
                title,
                heat=parse_heat(heat_text),
                url=url or None,
                labels=_labels(item, target),
                ad="ad" in str(item.get("type") or "").split("_"),
                raw=item,
            )
        )
    return entries


class ZhihuSpider(TopicSpider):
    name = "zhihu"
    label = "知乎热榜"
    endpoints = (
        Endpoint("https://api.zhihu.com/topstory/hot-lists/total?limit=50", cookie="zhihu_cookie"),
        Endpoint(
            "https://www.zhihu.com/api/v3/feed/topstory/hot-lists/total?limit=50&desktop=true",
            cookie="zhihu_cookie",
        ),
    )

    def entries(self, response: Response) -> list[TopicEntry]:
        return hot_list_entries(self.json(response))
