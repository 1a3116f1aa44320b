"""The demo shop's best-seller list (served by ``pricewatch demo`` on 127.0.0.1:8810): an
example of a selector-driven shop ranking."""

from __future__ import annotations

from pricewatch.spiders.topics._base import Endpoint
from pricewatch.spiders.topics._ranking import ShopRankingSpider


class DemoBestsellersSpider(ShopRankingSpider):
    name = "demo-bestsellers"
    label = "红星数码 热销榜"
    endpoints = (Endpoint("http://127.0.0.1:8810/shop/bestsellers"),)
    item_selector = "ol.ranking > li"
    selectors = {"title": ".name", "url": "a::attr(href)", "heat": ".sold", "labels": ".tag"}
    ad_selector = ".sponsored"
