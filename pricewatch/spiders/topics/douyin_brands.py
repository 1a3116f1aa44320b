"""抖音品牌热DOU榜 (Douyin weekly brand billboards), one list per category: each category is its
own source, ``douyin-brands/美妆``, ``douyin-brands/手机``... Categories are ``category_id``
values of the app API (``-a categories=3,2`` picks some; the known ones are below). Heat is the
week's brand heat; ``rank_diff`` and the week (``weekly_info``) stay in the raw item."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar
from urllib.parse import urlencode

from scrapy.http import Response

from pricewatch.errors import ShopDefinitionError
from pricewatch.spiders.topics._base import Endpoint, TopicSpider, dig
from pricewatch.spiders.topics.douyin import APP_UA, check_status
from pricewatch.topics.capture import TopicEntry
from pricewatch.topics.text import parse_heat

BILLBOARD = "https://aweme.snssdk.com/aweme/v1/hotsearch/brand/billboard/"


def brand_entries(data: Any) -> list[TopicEntry]:
    check_status(data)
    week = data.get("weekly_info") if isinstance(data, dict) else None
    return [
        TopicEntry(
            str(item.get("name") or ""),
            heat=parse_heat(item.get("heat")),
            rank=item.get("rank") if isinstance(item.get("rank"), int) else None,
            labels=("直播中",) if item.get("is_in_webcasting") else (),
            raw={**item, "weekly_info": week},
        )
        for item in dig(data, "brand_list", list)
    ]


class DouyinBrandsSpider(TopicSpider):
    name = "douyin-brands"
    label = "抖音品牌榜"
    #: ``category_id`` of each category (the app's ids; more can be given with -a categories=).
    categories: ClassVar[dict[int, str]] = {1: "汽车", 2: "手机", 3: "美妆"}
    endpoints = (Endpoint(BILLBOARD, headers={"User-Agent": APP_UA}),)

    def __init__(self, *args: Any, categories: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if categories:
            try:
                ids = [int(c) for c in categories.split(",") if c.strip()]
            except ValueError:
                raise ShopDefinitionError(
                    f"douyin-brands: categories must be ids like 3,2, got {categories!r}"
                ) from None
            self.chosen = {i: type(self).categories.get(i, str(i)) for i in ids}
        else:
            self.chosen = dict(type(self).categories)

    async def start(self) -> AsyncIterator[Any]:
        base = self.tried[0].url
        for category_id, category in self.chosen.items():
            query = urlencode(
                {
                    "category_id": category_id,
                    "version_code": "130200",
                    "device_platform": "android",
                    "aid": "1128",
                }
            )
            request = self.endpoint_request(0, [], f"{self.name}/{category}")
            yield request.replace(url=f"{base}{'&' if '?' in base else '?'}{query}")

    def entries(self, response: Response) -> list[TopicEntry]:
        return brand_entries(self.json(response))
