"""The same story on several platforms is one group (pricewatch/topics/grouping.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pricewatch.db import Store
from pricewatch.spiders.topics._base import rank
from pricewatch.topics.capture import TopicCapture, TopicEntry, to_topic_record
from pricewatch.topics.grouping import group_topics
from pricewatch.topics.related import cross_platform
from pricewatch.topics.relevance import CatalogueMatcher, CatalogueProduct


@dataclass(frozen=True)
class T:
    source: str
    title: str
    rank: int | None


TOPICS = [
    T("weibo", "贵州游船侧翻事故", 3),
    T("baidu", "贵州黔西游船侧翻 10人遇难", 1),
    T("zhihu", "贵州游船侧翻事故中，另一船人全员获救，船长的哪些操作很关键？", 2),
    T("weibo", "NBA总决赛", 2),
    T("douyin", "NBA 总决赛G1 尼克斯vs马刺", 5),
    T("baidu", "今晚油价将调整", 4),
    T("zhihu", "如何看待今晚油价调整", 9),
    T("weibo", "油价", 4),  # one short shared word is not enough
    T("douyin", "苏超球迷玩梗玩出新高度", 1),
    T("weibo", "贵州游船侧翻事故最新进展", 8),  # same platform: never merged with itself
]


def test_groups_across_platforms_biggest_first() -> None:
    groups = group_topics(TOPICS)
    assert [(g.sources, g.best_rank) for g in groups] == [
        (("baidu", "weibo", "zhihu"), 1),
        (("douyin", "weibo"), 2),
        (("baidu", "zhihu"), 4),
    ]
    assert groups[0].title == "贵州黔西游船侧翻 10人遇难"  # the best ranked member names it
    assert "油价" not in [m.title for g in groups for m in g.members]
    assert "苏超球迷玩梗玩出新高度" not in [m.title for g in groups for m in g.members]


def test_single_platform_topics_are_kept_on_request() -> None:
    groups = group_topics(TOPICS, single=True)
    assert sum(len(g.members) for g in groups) == len(TOPICS)


def test_client_words_help_segmentation() -> None:
    topics = [T("weibo", "雅诗兰黛小棕瓶降价", 1), T("douyin", "小棕瓶雅诗兰黛双十一", 3)]
    segmenter = CatalogueMatcher([CatalogueProduct("E", None, "雅诗兰黛", ("小棕瓶",))]).segmenter
    [group] = group_topics(topics, segmenter=segmenter)
    assert group.sources == ("douyin", "weibo")


def test_cross_platform_reads_the_period_from_the_store(store: Store) -> None:
    now = datetime.now(UTC)
    for source, titles in (
        ("weibo", ["贵州游船侧翻事故", "冬季暴雪预警"]),
        ("baidu", ["贵州黔西游船侧翻 10人遇难", "今晚油价将调整"]),
    ):
        item = TopicCapture(
            source, "http://x/", rank([TopicEntry(t) for t in titles]), now - timedelta(hours=2)
        )
        store.store_topic_capture(to_topic_record(item))
    [group] = cross_platform(store, now - timedelta(days=1))
    assert group.sources == ("baidu", "weibo")
    assert {m.title for m in group.members} == {"贵州游船侧翻事故", "贵州黔西游船侧翻 10人遇难"}
    assert cross_platform(store, now - timedelta(hours=1)) == []  # nothing seen since
