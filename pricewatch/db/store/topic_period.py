"""The topics of a period, set-wise: what reports and ``pricewatch topics related`` read.

:meth:`TopicPeriodStore.topics_in_period` answers in two statements whatever the number of
topics or sources: the ranked observation rows overlapping the period (plus each topic's row in
its source's last stored capture before the period, so a spell already running when the period
starts counts from the start), and the stored capture ids of the sources those rows span. Time
on the list follows :meth:`~pricewatch.db.store.topic_queries.TopicQueryStore.topic_history`:
runs of rows over consecutive stored captures (a failed capture is no gap), clipped to the
period. Pinned items and ads have no rank and are not "trending": they are left out.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from pricewatch.db.models import Topic, TopicCapture, TopicObservation
from pricewatch.db.store._base import StoreBase
from pricewatch.db.store.topic_results import TopicInPeriod
from pricewatch.db.store.topic_writes import STORED
from pricewatch.records import utcnow


@dataclass(slots=True)
class _Row:
    capture_from_id: int
    capture_to_id: int
    first_seen: datetime
    last_seen: datetime
    rank: int
    heat: int | None


class TopicPeriodStore(StoreBase):
    def topics_in_period(self, start: datetime, end: datetime | None = None) -> list[TopicInPeriod]:
        """Every topic ranked on its list between ``start`` and ``end`` (default now), by
        source then best rank (see the module docstring)."""
        end = end or utcnow()
        obs = TopicObservation
        stored = TopicCapture.status.in_(STORED)
        before = (
            select(TopicCapture.source, func.max(TopicCapture.captured_at).label("at"))
            .where(stored, TopicCapture.captured_at < start)
            .group_by(TopicCapture.source)
            .subquery()
        )
        with self._read_session() as session:
            result = session.execute(
                select(
                    obs.topic_id,
                    obs.capture_from_id,
                    obs.capture_to_id,
                    obs.first_seen,
                    obs.last_seen,
                    obs.rank,
                    obs.heat,
                    Topic.source,
                    Topic.title,
                    Topic.url,
                    Topic.first_seen,
                )
                .join(Topic, Topic.id == obs.topic_id)
                .outerjoin(before, before.c.source == Topic.source)
                .where(
                    obs.rank.is_not(None),
                    obs.first_seen <= end,
                    obs.last_seen >= func.coalesce(before.c.at, start),
                )
                .order_by(obs.topic_id, obs.id)
            ).all()
            if not result:
                return []
            rows: dict[int, list[_Row]] = defaultdict(list)
            topics: dict[int, tuple[str, str, str | None, datetime]] = {}
            for topic_id, c_from, c_to, first, last, rank, heat, *topic in result:
                rows[topic_id].append(_Row(c_from, c_to, first, last, rank or 0, heat))
                topics[topic_id] = (topic[0], topic[1], topic[2], topic[3])
            sources = {t[0] for t in topics.values()}
            low = min(r.capture_from_id for rs in rows.values() for r in rs)
            captures = session.execute(
                select(TopicCapture.id, TopicCapture.source)
                .where(
                    stored,
                    TopicCapture.source.in_(sources),
                    TopicCapture.id >= low,
                    TopicCapture.captured_at <= end,
                )
                .order_by(TopicCapture.id)
            ).all()
        position: dict[int, int] = {}
        last_capture: dict[str, int] = {}
        counters: dict[str, int] = defaultdict(int)
        for capture_id, source in captures:
            position[capture_id] = counters[source]
            counters[source] += 1
            last_capture[source] = capture_id
        out = []
        for topic_id, spells in rows.items():
            source, title, url, first_seen = topics[topic_id]
            inside = [r for r in spells if r.last_seen >= start]
            if not inside:
                continue  # only its row before the period: it left the list before it began
            out.append(
                TopicInPeriod(
                    topic_id=topic_id,
                    source=source,
                    title=title,
                    url=url,
                    first_seen=first_seen,
                    best_rank=min(r.rank for r in inside),
                    peak_heat=max((r.heat for r in inside if r.heat is not None), default=None),
                    time_on_list=_time_on_list(spells, position, start, end),
                    on_list_at_end=spells[-1].capture_to_id >= last_capture.get(source, 0),
                )
            )
        return sorted(out, key=lambda t: (t.source, t.best_rank, t.title))


def _time_on_list(
    rows: list[_Row], position: dict[int, int], start: datetime, end: datetime
) -> timedelta:
    """The runs of ``rows`` over consecutive stored captures, each clipped to the period."""
    total = timedelta()
    run_start = rows[0].first_seen
    for previous, row in itertools.pairwise(rows):
        follows = position.get(previous.capture_to_id, -9) + 1
        if position.get(row.capture_from_id, -2) != follows:
            total += _clipped(run_start, previous.last_seen, start, end)
            run_start = row.first_seen
    return total + _clipped(run_start, rows[-1].last_seen, start, end)


def _clipped(first: datetime, last: datetime, start: datetime, end: datetime) -> timedelta:
    return max(min(last, end) - max(first, start), timedelta())
