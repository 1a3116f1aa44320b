"""Crawl tables: shops, listings, run-length price series, crawl runs and their failures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from pricewatch.db.models.base import Base, BigIntPK
from pricewatch.db.models.base import check_in as _in
from pricewatch.records import AVAILABILITY_VALUES

#: Crawl run statuses.
#:
#: * ``running``: the run is in progress (or its process died and nobody has noticed yet);
#: * ``finished``: the spider ran to completion;
#: * ``interrupted``: the process stopped early but cleanly (Ctrl-C, shutdown, closespider_*);
#: * ``failed``: the run ended with an error (``crawl_run.error`` says which);
#: * ``killed``: the process died without finishing the run (SIGKILL, OOM, power loss); set by
#:   :meth:`pricewatch.db.store.Store.reap_stale_runs` or by the launcher that saw it die;
#: * ``timed_out``: a launched crawl ran past its job's timeout and was stopped
#:   (:mod:`pricewatch.crawl.launcher`).
RUN_STATUSES = ("running", "finished", "interrupted", "failed", "killed", "timed_out")


class Shop(Base):
    """A competitor shop; ``slug`` is the ``shop`` field of scraped items."""

    __tablename__ = "shop"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    domain: Mapped[str | None] = mapped_column(String(255))
    #: ISO 4217 code used when a page does not state its currency.
    default_currency: Mapped[str | None] = mapped_column(String(3))
    #: Whether pages need a browser (Playwright) to show prices.
    render: Mapped[bool] = mapped_column(Boolean, server_default=false())
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Listing(Base):
    """One competitor product page, identified by its canonical URL within a shop."""

    __tablename__ = "listing"
    __table_args__ = (
        UniqueConstraint("shop_id", "url"),
        # History lookups by URL alone or by SKU (the unique index leads with shop_id).
        Index("ix_listing_url", "url"),
        Index("ix_listing_sku", "sku"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    sku: Mapped[str | None] = mapped_column(String(255))
    gtin: Mapped[str | None] = mapped_column(String(32))
    mpn: Mapped[str | None] = mapped_column(String(255))
    brand: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(server_default=func.now())
    #: Last time the page was fetched with a price.
    last_seen: Mapped[datetime] = mapped_column(server_default=func.now())
    #: Set when the page answered 404/410, cleared when it shows a price again.
    gone_at: Mapped[datetime | None]


class PriceObservation(Base):
    """A run-length encoded price series.

    One row covers the interval ``first_seen``..``last_seen`` during which price, list price,
    currency and availability stayed the same; a change opens a new row. The latest row of a
    listing is the one with the highest ``id``.
    """

    __tablename__ = "price_observation"
    __table_args__ = (
        # Serves the foreign key and "latest observation per listing" (max(id) per listing_id).
        Index("ix_price_observation_listing_id", "listing_id", "id"),
        Index("ix_price_observation_first_seen", "first_seen"),
        # A 0 price is no price: the validate pipeline records such pages as failures.
        CheckConstraint("price_minor > 0", name="price_positive"),
        CheckConstraint(_in("availability", AVAILABILITY_VALUES), name="availability"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    price_minor: Mapped[int] = mapped_column(BigInteger)
    list_price_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    availability: Mapped[str] = mapped_column(String(16), server_default=text("'unknown'"))
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    #: The crawl that opened this row.
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id", ondelete="SET NULL"))
    #: The price moved by more than 90% against the previous row: kept, but flagged.
    suspect: Mapped[bool] = mapped_column(Boolean, server_default=false())
    extracted_by: Mapped[str | None] = mapped_column(String(32))
    confidence: Mapped[str | None] = mapped_column(String(16))


class CrawlRun(Base):
    """One spider run; ``status`` is one of :data:`RUN_STATUSES`."""

    __tablename__ = "crawl_run"
    __table_args__ = (
        CheckConstraint(_in("status", RUN_STATUSES), name="status"),
        # One spider's runs, newest first (health checks, alert baselines, runs --shop).
        Index("ix_crawl_run_spider_id", "spider", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    spider: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), server_default=text("'running'"))
    #: Items stored by store_batch: priced items and 404/410 answers (skipped ones excluded).
    items_scraped: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    observations_new: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    observations_unchanged: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    failures: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    failures_by_reason: Mapped[dict[str, int] | None] = mapped_column(JSON)
    duration_s: Mapped[float | None] = mapped_column(Float)
    #: Scrapy's stats dump, made JSON-safe.
    stats: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    # Who runs it: lets a later process tell a live run from one whose process was killed.
    pid: Mapped[int | None] = mapped_column(Integer)
    hostname: Mapped[str | None] = mapped_column(String(255))
    #: Last sign of life: every batch written and a timer while the crawl waits (backoff,
    #: rendering); the best guess of when a killed run died.
    heartbeat_at: Mapped[datetime | None]
    #: Exit status of the crawl process, for runs started by the launcher (negative: signal).
    exit_code: Mapped[int | None] = mapped_column(Integer)
    #: The launched crawl's log file.
    log_file: Mapped[str | None] = mapped_column(Text)


class CrawlFailure(Base):
    """A page that produced no observation, with a short machine-readable reason code."""

    __tablename__ = "crawl_failure"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_run.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    #: no_price, http_404, render_failed, timeout, dns, robots, ...
    reason: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(server_default=func.now())
