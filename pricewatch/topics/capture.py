"""What a topic source yields: one :class:`TopicCapture` item per crawl, ranked entries or a
failure reason.

These are Scrapy items (plain dataclasses, like :mod:`pricewatch.items`); the validate pipeline
turns them into :class:`pricewatch.records.TopicCaptureRecord`, the only thing storage takes.
Source parsers raise :class:`CaptureFailed` with one of :data:`FAILURE_REASONS` (or an
``http_NNN`` code) when a response is not a hot list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pricewatch.records import TopicCaptureRecord, TopicEntryRecord, utcnow
from pricewatch.topics.text import normalise_title

#: Why a capture failed (besides ``http_NNN`` and the request failures of
#: :mod:`pricewatch.crawl.failures`: ``timeout``, ``dns``, ``connection``, ``rate_limited``...).
FAILURE_REASONS = {
    "blocked": "the platform answered with an anti-bot page or a risk-control code",
    "auth_required": "the endpoint wants a login cookie or token",
    "empty": "the list came back empty",
    "format_changed": "the response is not in any shape the source knows",
}


#: Longest topic key stored (``topic.key`` is a VARCHAR(500)); longer titles share a prefix key.
KEY_LENGTH = 500


class CaptureFailed(Exception):
    """A response that is not a usable hot list; ``reason`` is a short code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class TopicEntry:
    """One item of a hot list as the source gives it.

    ``rank`` is the source's own rank when it states one (the spider renumbers the ranked
    entries 1..n in that order); pinned items and ads get no rank in the capture.
    """

    title: str
    heat: int | None = None
    url: str | None = None
    labels: tuple[str, ...] = ()
    rank: int | None = None
    pinned: bool = False
    ad: bool = False
    raw: Any = None


@dataclass
class TopicCapture:
    """One capture of a source's list; ``reason`` set means it failed and holds no entries."""

    source: str
    url: str
    entries: list[TopicEntry] = field(default_factory=list)
    captured_at: datetime = field(default_factory=utcnow)
    reason: str | None = None
    detail: str = ""


def to_topic_record(item: TopicCapture) -> TopicCaptureRecord:
    """The record a capture item stands for (called by the validate pipeline, the one gate).

    A capture whose entries a record refuses (a rank hole, a negative heat...) becomes a failed
    capture with reason ``invalid``: nothing of it is stored.
    """
    if item.reason is not None:
        return TopicCaptureRecord(
            item.source, item.url, item.captured_at, reason=item.reason, detail=item.detail
        )
    try:
        entries = tuple(
            TopicEntryRecord(
                key=normalise_title(e.title)[:KEY_LENGTH],
                title=e.title,
                rank=e.rank,
                heat=e.heat,
                url=e.url,
                labels=tuple(str(label) for label in e.labels),
                pinned=e.pinned,
                ad=e.ad,
                raw=_plain(e.raw),
            )
            for e in item.entries
        )
        return TopicCaptureRecord(
            item.source, item.url, item.captured_at, entries, detail=item.detail or None
        )
    except ValueError as exc:
        return TopicCaptureRecord(
            item.source, item.url, item.captured_at, reason="invalid", detail=str(exc)
        )


def _plain(value: Any) -> Any:
    """``value`` as plain JSON data (what a JSON column stores)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))
