"""The same story trending on several platforms at once, grouped.

Titles of different sources are compared by their words (jieba, with a client's brand and
product words in the user dictionary when given): two topics of *different* sources join a
group when rapidfuzz's ``token_set_ratio`` of their word lists reaches ``threshold`` and they
share at least ``min_shared`` characters of content words (so two titles sharing only ``的`` or
one short word do not merge), or when their normalised titles are nearly equal. Groups are
transitive (union-find). The biggest groups are the ones on most platforms, then the best
ranked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Protocol

from rapidfuzz import fuzz

from pricewatch.topics.segment import Segmenter
from pricewatch.topics.text import normalise_title


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that say nothing about which story a title is about.
_FILLER = _words(
    "的 了 是 在 和 与 及 被 把 将 又 也 都 就 还 吗 呢 啊 这 那 有 为 对 从 上 下 中 "
    "最 新 后 前 年 月 日 个 人 什么 如何 怎么 为什么 回应 曝光 官方 网友 热议 "
    "视频 现场 最新 今天 今日 the a an of to in on for and is"
)


#: A word shared by more titles than this finds no pairs by itself.
COMMON = 200


class TopicLike(Protocol):
    @property
    def source(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def rank(self) -> int | None: ...


@dataclass(frozen=True)
class TopicGroup:
    """A story on several platforms: its members (best ranked first) and where it trends."""

    title: str
    members: tuple[TopicLike, ...]
    sources: tuple[str, ...]
    best_rank: int | None


def _content(words: Sequence[str]) -> list[str]:
    return [w for w in words if w not in _FILLER and not (len(w) == 1 and w.isascii())]


def _candidate_pairs(words: Sequence[list[str]], keys: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs sharing a content word or a title key: the only ones that can join a group, so
    thousands of topics are not compared pairwise. A word on more than :data:`COMMON` titles
    says little about a story and is not used to find pairs."""
    postings: dict[str, list[int]] = {}
    for i, (topic_words, key) in enumerate(zip(words, keys, strict=True)):
        for word in {*topic_words, f"key:{key}"}:
            postings.setdefault(word, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for members in postings.values():
        if 1 < len(members) <= COMMON:
            pairs.update(combinations(members, 2))
    return sorted(pairs)


def group_topics(
    topics: Sequence[TopicLike],
    *,
    segmenter: Segmenter | None = None,
    threshold: float = 75.0,
    min_shared: int = 4,
    single: bool = False,
) -> list[TopicGroup]:
    """Groups of topics from two or more sources (all topics with ``single``), biggest first."""
    segmenter = segmenter or Segmenter()
    words = [_content(segmenter.words(t.title)) for t in topics]
    keys = [normalise_title(t.title) for t in topics]
    parent = list(range(len(topics)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _candidate_pairs(words, keys):
        if topics[i].source == topics[j].source or root(i) == root(j):
            continue
        shared = sum(len(w) for w in set(words[i]) & set(words[j]))
        similar = fuzz.token_set_ratio(" ".join(words[i]), " ".join(words[j])) >= threshold
        same = len(keys[i]) >= 4 and fuzz.ratio(keys[i], keys[j]) >= 90
        if same or (similar and shared >= min_shared):
            parent[root(i)] = root(j)
    members: dict[int, list[TopicLike]] = {}
    for i, topic in enumerate(topics):
        members.setdefault(root(i), []).append(topic)
    groups = []
    for group in members.values():
        sources = tuple(sorted({t.source for t in group}))
        if len(sources) < 2 and not single:
            continue
        ordered = tuple(sorted(group, key=lambda t: (t.rank is None, t.rank or 0)))
        groups.append(TopicGroup(ordered[0].title, ordered, sources, ordered[0].rank))
    return sorted(groups, key=lambda g: (-len(g.sources), g.best_rank or 10**6, g.title))
