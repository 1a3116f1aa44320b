"""Reading topic history: a source's list at any time, movers over a window, one topic's
history, topics seen in a period, and each source's health.

A topic is *in* a stored capture C of its source when one of its observation rows spans it
(``capture_from_id <= C <= capture_to_id``): rows only ever extend over consecutive stored
captures of their source, so that test is exact. Failed captures are never "the list at a
time": the list shown is the last stored one at or before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Row, case, func, or_, select
from sqlalchemy.orm import Session

from pricewatch.db.models import Topic, TopicCapture, TopicObservation
from pricewatch.db.store._base import StoreBase
from pricewatch.db.store.topic_results import (
    CaptureInfo,
    HistoryPoint,
    Mover,
    SourceStatus,
    TopicHistory,
    TopicRow,
    TopicSeen,
)
from pricewatch.db.store.topic_writes import STORED, stored_capture_ids
from pricewatch.records import utcnow
from pricewatch.topics.text import normalise_title


class TopicQueryStore(StoreBase):
    def topic_list(self, source: str | None = None, at: datetime | None = None) -> list[TopicRow]:
        """Each source's (or ``source``'s) list as last stored at or before ``at`` (default:
        now), with movement against the capture before it; pinned items first, then by rank."""
        with self._read_session() as session:
            sources = [source] if source else _sources(session)
            rows: list[TopicRow] = []
            for name in sources:
                capture = _capture_at(session, name, at)
                if capture is None:
                    continue
                previous = _previous(session, name, capture.id)
                before = _snapshot(session, name, previous) if previous is not None else None
                for obs, topic in _snapshot_rows(session, name, capture.id):
                    rows.append(_topic_row(obs, topic, capture.captured_at, before))
        return sorted(rows, key=lambda r: (r.source, r.rank is not None, r.rank or 0))

    def topic_movers(
        self,
        window: timedelta,
        *,
        source: str | None = None,
        now: datetime | None = None,
        include_steady: bool = False,
    ) -> list[Mover]:
        """What moved between each source's capture ``window`` before its latest one (or its
        oldest within the window) and the latest: new, rising, falling and gone topics."""
        movers: list[Mover] = []
        with self._read_session() as session:
            for name in [source] if source else _sources(session):
                latest = _capture_at(session, name, now)
                if latest is None:
                    continue
                base = _capture_at(session, name, latest.captured_at - window)
                if base is None or base.id == latest.id:
                    base = _oldest_after(session, name, latest.captured_at - window, latest.id)
                if base is None:
                    continue
                now_rows = _snapshot_rows(session, name, latest.id)
                then_rows = _snapshot_rows(session, name, base.id)
                movers += _movers(name, now_rows, then_rows, base, latest, include_steady)
        order = {"new": 0, "rising": 1, "falling": 2, "steady": 3, "gone": 4}
        return sorted(
            movers,
            key=lambda m: (
                m.source,
                order[m.status],
                -(abs(m.rank_change or 0)),
                m.rank or m.previous_rank or 0,
            ),
        )

    def topic_history(self, ref: str) -> list[TopicHistory]:
        """Histories of the topics ``ref`` names: an id, a title (any source), or a part of
        one."""
        with self._read_session() as session:
            if ref.isdigit():
                topics = list(session.scalars(select(Topic).where(Topic.id == int(ref))))
            else:
                key = normalise_title(ref)
                topics = list(session.scalars(select(Topic).where(Topic.key == key)))
                if not topics and key:
                    topics = list(
                        session.scalars(
                            select(Topic)
                            .where(or_(Topic.key.contains(key), Topic.title.contains(ref)))
                            .order_by(Topic.last_seen.desc())
                            .limit(20)
                        )
                    )
            return [_history(session, topic) for topic in topics]

    def topics_seen(self, since: datetime, until: datetime | None = None) -> list[TopicSeen]:
        """Every topic on a list between ``since`` and ``until`` (default now)."""
        until = until or utcnow()
        with self._read_session() as session:
            columns = (
                Topic.id,
                Topic.source,
                Topic.title,
                Topic.url,
                Topic.first_seen,
                Topic.last_seen,
            )
            result = session.execute(
                select(*columns, func.min(TopicObservation.rank), func.max(TopicObservation.heat))
                .join(TopicObservation, TopicObservation.topic_id == Topic.id)
                .where(TopicObservation.last_seen >= since, TopicObservation.first_seen <= until)
                .group_by(*columns)
            )
            return [TopicSeen(*row) for row in result]

    def topic_captures_since(self, since: datetime) -> list[CaptureInfo]:
        """Captures made since ``since`` (what a crawl just did), oldest first."""
        with self._read_session() as session:
            return [
                CaptureInfo(
                    c.id, c.source, c.captured_at, c.status, c.entries, c.reason, c.detail, c.url
                )
                for c in captures_since(session, since)
            ]

    def topic_sources(self) -> list[SourceStatus]:
        """Each source that ever captured: captures, failures, last success and last failure."""
        with self._read_session() as session:
            counts = session.execute(
                select(
                    TopicCapture.source,
                    func.count(),
                    func.sum(case((TopicCapture.status == "failed", 1), else_=0)),
                ).group_by(TopicCapture.source)
            ).all()
            out = []
            for source, captures, failures in sorted(counts):
                good = _last(session, source, stored=True)
                bad = _last(session, source, stored=False)
                out.append(
                    SourceStatus(
                        source,
                        int(captures),
                        int(failures or 0),
                        good.captured_at if good else None,
                        good.entries if good else None,
                        good.status if good else None,
                        bad.captured_at if bad else None,
                        bad.reason if bad else None,
                        bad.detail if bad else None,
                    )
                )
            return out


# ---------------------------------------------------------------------- helpers


def _sources(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(TopicCapture.source)
            .where(TopicCapture.status.in_(STORED))
            .distinct()
            .order_by(TopicCapture.source)
        )
    )


def _capture_at(session: Session, source: str, at: datetime | None) -> TopicCapture | None:
    query = select(TopicCapture).where(
        TopicCapture.source == source, TopicCapture.status.in_(STORED)
    )
    if at is not None:
        query = query.where(TopicCapture.captured_at <= at)
    return session.scalars(query.order_by(TopicCapture.id.desc()).limit(1)).first()


def _oldest_after(
    session: Session, source: str, at: datetime, before_id: int
) -> TopicCapture | None:
    return session.scalars(
        select(TopicCapture)
        .where(
            TopicCapture.source == source,
            TopicCapture.status.in_(STORED),
            TopicCapture.captured_at >= at,
            TopicCapture.id < before_id,
        )
        .order_by(TopicCapture.id)
        .limit(1)
    ).first()


def _previous(session: Session, source: str, capture_id: int) -> int | None:
    return session.scalar(
        select(func.max(TopicCapture.id)).where(
            TopicCapture.source == source,
            TopicCapture.status.in_(STORED),
            TopicCapture.id < capture_id,
        )
    )


def _last(session: Session, source: str, *, stored: bool) -> TopicCapture | None:
    status = TopicCapture.status.in_(STORED) if stored else TopicCapture.status == "failed"
    return session.scalars(
        select(TopicCapture)
        .where(TopicCapture.source == source, status)
        .order_by(TopicCapture.id.desc())
        .limit(1)
    ).first()


def _snapshot_rows(
    session: Session, source: str, capture_id: int
) -> Sequence[Row[TopicObservation, Topic]]:
    return session.execute(
        select(TopicObservation, Topic)
        .join(Topic, Topic.id == TopicObservation.topic_id)
        .where(
            Topic.source == source,
            TopicObservation.capture_from_id <= capture_id,
            TopicObservation.capture_to_id >= capture_id,
        )
    ).all()


def _snapshot(session: Session, source: str, capture_id: int) -> dict[int, TopicObservation]:
    return {obs.topic_id: obs for obs, _ in _snapshot_rows(session, source, capture_id)}


def _change(now: int | None, then: int | None) -> int | None:
    return then - now if now is not None and then is not None else None


def _topic_row(
    obs: TopicObservation, topic: Topic, at: datetime, before: dict[int, TopicObservation] | None
) -> TopicRow:
    movement: str | None = None
    change: int | None = None
    if before is not None and obs.rank is not None:
        then = before.get(topic.id)
        change = _change(obs.rank, then.rank if then else None)
        if then is None or then.rank is None:
            movement = "new"
        else:
            movement = "up" if change and change > 0 else "down" if change else "same"
    return TopicRow(
        topic.id,
        topic.source,
        obs.rank,
        topic.title,
        obs.heat,
        topic.url,
        list(topic.labels or []),
        topic.first_seen,
        topic.peak_rank,
        topic.peak_heat,
        movement,
        change,
        bool(obs.pinned),
        bool(obs.ad),
        at,
    )


def _per_hour(now: int | None, then: int | None, hours: float) -> float | None:
    if now is None or then is None or hours <= 0:
        return None
    return (now - then) / hours


def _movers(
    source: str,
    now_rows: Sequence[Row[TopicObservation, Topic]],
    then_rows: Sequence[Row[TopicObservation, Topic]],
    base: TopicCapture,
    latest: TopicCapture,
    include_steady: bool,
) -> list[Mover]:
    hours = (latest.captured_at - base.captured_at).total_seconds() / 3600
    now = {t.id: (o, t) for o, t in now_rows if o.rank is not None}
    then = {t.id: (o, t) for o, t in then_rows if o.rank is not None}
    out = []
    for topic_id in now.keys() | then.keys():
        current, previous = now.get(topic_id), then.get(topic_id)
        topic = (current or previous)[1]  # type: ignore[index]
        rank = current[0].rank if current else None
        previous_rank = previous[0].rank if previous else None
        change = _change(rank, previous_rank)
        if current is None:
            status = "gone"
        elif previous is None:
            status = "new"
        else:
            status = "rising" if change and change > 0 else "falling" if change else "steady"
        if status == "steady" and not include_steady:
            continue
        heat = current[0].heat if current else None
        previous_heat = previous[0].heat if previous else None
        out.append(
            Mover(
                topic_id,
                source,
                topic.title,
                status,
                rank,
                previous_rank,
                change,
                heat,
                previous_heat,
                _per_hour(heat, previous_heat, hours),
                topic.url,
                base.captured_at,
                latest.captured_at,
            )
        )
    return out


def _history(session: Session, topic: Topic) -> TopicHistory:
    rows = list(
        session.scalars(
            select(TopicObservation)
            .where(TopicObservation.topic_id == topic.id)
            .order_by(TopicObservation.id)
        )
    )
    captures = stored_capture_ids(session, topic.source)
    position = {capture_id: i for i, capture_id in enumerate(captures)}
    on_list_time = timedelta()
    entries = 0
    start = None
    for i, row in enumerate(rows):
        joined = (
            i > 0
            and position.get(row.capture_from_id, -2)
            == position.get(rows[i - 1].capture_to_id, -9) + 1
        )
        if not joined:
            if start is not None:
                on_list_time += rows[i - 1].last_seen - start
            start, entries = row.first_seen, entries + 1
    if rows and start is not None:
        on_list_time += rows[-1].last_seen - start
    latest = captures[-1] if captures else None
    on_list = bool(rows) and rows[-1].capture_to_id == latest
    change = heat_rate = None
    if on_list and len(captures) > 1:
        prior = captures[-2]
        then = next((r for r in rows if r.capture_from_id <= prior <= r.capture_to_id), None)
        if then is not None:
            last = rows[-1]
            change = _change(last.rank, then.rank)
            at_then = session.scalar(
                select(TopicCapture.captured_at).where(TopicCapture.id == prior)
            )
            hours = (last.last_seen - at_then).total_seconds() / 3600 if at_then else 0.0
            heat_rate = _per_hour(last.heat, then.heat, hours)
    return TopicHistory(
        topic.id,
        topic.source,
        topic.title,
        topic.url,
        list(topic.labels or []),
        topic.first_seen,
        topic.last_seen,
        topic.peak_rank,
        topic.peak_heat,
        on_list_time,
        entries,
        on_list,
        change,
        heat_rate,
        [
            HistoryPoint(r.first_seen, r.last_seen, r.rank, r.heat, bool(r.pinned), bool(r.ad))
            for r in rows
        ],
    )


def captures_since(session: Session, since: datetime) -> list[TopicCapture]:
    """Every capture (stored or failed) made at or after ``since``, oldest first."""
    return list(
        session.scalars(
            select(TopicCapture).where(TopicCapture.captured_at >= since).order_by(TopicCapture.id)
        )
    )
