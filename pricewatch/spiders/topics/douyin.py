"""抖音热榜 (Douyin hot search): the app API (no cookie), else the web API (which wants the
``passport_csrf_token`` cookie: ``PRICEWATCH_DOUYIN_COOKIE``). ``data.word_list`` is ranked by
``position``; ``trending_list`` (rising words, no heat) is not part of the ranking."""

from __future__ import annotations

from typing import Any

from scrapy.http import Response

from pricewatch.spiders.topics._base import Endpoint, TopicSpider, dig
from pricewatch.topics.capture import CaptureFailed, TopicEntry
from pricewatch.topics.text import parse_heat

APP_UA = "okhttp3"


def check_status(data: Any) -> None:
    """Douyin's envelope: ``status_code`` 0 is success; anything else a block or login wall."""
    if isinstance(data, dict) and data.get("status_code") not in (0, None):
        message = f"status_code {data.get('status_code')} {data.get('status_msg') or ''}"
        reason = "auth_required" if data.get("status_code") in (8, 2190008) else "blocked"
        raise CaptureFailed(reason, message.strip())


def hot_entries(data: Any) -> list[TopicEntry]:
    check_status(data)
    entries = []
    for item in dig(data, "data.word_list", list):
        sentence = item.get("sentence_id")
        entries.append(
            TopicEntry(
                str(item.get("word") or ""),
                heat=parse_heat(item.get("hot_value")),
                url=f"https://www.douyin.com/hot/{sentence}" if sentence else None,
                rank=item.get("position") if isinstance(item.get("position"), int) else None,
                raw=item,
            )
        )
    return entries


class DouyinSpider(TopicSpider):
    name = "douyin"
    label = "抖音热榜"
    endpoints = (
        Endpoint(
            "https://aweme-lq.snssdk.com/aweme/v1/hot/search/list/?aid=1128&version_code=880",
            headers={"User-Agent": APP_UA},
        ),
        Endpoint(
            "https://www.douyin.com/aweme/v1/web/hot/search/list/?device_platform=webapp"
            "&aid=6383&channel=channel_pc_web&detail_list=1",
            headers={"Referer": "https://www.douyin.com/"},
            cookie="douyin_cookie",
        ),
    )

    def entries(self, response: Response) -> list[TopicEntry]:
        return hot_entries(self.json(response))
