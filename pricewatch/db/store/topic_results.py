"""The plain dataclasses the topic store returns (captures, lists, movers, history, sources)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

#: Movement of a topic against the previous capture (or the window's baseline).
#: ``new``: not in it; ``up``/``down``: rank improved/worsened; ``same``; ``gone``: left the list.
MOVEMENTS = ("new", "up", "down", "same", "gone")


@dataclass(frozen=True, slots=True)
class CaptureResult:
    """What storing one capture did."""

    capture_id: int
    source: str
    status: str
    entries: int
    new_topics: int = 0
    #: Observation rows opened (a topic moved, changed heat or re-entered) and extended.
    opened: int = 0
    extended: int = 0
    #: The median ranked entries of the source's recent captures the size was checked against.
    median: float | None = None


@dataclass(frozen=True, slots=True)
class CaptureInfo:
    """One stored or failed capture."""

    capture_id: int
    source: str
    captured_at: datetime
    status: str
    entries: int
    reason: str | None
    detail: str | None
    url: str


@dataclass(frozen=True, slots=True)
class TopicRow:
    """A topic in one capture of its source's list."""

    topic_id: int
    source: str
    rank: int | None
    title: str
    heat: int | None
    url: str | None
    labels: list[str]
    first_seen: datetime
    peak_rank: int | None
    peak_heat: int | None
    #: ``new``, ``up``, ``down``, ``same``; ``None`` when the source has no earlier capture.
    movement: str | None
    #: Places gained since the previous capture (positive = up), None when new.
    rank_change: int | None
    pinned: bool
    ad: bool
    captured_at: datetime


@dataclass(frozen=True, slots=True)
class Mover:
    """A topic's change between a source's baseline capture and its latest one."""

    topic_id: int
    source: str
    title: str
    #: ``new``, ``rising``, ``falling``, ``steady`` or ``gone``.
    status: str
    rank: int | None
    previous_rank: int | None
    #: Places gained (positive = up); None for new and gone topics.
    rank_change: int | None
    heat: int | None
    previous_heat: int | None
    #: Heat gained per hour between the two captures (None without both figures).
    heat_per_hour: float | None
    url: str | None
    since: datetime
    at: datetime


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """A run of captures in which a topic kept its rank, heat and flags."""

    first_seen: datetime
    last_seen: datetime
    rank: int | None
    heat: int | None
    pinned: bool
    ad: bool


@dataclass(frozen=True, slots=True)
class TopicHistory:
    topic_id: int
    source: str
    title: str
    url: str | None
    labels: list[str]
    first_seen: datetime
    last_seen: datetime
    peak_rank: int | None
    peak_heat: int | None
    #: Time on the list: the spans of consecutive captures it was in, added up.
    time_on_list: timedelta
    #: How many times it entered the list (1 + re-entries).
    entries: int
    #: Whether it is in the source's latest stored capture.
    on_list: bool
    #: Places gained since the previous capture (None if it is not in both).
    rank_change: int | None
    #: Heat gained per hour since the previous capture (None without both figures).
    heat_per_hour: float | None
    points: list[HistoryPoint]


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """A topic source's recent record, for ``pricewatch topics sources``."""

    source: str
    captures: int
    failures: int
    last_success: datetime | None
    last_entries: int | None
    last_status: str | None
    last_failure: datetime | None
    last_reason: str | None
    last_detail: str | None


@dataclass(frozen=True, slots=True)
class TopicSeen:
    """A topic that was on its list during a period, with its best rank and heat in it."""

    topic_id: int
    source: str
    title: str
    url: str | None
    first_seen: datetime
    last_seen: datetime
    best_rank: int | None
    peak_heat: int | None


@dataclass(frozen=True, slots=True)
class TopicInPeriod:
    """A topic ranked on its list during a period (pinned items and ads not counted), with its
    best rank, peak heat and time on the list *within* the period."""

    topic_id: int
    source: str
    title: str
    url: str | None
    #: When it first entered its list (ever: before the period if it was already trending).
    first_seen: datetime
    best_rank: int
    peak_heat: int | None
    #: The spans of consecutive stored captures it was ranked in, clipped to the period.
    time_on_list: timedelta
    #: Whether it was on the list in its source's last stored capture of the period.
    on_list_at_end: bool

    @property
    def rank(self) -> int:
        """The best rank (what :func:`pricewatch.topics.grouping.group_topics` reads)."""
        return self.best_rank
