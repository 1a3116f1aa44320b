"""快手热榜 (Kuaishou hot list): the home page's ``window.__APOLLO_STATE__`` (cut at
``;(function(`` or ``</script>``; ``undefined`` read as null), the
``$ROOT_QUERY.visionHotRank({"page":"home"...})`` entry listing references to items with
``name``, ``hotValue`` (``"1234.5万"``) and ``tagType`` (``置顶`` = pinned)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from scrapy.http import Response

from pricewatch.spiders.topics._base import Endpoint, TopicSpider, body_text, dig
from pricewatch.topics.capture import CaptureFailed, TopicEntry
from pricewatch.topics.text import parse_heat

_STATE = re.compile(
    r"window\.__APOLLO_STATE__\s*=\s*(.*?)(?:;\s*\(function\(|</script>)", re.DOTALL
)


def apollo_state(html: str) -> dict[str, Any]:
    match = _STATE.search(html)
    if match is None:
        raise CaptureFailed("format_changed", "no window.__APOLLO_STATE__ on the page")
    text = match.group(1)
    text = text[: text.rfind("}") + 1]
    text = re.sub(r"(?<=[:\[,])\s*undefined\b", "null", text)
    try:
        state = json.loads(text)
    except ValueError as exc:
        raise CaptureFailed("format_changed", f"__APOLLO_STATE__ is not JSON: {exc}") from None
    if not isinstance(state, dict):
        raise CaptureFailed("format_changed", "__APOLLO_STATE__ is not an object")
    return state


def hot_entries(state: dict[str, Any]) -> list[TopicEntry]:
    client = dig(state, "defaultClient", dict)
    keys = [k for k in client if k.startswith("$ROOT_QUERY.visionHotRank(")]
    if not keys:
        raise CaptureFailed("format_changed", "no visionHotRank in the Apollo state")
    entries = []
    for ref in dig(client[keys[0]], "items", list):
        item = client.get(ref.get("id")) if isinstance(ref, dict) else client.get(ref)
        if not isinstance(item, dict):
            continue
        photos = item.get("photoIds")
        photo = photos.get("json", [None])[0] if isinstance(photos, dict) else None
        name = str(item.get("name") or "")
        entries.append(
            TopicEntry(
                name,
                heat=parse_heat(item.get("hotValue")),
                url=f"https://www.kuaishou.com/short-video/{photo}"
                if photo
                else "https://www.kuaishou.com/search/video?searchKey=" + quote(name),
                labels=(str(item["tagType"]),)
                if item.get("tagType") not in (None, "", "置顶")
                else (),
                pinned=item.get("tagType") == "置顶",
                raw=item,
            )
        )
    return entries


class KuaishouSpider(TopicSpider):
    name = "kuaishou"
    label = "快手热榜"
    endpoints = (Endpoint("https://www.kuaishou.com/?isHome=1"),)

    def entries(self, response: Response) -> list[TopicEntry]:
        text = body_text(response)
        if "__APOLLO_STATE__" not in text:
            raise self.not_a_list(text, "the home page with its Apollo state")
        return hot_entries(apollo_state(text))
