"""Hacker News front page: ``tr.athing`` rows, rank ``span.rank`` (``"1."``), heat the points
(``#score_<id>``, none on job posts), label the site."""

from __future__ import annotations

from urllib.parse import urljoin

from parsel import Selector
from scrapy.http import Response

from pricewatch.spiders.topics._base import Endpoint, TopicSpider, body_text
from pricewatch.topics.capture import TopicEntry
from pricewatch.topics.text import parse_heat

BASE = "https://news.ycombinator.com/"


def front_page_entries(html: str) -> list[TopicEntry]:
    page = Selector(text=html)
    entries = []
    for row in page.css("tr.athing"):
        item_id = row.attrib.get("id", "")
        link = row.css(".titleline > a")
        href = link.attrib.get("href", "") if link else ""
        rank = parse_heat(row.css("span.rank::text").get())
        score = page.css(f"#score_{item_id}::text").get() if item_id else None
        site = row.css("span.sitestr::text").get()
        entries.append(
            TopicEntry(
                " ".join(link.css("::text").getall()).strip(),
                heat=parse_heat(score),
                url=urljoin(BASE, href) if href else f"{BASE}item?id={item_id}",
                labels=(site,) if site else (),
                rank=rank,
                raw={
                    "id": item_id,
                    "href": href,
                    "score": score,
                    "site": site,
                    "age": page.css(f"#score_{item_id} ~ span.age::attr(title)").get(),
                },
            )
        )
    return entries


class HackernewsSpider(TopicSpider):
    name = "hackernews"
    label = "Hacker News"
    endpoints = (Endpoint(BASE), Endpoint(BASE + "news"))

    def entries(self, response: Response) -> list[TopicEntry]:
        text = body_text(response)
        if "athing" not in text:
            raise self.not_a_list(text, "the front page")
        return front_page_entries(text)
