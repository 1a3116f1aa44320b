"""``ShopRankingSpider``: a shop's own ranked list page (best sellers, 热销榜) read by selectors.

A shop's ranking is a small file in this package, like a shop is in ``spiders/shops/``::

    class DemoBestsellersSpider(ShopRankingSpider):
        name = "demo-bestsellers"
        endpoints = (Endpoint("http://127.0.0.1:8810/bestsellers"),)
        item_selector = "ol.ranking > li"
        selectors = {"title": ".name", "url": "a::attr(href)", "heat": ".sold"}

Required: ``endpoints``, ``item_selector`` (one node per entry, in rank order) and
``selectors["title"]``. Optional ``selectors``: ``url``, ``heat`` (``"月销 1.2万"`` → 12,000),
``rank`` (when the page numbers entries itself), ``labels``; ``pinned_selector`` and
``ad_selector`` match, inside an entry, what marks it pinned or sponsored (推广/广告). Queries are
CSS, or XPath when they start with ``/`` or ``(``. A page that renders its list with JavaScript
sets ``render = True`` and ``wait_for`` (rendered through the project's Playwright preset).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar
from urllib.parse import urljoin

from parsel import Selector
from scrapy.http import Request, Response

from pricewatch.errors import ShopDefinitionError
from pricewatch.extract.page import select_text
from pricewatch.spiders.topics._base import TopicSpider, body_text
from pricewatch.topics.capture import TopicEntry
from pricewatch.topics.text import parse_heat


class ShopRankingSpider(TopicSpider):
    abstract: ClassVar[bool] = True
    item_selector: ClassVar[str] = ""
    selectors: ClassVar[dict[str, str]] = {}
    pinned_selector: ClassVar[str | None] = None
    ad_selector: ClassVar[str | None] = None
    wait_for: ClassVar[str | None] = None

    @classmethod
    def check_definition(cls) -> None:
        super().check_definition()
        if not cls.item_selector or "title" not in cls.selectors:
            raise ShopDefinitionError(
                f"shop ranking {cls.name!r} ({cls.__module__}): needs item_selector and "
                "selectors['title']"
            )
        unknown = set(cls.selectors) - {"title", "url", "heat", "rank", "labels"}
        if unknown:
            raise ShopDefinitionError(
                f"shop ranking {cls.name!r}: unknown selector field(s) {sorted(unknown)}"
            )

    async def start(self) -> AsyncIterator[Any]:
        request = self.endpoint_request(0, [])
        if self.render:
            request = self._rendered(request)
        yield request

    def _rendered(self, request: Request) -> Request:
        rendered = self.page_request(
            request.url,
            render=True,
            wait_for=self.wait_for or self.item_selector,
            meta=dict(request.meta),
            callback=self.parse,
            dont_filter=True,
        )
        return rendered

    def entries(self, response: Response) -> list[TopicEntry]:
        text = body_text(response)
        page = Selector(text=text)
        nodes = (
            page.xpath(self.item_selector)
            if self.item_selector.startswith(("/", "("))
            else page.css(self.item_selector)
        )
        if not nodes:
            raise self.not_a_list(text, f"entries matching {self.item_selector!r}")
        entries = []
        for node in nodes:
            values = {field: select_text(node, query) for field, query in self.selectors.items()}
            url = values.get("url")
            entries.append(
                TopicEntry(
                    values.get("title") or "",
                    heat=parse_heat(values.get("heat")),
                    url=urljoin(response.url, url) if url else None,
                    labels=(labels,) if (labels := values.get("labels")) else (),
                    rank=parse_heat(values.get("rank")),
                    pinned=bool(self.pinned_selector and select_text(node, self.pinned_selector)),
                    ad=bool(self.ad_selector and select_text(node, self.ad_selector)),
                    raw={k: v for k, v in values.items() if v is not None},
                )
            )
        return entries
