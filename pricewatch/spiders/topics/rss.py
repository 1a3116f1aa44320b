"""Any RSS 2.0, RSS 1.0 (RDF), Atom or JSON Feed as a ranked list (its order): the feeds of the
configuration (``PRICEWATCH_TOPIC_FEEDS`` / ``topic_feeds``, ``NAME=URL`` names one) or of
``-a url=URL[,URL...]``. Each feed is its own source, ``rss/NAME`` (default NAME: the feed's
host and path). Feeds carry no heat (``None``)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from scrapy.http import Response

from pricewatch.config import get_config
from pricewatch.spiders.topics._base import Endpoint, TopicSpider, body_text
from pricewatch.topics.capture import CaptureFailed, TopicCapture, TopicEntry


def feed_name(entry: str) -> tuple[str, str]:
    """``(name, url)`` of a configured feed, ``NAME=URL`` or a bare URL."""
    name, sep, url = entry.partition("=")
    if sep and "://" not in name:
        return name.strip(), url.strip()
    parts = urlsplit(entry)
    slug = re.sub(r"[^\w.-]+", "-", f"{parts.netloc}{parts.path}").strip("-")
    return slug[:80], entry  # topic_capture.source is a VARCHAR(100)


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _child_text(element: Any, name: str) -> str:
    for child in element:
        if _local(child) == name:
            return "".join(child.itertext()).strip()
    return ""


def _atom_link(entry: Any) -> str | None:
    links = [c for c in entry if _local(c) == "link"]
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link.get("href"))
    return str(links[0].get("href")) if links and links[0].get("href") else None


def feed_entries(body: bytes, base: str) -> list[TopicEntry]:
    text = body.decode("utf-8", "replace").lstrip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise CaptureFailed("format_changed", f"invalid JSON Feed: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise CaptureFailed("format_changed", "a JSON document without items[]")
        return [
            TopicEntry(
                str(i.get("title") or i.get("summary") or ""),
                url=urljoin(base, str(i.get("url") or i.get("id") or "")) or None,
                labels=tuple(str(t) for t in i.get("tags") or ()),
                raw=i,
            )
            for i in data["items"]
            if isinstance(i, dict)
        ]
    try:
        root = etree.fromstring(
            body.strip(), etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as exc:
        raise CaptureFailed("format_changed", f"not XML: {exc}") from None
    if root is None or _local(root) not in ("rss", "RDF", "feed"):
        raise CaptureFailed("format_changed", "not an RSS, RDF or Atom feed")
    entries = []
    for element in root.iter():
        kind = _local(element)
        if kind == "item":  # RSS 2.0 and 1.0
            title, link = _child_text(element, "title"), _child_text(element, "link")
            labels = tuple(
                _child_text(c, "category") or "".join(c.itertext()).strip()
                for c in element
                if _local(c) == "category"
            )
        elif kind == "entry" and _local(root) == "feed":
            title, link = _child_text(element, "title"), _atom_link(element) or ""
            labels = tuple(
                str(c.get("term")) for c in element if _local(c) == "category" and c.get("term")
            )
        else:
            continue
        entries.append(
            TopicEntry(
                title,
                url=urljoin(base, link) if link else None,
                labels=tuple(x for x in labels if x),
                raw={"title": title, "link": link},
            )
        )
    return entries


NO_FEEDS = "rss: no feeds configured (PRICEWATCH_TOPIC_FEEDS, or -a url=URL)"


class RssSpider(TopicSpider):
    name = "rss"
    label = "RSS / Atom / JSON Feed"
    #: Placeholder: the feeds come from the configuration or ``-a url=``.
    endpoints = (Endpoint("https://example.invalid/feed.xml"),)

    def __init__(self, *args: Any, url: str | None = None, **kwargs: Any) -> None:
        configured = url.split(",") if url else list(get_config().topic_feeds or ())
        self.feeds = [feed_name(f.strip()) for f in configured if f.strip()]
        # Without feeds the run records one failed capture (see start) rather than dying in
        # a traceback: `scrapy crawl rss` and a daemon job then say what is missing.
        feeds = ",".join(u for _, u in self.feeds) or None
        super().__init__(*args, url=feeds, **kwargs)

    async def start(self) -> AsyncIterator[Any]:
        if not self.feeds:
            self.logger.error(NO_FEEDS)
            if getattr(self, "crawler", None) is not None:
                self.crawler.stats.inc_value("pricewatch/failures/not_configured")
            yield TopicCapture(source=self.name, url="-", reason="not_configured", detail=NO_FEEDS)
            return
        for index, (name, _) in enumerate(self.feeds):
            request = self.endpoint_request(index, [], f"rss/{name}")
            yield request.replace(meta={**request.meta, "no_fallback": True})

    def entries(self, response: Response) -> list[TopicEntry]:
        text = body_text(response).lstrip()
        if (
            text.startswith("<")
            and not text.startswith("<?xml")
            and re.match(r"<!doctype html|<html", text, re.IGNORECASE)
        ):
            raise self.not_a_list(text, "a feed")
        return feed_entries(response.body, response.url)
