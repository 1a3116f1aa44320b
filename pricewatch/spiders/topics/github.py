"""GitHub trending repositories (``/trending``, daily; ``-a url=`` for ``?since=weekly`` or a
language): ``article.Box-row``; heat is the stars gained in the period (``"1,234 stars today"``),
the labels the repository's language."""

from __future__ import annotations

from urllib.parse import urljoin

from parsel import Selector
from scrapy.http import Response

from pricewatch.spiders.topics._base import Endpoint, TopicSpider, body_text
from pricewatch.topics.capture import TopicEntry
from pricewatch.topics.text import parse_heat


def trending_entries(html: str, base: str) -> list[TopicEntry]:
    entries = []
    for row in Selector(text=html).css("article.Box-row"):
        href = row.css("h2 a::attr(href)").get() or row.css("h1 a::attr(href)").get() or ""
        name = href.strip("/").replace("/", " / ")
        language = row.css("[itemprop=programmingLanguage]::text").get("").strip()
        stars = " ".join(row.css("span.float-sm-right ::text").getall())
        entries.append(
            TopicEntry(
                name,
                heat=parse_heat(stars),
                url=urljoin("https://github.com/", href) if href else None,
                labels=(language,) if language else (),
                raw={
                    "repo": href.strip("/"),
                    "description": " ".join(row.css("p ::text").getall()).strip(),
                    "stars": (row.css('a[href$="/stargazers"] ::text').getall() or [""])[
                        -1
                    ].strip(),
                    "stars_period": stars.strip(),
                },
            )
        )
    return entries


class GithubSpider(TopicSpider):
    name = "github"
    label = "GitHub Trending"
    endpoints = (Endpoint("https://github.com/trending?since=daily"),)

    def entries(self, response: Response) -> list[TopicEntry]:
        text = body_text(response)
        if "Box-row" not in text:
            raise self.not_a_list(text, "the trending page")
        return trending_entries(text, response.url)
