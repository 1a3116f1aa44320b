"""Topic captures into storage: deduplicated topics and run-length rank/heat series, set-wise.

One capture is one transaction of a handful of statements, whatever its size: the source's
previous stored capture and recent sizes, the capture's topics by key (chunked ``IN``), their
latest observation rows, then bulk INSERTs and executemany UPDATEs.

* A **failed** capture (a reason) is one ``topic_capture`` row with status ``failed``; none of
  its entries exists, so ``topics show`` keeps showing the last good list.
* A capture with fewer ranked entries than ``small_share`` × the median of the source's last
  ``recent`` stored captures is stored with status ``small`` (flagged, e.g. a half-served list).
* A topic's observation row is extended when the topic was in the source's previous stored
  capture with the same rank, heat and flags; otherwise a new row opens, with the raw item.

It takes :class:`~pricewatch.records.TopicCaptureRecord` only: validity is the validate
pipeline's decision.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pricewatch.db.models import Topic, TopicCapture, TopicObservation
from pricewatch.db.store._base import StoreBase, chunks
from pricewatch.db.store.topic_results import CaptureResult
from pricewatch.records import TopicCaptureRecord, TopicEntryRecord

#: A capture below this share of the source's recent median size is stored but flagged.
SMALL_SHARE = 0.5
#: How many recent stored captures the median is taken over.
RECENT_CAPTURES = 10
STORED = ("ok", "small")
#: Tries of a capture that raced a concurrent one on a new topic's unique key.
ATTEMPTS = 3

log = logging.getLogger(__name__)


class TopicWriteStore(StoreBase):
    def store_topic_capture(
        self,
        record: TopicCaptureRecord,
        *,
        run_id: int | None = None,
        small_share: float = SMALL_SHARE,
        recent: int = RECENT_CAPTURES,
    ) -> CaptureResult:
        """Store one capture (see the module docstring); returns what it did."""
        if not isinstance(record, TopicCaptureRecord):
            raise TypeError(f"store_topic_capture takes a TopicCaptureRecord, not {record!r}")
        for attempt in range(ATTEMPTS):
            try:
                return self._store_capture(record, run_id, small_share, recent)
            except IntegrityError:
                # PostgreSQL: a concurrent capture of the same source inserted one of these
                # topics first; the next attempt sees it (SQLite serialises writers).
                if attempt == ATTEMPTS - 1:
                    raise
                log.info("topic capture of %s raced another; retrying", record.source)
        raise AssertionError("unreachable")

    def _store_capture(
        self, record: TopicCaptureRecord, run_id: int | None, small_share: float, recent: int
    ) -> CaptureResult:
        with self._write_session() as session, session.begin():
            if record.failed:
                capture_id = self._insert_capture(session, record, "failed", 0, run_id)
                return CaptureResult(capture_id, record.source, "failed", 0)
            ranked = sum(1 for e in record.entries if e.rank is not None)
            sizes = session.scalars(
                select(TopicCapture.entries)
                .where(TopicCapture.source == record.source, TopicCapture.status.in_(STORED))
                .order_by(TopicCapture.id.desc())
                .limit(recent)
            ).all()
            median = statistics.median(sizes) if sizes else None
            status = "small" if median is not None and ranked < small_share * median else "ok"
            previous = session.scalar(
                select(func.max(TopicCapture.id)).where(
                    TopicCapture.source == record.source, TopicCapture.status.in_(STORED)
                )
            )
            capture_id = self._insert_capture(session, record, status, ranked, run_id)
            new_topics, topic_ids = self._upsert_topics(session, record)
            opened, extended = self._observe(session, record, capture_id, previous, topic_ids)
        return CaptureResult(
            capture_id, record.source, status, ranked, new_topics, opened, extended, median
        )

    # ------------------------------------------------------------------ steps

    @staticmethod
    def _insert_capture(
        session: Session, record: TopicCaptureRecord, status: str, entries: int, run_id: int | None
    ) -> int:
        capture_id = session.scalar(
            insert(TopicCapture)
            .values(
                source=record.source,
                captured_at=record.captured_at,
                status=status,
                reason=record.reason,
                detail=record.detail,
                url=record.url,
                entries=entries,
                run_id=run_id,
            )
            .returning(TopicCapture.id)
        )
        assert capture_id is not None
        return capture_id

    @staticmethod
    def _upsert_topics(session: Session, record: TopicCaptureRecord) -> tuple[int, dict[str, int]]:
        """Insert the capture's new topics, refresh the known ones; ``{key: topic id}``."""
        at = record.captured_at
        by_key = {e.key: e for e in record.entries}
        known: dict[str, Topic] = {}
        for part in chunks(list(by_key)):
            for topic in session.scalars(
                select(Topic).where(Topic.source == record.source, Topic.key.in_(part))
            ):
                known[topic.key] = topic
        fresh = [
            {
                "source": record.source,
                "key": e.key,
                "title": e.title,
                "url": e.url,
                "labels": list(e.labels),
                "first_seen": at,
                "last_seen": at,
                "peak_rank": e.rank,
                "peak_heat": e.heat,
            }
            for key, e in by_key.items()
            if key not in known
        ]
        ids = {t.key: t.id for t in known.values()}
        if fresh:
            for key, topic_id in session.execute(
                insert(Topic).returning(Topic.key, Topic.id, sort_by_parameter_order=True), fresh
            ):
                ids[key] = topic_id
        updates = [_refresh(topic, by_key[key], record) for key, topic in known.items()]
        if updates:
            session.execute(update(Topic), updates)
        return len(fresh), ids

    @staticmethod
    def _observe(
        session: Session,
        record: TopicCaptureRecord,
        capture_id: int,
        previous: int | None,
        topic_ids: dict[str, int],
    ) -> tuple[int, int]:
        latest: dict[int, TopicObservation] = {}
        for part in chunks(list(topic_ids.values())):
            newest = (
                select(func.max(TopicObservation.id))
                .where(TopicObservation.topic_id.in_(part))
                .group_by(TopicObservation.topic_id)
            )
            for row in session.scalars(
                select(TopicObservation).where(TopicObservation.id.in_(newest))
            ):
                latest[row.topic_id] = row
        at = record.captured_at
        opened: list[dict[str, Any]] = []
        extended: list[dict[str, Any]] = []
        for entry in record.entries:
            topic_id = topic_ids[entry.key]
            obs = latest.get(topic_id)
            if (
                obs is not None
                and previous is not None
                and obs.capture_to_id == previous
                and _state(obs) == (entry.rank, entry.heat, entry.pinned, entry.ad)
            ):
                extended.append({"id": obs.id, "capture_to_id": capture_id, "last_seen": at})
                continue
            opened.append(
                {
                    "topic_id": topic_id,
                    "capture_from_id": capture_id,
                    "capture_to_id": capture_id,
                    "first_seen": at,
                    "last_seen": at,
                    "rank": entry.rank,
                    "heat": entry.heat,
                    "pinned": entry.pinned,
                    "ad": entry.ad,
                    "raw": entry.raw,
                }
            )
        if opened:
            session.execute(insert(TopicObservation), opened)
        if extended:
            session.execute(update(TopicObservation), extended)
        return len(opened), len(extended)


def _state(obs: TopicObservation) -> tuple[int | None, int | None, bool, bool]:
    return (obs.rank, obs.heat, bool(obs.pinned), bool(obs.ad))


def _refresh(topic: Topic, entry: TopicEntryRecord, record: TopicCaptureRecord) -> dict[str, Any]:
    def best(old: int | None, new: int | None, pick: Any) -> int | None:
        return new if old is None else old if new is None else pick(old, new)

    return {
        "id": topic.id,
        "title": entry.title,
        "url": entry.url or topic.url,
        "labels": list(entry.labels),
        "last_seen": max(topic.last_seen, record.captured_at),
        "peak_rank": best(topic.peak_rank, entry.rank, min),
        "peak_heat": best(topic.peak_heat, entry.heat, max),
    }


def stored_capture_ids(session: Session, source: str) -> Sequence[int]:
    """The ids of a source's stored (not failed) captures, oldest first."""
    return session.scalars(
        select(TopicCapture.id)
        .where(TopicCapture.source == source, TopicCapture.status.in_(STORED))
        .order_by(TopicCapture.id)
    ).all()
