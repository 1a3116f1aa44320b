"""微博热搜 (Weibo hot search): the desktop AJAX list, else the mobile container API, else the
``s.weibo.com`` summary page (the last two want ``PRICEWATCH_WEIBO_COOKIE``, a visitor cookie
is enough). All four shapes (the page has a desktop and a mobile layout) are recognised
whichever endpoint answers; without a cookie the mobile API and the page answer HTTP 200 with
the "Sina Visitor System" page: ``blocked``."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urljoin

from parsel import Selector
from scrapy.http import Response

from pricewatch.spiders.topics._base import MOBILE_UA, Endpoint, TopicSpider, body_text, dig
from pricewatch.topics.capture import CaptureFailed, TopicEntry
from pricewatch.topics.text import parse_heat

SEARCH = "https://s.weibo.com/weibo?q="
# m.weibo.cn flags icons: .../moter/flags/<n>_0.png (other codes are not known).
_FLAG_LABELS = {"1": "新", "2": "热", "4": "爆"}
_RANK_PIC = re.compile(r"img_search_(\d+)")


def _search_url(word: str, scheme: str | None = None) -> str:
    """Weibo's search page for a word: ``word_scheme`` as given (``#...#`` for hashtag
    topics), else the word as a hashtag."""
    return SEARCH + quote(scheme or f"#{word}#")


def _label(item: dict[str, Any]) -> tuple[str, ...]:
    label = item.get("label_name") or item.get("icon_desc") or ""
    return (label,) if label else ()


def desktop_entries(data: dict[str, Any]) -> list[TopicEntry]:
    """``/ajax/side/hotSearch``: ``data.realtime`` ranked, ``data.hotgovs`` pinned."""
    pinned = data["data"].get("hotgovs") or []
    if not pinned and isinstance(data["data"].get("hotgov"), dict):
        pinned = [data["data"]["hotgov"]]
    entries = []
    for item in pinned:
        word = str(item.get("word") or item.get("name") or "")
        entries.append(
            TopicEntry(
                word,
                url=item.get("url") or _search_url(word),
                labels=_label(item),
                pinned=True,
                raw=item,
            )
        )
    for item in dig(data, "data.realtime", list):
        word = str(item.get("word") or item.get("note") or "")
        rank = item.get("realpos") or (
            item["rank"] + 1 if isinstance(item.get("rank"), int) else None
        )
        ad = item.get("is_ad") == 1 or "荐" in (item.get("icon_desc"), item.get("label_name"))
        entries.append(
            TopicEntry(
                word,
                heat=parse_heat(item.get("num", item.get("raw_hot"))),
                url=_search_url(word, item.get("word_scheme")),
                labels=_label(item),
                rank=rank if isinstance(rank, int) else None,
                ad=ad,
                raw=item,
            )
        )
    return entries


def mobile_entries(data: dict[str, Any]) -> list[TopicEntry]:
    """``m.weibo.cn`` container: the first card group; rank from ``img_search_N``, pinned
    ``img_search_stick``, ads ``search_point_orange`` / ``promotion`` / ``is_ad_pos:1``."""
    group = dig(data, "data.cards.0.card_group", list)
    entries = []
    for item in group:
        pic = str(item.get("pic") or "")
        itemid = str(item.get("itemid") or "")
        word = str(item.get("desc") or "")
        rank_pic = _RANK_PIC.search(pic)
        position = rank_pic or re.search(r"realpos:(\d+)", itemid)
        flag = re.search(r"/flags/(\d+)_0\.png", str(item.get("icon") or ""))
        entries.append(
            TopicEntry(
                word,
                heat=parse_heat(item.get("desc_extr")),
                url=SEARCH + quote(word),
                labels=(_FLAG_LABELS[flag.group(1)],)
                if flag and flag.group(1) in _FLAG_LABELS
                else (),
                rank=int(position.group(1)) if position else None,
                pinned="stick" in pic,
                ad="point_orange" in pic or "promotion" in item or "is_ad_pos:1" in itemid,
                raw=item,
            )
        )
    return entries


def summary_entries(html: str, base: str) -> list[TopicEntry]:
    """``s.weibo.com/top/summary``: ``#pl_top_realtimehot`` rows; a row without a numeric
    rank is the pinned one, a ``荐`` label an ad."""
    entries = []
    for row in Selector(text=html).css("#pl_top_realtimehot table tbody tr"):
        link = row.css("td.td-02 a")
        title = " ".join(link.css("::text").getall()).strip()
        if not title:
            continue
        rank_text = row.css("td.td-01::text").get("").strip()
        label = " ".join(row.css("td.td-03 ::text").getall()).strip()
        entries.append(
            TopicEntry(
                title,
                heat=parse_heat(row.css("td.td-02 span::text").get()),
                url=urljoin(base, link.attrib.get("href", "")) or _search_url(title),
                labels=(label,) if label and label != "荐" else (),
                rank=int(rank_text) if rank_text.isdigit() else None,
                pinned=not rank_text.isdigit() and label != "荐",
                ad=label == "荐",
                raw={"rank": rank_text, "title": title, "label": label},
            )
        )
    return entries


_MOBILE_ICONS = {"icon_new": "新", "icon_hot": "热", "icon_boil": "沸"}


def mobile_summary_entries(html: str, base: str) -> list[TopicEntry]:
    """The summary page as served to a mobile browser: ``section.list ul.list_a li a`` with
    ``strong.hot`` rank, ``span`` title, ``span > em`` heat and ``i.icon_*`` labels
    (``icon_pinned`` / ``icon_recommend``: pinned / ad)."""
    entries = []
    for link in Selector(text=html).css("section.list ul.list_a > li > a"):
        title = " ".join(link.xpath("./span/text()").getall()).strip()
        if not title:
            continue
        rank_text = link.css("strong.hot::text").get("").strip()
        icons = " ".join(link.css("i::attr(class)").getall())
        entries.append(
            TopicEntry(
                title,
                heat=parse_heat(link.css("span > em::text").get()),
                url=urljoin(base, link.attrib.get("href", "")) or _search_url(title),
                labels=tuple(label for icon, label in _MOBILE_ICONS.items() if icon in icons),
                rank=int(rank_text) if rank_text.isdigit() else None,
                pinned="icon_pinned" in icons or not rank_text.isdigit(),
                ad="icon_recommend" in icons,
                raw={"rank": rank_text, "title": title, "icons": icons},
            )
        )
    return entries


class WeiboSpider(TopicSpider):
    name = "weibo"
    label = "微博热搜"
    endpoints = (
        Endpoint(
            "https://weibo.com/ajax/side/hotSearch",
            headers={"Referer": "https://weibo.com/"},
            cookie="weibo_cookie",
        ),
        Endpoint(
            "https://m.weibo.cn/api/container/getIndex?containerid=106003type%3D25%26t%3D3"
            "%26disable_hot%3D1%26filter_type%3Drealtimehot",
            headers={
                "User-Agent": MOBILE_UA,
                "MWeibo-Pwa": "1",
                "X-Requested-With": "XMLHttpRequest",
                "Referer": "https://s.weibo.com/top/summary?cate=realtimehot",
            },
            cookie="weibo_cookie",
        ),
        Endpoint(
            "https://s.weibo.com/top/summary?cate=realtimehot",
            headers={"Referer": "https://s.weibo.com/"},
            cookie="weibo_cookie",
        ),
    )

    def entries(self, response: Response) -> list[TopicEntry]:
        text = body_text(response)
        if text.lstrip()[:1] not in ("{", "["):
            if "pl_top_realtimehot" in text:
                return summary_entries(text, response.url)
            if "list_a" in text:
                return mobile_summary_entries(text, response.url)
            raise self.not_a_list(text, "Weibo's hot list")
        data = self.json(response)
        if isinstance(data.get("data"), dict) and "realtime" in data["data"]:
            return desktop_entries(data)
        if isinstance(data.get("data"), dict) and "cards" in data["data"]:
            return mobile_entries(data)
        raise CaptureFailed("format_changed", f"unknown Weibo shape (keys {sorted(data)[:10]})")
