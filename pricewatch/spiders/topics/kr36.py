"""36氪热榜 (36Kr hot ranking): a POST to the gateway with a JSON body carrying the time;
``data.hotRankList`` with ``templateMaterial.widgetTitle`` and ``statCollect`` as heat. (The file
is ``kr36.py`` because a module name cannot start with a digit; the source is ``36kr``.)"""

from __future__ import annotations

import json
from typing import Any

from scrapy.http import Response

from pricewatch.spiders.topics._base import Endpoint, TopicSpider, dig
from pricewatch.topics.capture import TopicEntry
from pricewatch.topics.text import parse_heat

BODY = json.dumps(
    {"partner_id": "wap", "param": {"siteId": 1, "platformId": 2}, "timestamp": 0}
).replace('"timestamp": 0', '"timestamp": {timestamp_ms}')


def rank_entries(data: Any) -> list[TopicEntry]:
    entries = []
    for item in dig(data, "data.hotRankList", list):
        material = item.get("templateMaterial") if isinstance(item, dict) else None
        if not isinstance(material, dict):
            continue
        item_id = material.get("itemId") or item.get("itemId")
        entries.append(
            TopicEntry(
                str(material.get("widgetTitle") or ""),
                heat=parse_heat(material.get("statCollect")),
                url=f"https://www.36kr.com/p/{item_id}" if item_id else None,
                raw=item,
            )
        )
    return entries


class Kr36Spider(TopicSpider):
    name = "36kr"
    label = "36氪热榜"
    endpoints = (
        Endpoint(
            "https://gateway.36kr.com/api/mis/nav/home/nav/rank/hot", method="POST", body=BODY
        ),
    )

    def entries(self, response: Response) -> list[TopicEntry]:
        return rank_entries(self.json(response))
