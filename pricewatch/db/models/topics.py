"""Trending-topic tables: each capture of a hot list, the topics of each source, and their
rank/heat series, run-length like prices.

* ``topic_capture`` — one capture of one source: ``ok``, ``small`` (stored, but far fewer
  entries than the source's recent median) or ``failed`` (a reason, no entries stored).
* ``topic`` — a topic within its source, identified by its normalised title (``key``); first
  and last seen, peak rank and heat, the latest display title, URL and labels.
* ``topic_observation`` — a run of consecutive stored captures of the source in which the topic
  kept the same rank, heat and flags: ``capture_from_id``..``capture_to_id``. A change, or the
  topic missing from a capture, opens a new row; storage grows with movement, not captures.
  The raw item is kept on the row that opened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from pricewatch.db.models.base import Base, BigIntPK, check_in

#: ``ok``: stored; ``small``: stored but flagged (far below the usual size); ``failed``: a
#: reason and nothing stored.
CAPTURE_STATUSES = ("ok", "small", "failed")


class TopicCapture(Base):
    __tablename__ = "topic_capture"
    __table_args__ = (
        Index("ix_topic_capture_source", "source", "id"),
        CheckConstraint(check_in("status", CAPTURE_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    captured_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    #: Why a capture failed (blocked, auth_required, empty, format_changed, http_503...).
    reason: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    #: The endpoint that answered (or, for a failure, the first one tried).
    url: Mapped[str] = mapped_column(Text)
    #: Ranked entries stored (pinned items and ads not counted).
    entries: Mapped[int] = mapped_column(Integer)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id", ondelete="SET NULL"))


class Topic(Base):
    __tablename__ = "topic"
    __table_args__ = (UniqueConstraint("source", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    #: Normalised title (pricewatch.topics.text.normalise_title).
    key: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    labels: Mapped[list[str] | None] = mapped_column(JSON)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    peak_rank: Mapped[int | None] = mapped_column(Integer)
    peak_heat: Mapped[int | None] = mapped_column(BigInteger)


class TopicObservation(Base):
    __tablename__ = "topic_observation"
    __table_args__ = (
        Index("ix_topic_observation_topic_id", "topic_id", "id"),
        Index("ix_topic_observation_capture_to_id", "capture_to_id"),
        CheckConstraint("rank IS NULL OR rank > 0", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"))
    capture_from_id: Mapped[int] = mapped_column(ForeignKey("topic_capture.id", ondelete="CASCADE"))
    capture_to_id: Mapped[int] = mapped_column(ForeignKey("topic_capture.id", ondelete="CASCADE"))
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    #: None for pinned items and ads (kept out of the ranks).
    rank: Mapped[int | None] = mapped_column(Integer)
    heat: Mapped[int | None] = mapped_column(BigInteger)
    pinned: Mapped[bool] = mapped_column(Boolean, server_default=false())
    ad: Mapped[bool] = mapped_column(Boolean, server_default=false())
    raw: Mapped[Any | None] = mapped_column(JSON)
