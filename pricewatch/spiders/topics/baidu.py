"""百度热搜 (Baidu realtime board): the board API, else the board page whose list is JSON in
an ``<!--s-data:...-->`` comment. Pinned items are ``topContent`` or ``isTop``; since late 2025
the page may nest the list one level deeper (``content[0].content``), both are read. ``hotTag``
1 is 热 and 3 新 (HummerBor/hotNews' reading; 60s reads them the other way round)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from scrapy.http import Response

from pricewatch.spiders.topics._base import Endpoint, TopicSpider, body_text, dig
from pricewatch.topics.capture import TopicEntry
from pricewatch.topics.text import parse_heat

_S_DATA = re.compile(r"<!--s-data:(.*?)-->", re.DOTALL)
_TAGS = {"1": "热", "3": "新"}


def _entry(item: dict[str, Any], pinned: bool) -> TopicEntry:
    word = str(item.get("word") or item.get("query") or "")
    tag = _TAGS.get(str(item.get("hotTag") or ""))
    return TopicEntry(
        word,
        heat=parse_heat(item.get("hotScore")),
        url=item.get("rawUrl") or item.get("url") or "https://www.baidu.com/s?wd=" + quote(word),
        labels=(tag,) if tag else (),
        rank=item["index"] + 1 if isinstance(item.get("index"), int) and not pinned else None,
        pinned=pinned or bool(item.get("isTop")),
        raw=item,
    )


def board_entries(data: Any) -> list[TopicEntry]:
    card = dig(data, "data.cards.0", dict)
    content = dig(card, "content", list)
    if content and isinstance(content[0], dict) and isinstance(content[0].get("content"), list):
        content = content[0]["content"]  # the nested shape
    top = card.get("topContent") if isinstance(card.get("topContent"), list) else []
    return [_entry(i, True) for i in top] + [_entry(i, False) for i in content]


def _unescape_dashes(text: str) -> str:
    return text.replace("\\-", "-")


class BaiduSpider(TopicSpider):
    name = "baidu"
    label = "百度热搜"
    endpoints = (
        Endpoint(
            "https://top.baidu.com/api/board?platform=pc&tab=realtime",
            headers={"Referer": "https://top.baidu.com/"},
        ),
        Endpoint("https://top.baidu.com/board?tab=realtime"),
    )

    def entries(self, response: Response) -> list[TopicEntry]:
        text = body_text(response)
        if text.lstrip()[:1] in ("{", "["):
            return board_entries(self.json(response))
        # The page escapes "-" as "\-", which JSON does not allow.
        data = self.embedded_json(
            text, _S_DATA, "the board JSON or its page with s-data", _unescape_dashes
        )
        return board_entries(data)
