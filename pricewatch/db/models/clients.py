"""Client tables: merchants, their catalogues, matches to competitor listings, exchange rates,
and the reports they receive with each delivery.

* ``client`` — a merchant pricewatch reports to (locale, currency, time zone, recipients).
* ``client_product`` — one product of the client's own catalogue (by SKU), with its own price,
  cost, minimum/MAP price, identifiers and the competitor URLs the merchant gave.
* ``product_match`` — which competitor :class:`~pricewatch.db.models.crawl.Listing` corresponds
  to which client product: ``url`` and ``gtin``/``mpn`` matches are confirmed when made,
  ``fuzzy`` title matches are suggestions until confirmed or rejected. Reports use confirmed
  matches only.
* ``fx_rate`` — optional exchange rates (``pricewatch fx set USD CNY 7.12``), a decimal string.
* ``report`` / ``report_delivery`` — each report written and each e-mail delivery attempt.

Money is integer minor units in the client's currency, as everywhere.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from pricewatch.db.models.base import Base, check_in

#: Report languages (Babel locales).
CLIENT_LOCALES = ("zh-CN", "en")
#: How a match was made: a catalogue URL, an identifier, title similarity, or by hand.
MATCH_METHODS = ("url", "gtin", "mpn", "fuzzy", "manual")
#: ``suggested`` matches wait for review; reports use ``confirmed`` ones only.
MATCH_STATUSES = ("suggested", "confirmed", "rejected")
#: A report file set was written; it was e-mailed; or sending failed (the files are kept).
REPORT_STATUSES = ("written", "sent", "send_failed")
DELIVERY_STATUSES = ("sent", "failed")


class Client(Base):
    """A merchant who receives reports."""

    __tablename__ = "client"
    __table_args__ = (
        CheckConstraint(check_in("locale", CLIENT_LOCALES), name="locale"),
        CheckConstraint("undercut_threshold_bp >= 0", name="undercut_threshold"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(Text)
    #: Report recipients, a JSON list of addresses.
    emails: Mapped[list[str]] = mapped_column(JSON)
    locale: Mapped[str] = mapped_column(String(16), server_default=text("'en'"))
    #: ISO 4217 code of the client's own prices.
    currency: Mapped[str] = mapped_column(String(3))
    #: IANA time zone the client's reports are shown in.
    timezone: Mapped[str] = mapped_column(String(64), server_default=text("'UTC'"))
    #: A competitor this much cheaper than the client is an undercut, in basis points (500 = 5%).
    undercut_threshold_bp: Mapped[int] = mapped_column(Integer, server_default=text("500"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ClientProduct(Base):
    """One product of a client's catalogue, identified by its SKU within the client."""

    __tablename__ = "client_product"
    __table_args__ = (
        UniqueConstraint("client_id", "sku"),
        Index("ix_client_product_gtin", "gtin"),
        CheckConstraint("price_minor IS NULL OR price_minor > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    sku: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(Text)
    #: The client's own selling price, in minor units of ``currency``.
    price_minor: Mapped[int | None] = mapped_column(BigInteger)
    cost_minor: Mapped[int | None] = mapped_column(BigInteger)
    #: Minimum advertised / minimum selling price (MAP): a competitor below it is a violation.
    min_price_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    gtin: Mapped[str | None] = mapped_column(String(32))
    mpn: Mapped[str | None] = mapped_column(String(255))
    brand: Mapped[str | None] = mapped_column(String(255))
    #: Words the merchant associates with the product (JSON list), for matching and topics.
    keywords: Mapped[list[str] | None] = mapped_column(JSON)
    #: Competitor product URLs from the catalogue (JSON list); matched as confirmed.
    competitor_urls: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ProductMatch(Base):
    """A client product and a competitor listing that sells the same thing."""

    __tablename__ = "product_match"
    __table_args__ = (
        UniqueConstraint("client_product_id", "listing_id"),
        Index("ix_product_match_listing_id", "listing_id"),
        CheckConstraint(check_in("method", MATCH_METHODS), name="method"),
        CheckConstraint(check_in("status", MATCH_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_product_id: Mapped[int] = mapped_column(
        ForeignKey("client_product.id", ondelete="CASCADE")
    )
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(16))
    #: Similarity 0..100 for fuzzy suggestions; None for exact methods.
    score: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    decided_at: Mapped[datetime | None]


class FxRate(Base):
    """``1 base = rate quote``; ``rate`` is a decimal string (never a float)."""

    __tablename__ = "fx_rate"
    __table_args__ = (UniqueConstraint("base", "quote"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    base: Mapped[str] = mapped_column(String(3))
    quote: Mapped[str] = mapped_column(String(3))
    rate: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Report(Base):
    """One report written for a client and a period."""

    __tablename__ = "report"
    __table_args__ = (
        Index("ix_report_client_id", "client_id", "id"),
        CheckConstraint(check_in("status", REPORT_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    #: Formats written (``["html", "xlsx"]``) and the files' paths, JSON lists.
    formats: Mapped[list[str]] = mapped_column(JSON)
    files: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), server_default=text("'written'"))
    #: Headline figures at the time of writing (JSON), for listings and health checks.
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ReportDelivery(Base):
    """One attempt to e-mail a report."""

    __tablename__ = "report_delivery"
    __table_args__ = (CheckConstraint(check_in("status", DELIVERY_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(server_default=func.now())
    recipients: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    attempt: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    error: Mapped[str | None] = mapped_column(Text)
