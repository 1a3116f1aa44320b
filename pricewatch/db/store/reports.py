"""Queries behind client reports, and the record of each report and delivery.

:meth:`ReportStore.report_source` loads everything one report needs in a fixed number of
statements, whatever the catalogue's size (no query per product or listing): the client, its
products, their confirmed matches with the matched listings, the observations that overlap the
period (plus the one just before it, the "old" side of the first change), and the exchange
rates. :mod:`pricewatch.reports.context` turns that into the report's figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select, update

from pricewatch.db.models import (
    Client,
    ClientProduct,
    FxRate,
    Listing,
    PriceObservation,
    ProductMatch,
    Report,
    ReportDelivery,
    Shop,
)
from pricewatch.db.store._base import StoreBase, money_or_none
from pricewatch.db.store.client_results import ClientInfo, client_info
from pricewatch.db.store.matches import UnknownClientError
from pricewatch.money import from_minor_units


@dataclass(frozen=True, slots=True)
class OwnProduct:
    id: int
    sku: str
    title: str | None
    price: Decimal | None
    min_price: Decimal | None
    currency: str


@dataclass(frozen=True, slots=True)
class MatchedListing:
    """A confirmed match of ``product_id`` to a competitor listing."""

    product_id: int
    listing_id: int
    shop: str
    url: str
    title: str | None
    first_seen: datetime
    last_seen: datetime
    gone_at: datetime | None


@dataclass(frozen=True, slots=True)
class Observation:
    """One run-length row: ``price`` in ``currency`` from ``first_seen`` to ``last_seen``."""

    id: int
    price: Decimal
    currency: str
    availability: str
    first_seen: datetime
    last_seen: datetime
    suspect: bool


@dataclass(frozen=True, slots=True)
class ReportSource:
    """Raw rows for one client's report (``Store.report_source``)."""

    client: ClientInfo
    products: tuple[OwnProduct, ...]
    matches: tuple[MatchedListing, ...]
    #: Per listing id, oldest first: the row in force at ``start`` and every row opened up to
    #: ``end``.
    observations: dict[int, list[Observation]]
    #: ``(base, quote) -> rate``: 1 base = rate quote.
    fx_rates: dict[tuple[str, str], Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReportInfo:
    """A written report with its deliveries (``Store.reports``)."""

    id: int
    client: str
    period_start: datetime
    period_end: datetime
    formats: tuple[str, ...]
    files: tuple[str, ...]
    status: str
    summary: dict[str, Any] | None
    created_at: datetime
    deliveries: int
    last_delivery_error: str | None


class ReportStore(StoreBase):
    def report_client(self, slug: str) -> ClientInfo:
        """The client ``slug``; :class:`UnknownClientError` if there is none."""
        with self._read_session() as session:
            row = session.scalars(select(Client).where(Client.slug == slug)).one_or_none()
            if row is None:
                raise UnknownClientError(f"no client {slug!r} (see 'pricewatch clients list')")
            return client_info(row)

    def report_source(self, slug: str, start: datetime, end: datetime) -> ReportSource:
        """Everything :func:`pricewatch.reports.context.build_context` needs, set-wise."""
        client = self.report_client(slug)
        matched_ids = (
            select(ProductMatch.listing_id)
            .join(ClientProduct, ClientProduct.id == ProductMatch.client_product_id)
            .where(ClientProduct.client_id == client.id, ProductMatch.status == "confirmed")
        )
        PO = PriceObservation
        with self._read_session() as session:
            products = tuple(
                OwnProduct(
                    id=p.id,
                    sku=p.sku,
                    title=p.title,
                    price=money_or_none(p.price_minor, p.currency),
                    min_price=money_or_none(p.min_price_minor, p.currency),
                    currency=p.currency,
                )
                for p in session.scalars(
                    select(ClientProduct)
                    .where(ClientProduct.client_id == client.id)
                    .order_by(ClientProduct.sku)
                )
            )
            matches = tuple(
                MatchedListing(
                    product_id=row.client_product_id,
                    listing_id=row.id,
                    shop=row.slug,
                    url=row.url,
                    title=row.title,
                    first_seen=row.first_seen,
                    last_seen=row.last_seen,
                    gone_at=row.gone_at,
                )
                for row in session.execute(
                    select(
                        ProductMatch.client_product_id,
                        Listing.id,
                        Shop.slug,
                        Listing.url,
                        Listing.title,
                        Listing.first_seen,
                        Listing.last_seen,
                        Listing.gone_at,
                    )
                    .join(Listing, Listing.id == ProductMatch.listing_id)
                    .join(Shop, Shop.id == Listing.shop_id)
                    .join(ClientProduct, ClientProduct.id == ProductMatch.client_product_id)
                    .where(
                        ClientProduct.client_id == client.id,
                        ProductMatch.status == "confirmed",
                    )
                    .order_by(ProductMatch.client_product_id, Shop.slug, Listing.url)
                )
            )
            # The row in force when the period starts: the newest one opened by then.
            before_start = (
                select(func.max(PO.id))
                .where(PO.listing_id.in_(matched_ids), PO.first_seen <= start)
                .group_by(PO.listing_id)
            )
            in_period = PO.listing_id.in_(matched_ids) & (PO.first_seen > start)
            rows = session.execute(
                select(PO)
                .where((PO.id.in_(before_start)) | (in_period & (PO.first_seen <= end)))
                .order_by(PO.listing_id, PO.id)
            ).scalars()
            observations: dict[int, list[Observation]] = defaultdict(list)
            for obs in rows:
                observations[obs.listing_id].append(
                    Observation(
                        id=obs.id,
                        price=from_minor_units(obs.price_minor, obs.currency),
                        currency=obs.currency,
                        availability=obs.availability,
                        first_seen=obs.first_seen,
                        last_seen=obs.last_seen,
                        suspect=obs.suspect,
                    )
                )
            fx_rates: dict[tuple[str, str], Decimal] = {}
            for rate in session.scalars(select(FxRate)):
                try:
                    value = Decimal(rate.rate)
                except InvalidOperation:
                    continue  # written by hand into the table: not a rate, ignore it
                if value.is_finite() and value > 0:
                    fx_rates[(rate.base, rate.quote)] = value
        return ReportSource(
            client=client,
            products=products,
            matches=matches,
            observations=dict(observations),
            fx_rates=fx_rates,
        )

    # ------------------------------------------------------------------ report records

    def record_report(
        self,
        client_id: int,
        *,
        period_start: datetime,
        period_end: datetime,
        formats: Sequence[str],
        files: Sequence[str],
        summary: dict[str, Any] | None,
    ) -> int:
        """Record a written report; returns its id."""
        with self._write_session() as session, session.begin():
            report = Report(
                client_id=client_id,
                period_start=period_start,
                period_end=period_end,
                formats=list(formats),
                files=list(files),
                status="written",
                summary=summary,
            )
            session.add(report)
            session.flush()
            return report.id

    def record_delivery(
        self,
        report_id: int,
        *,
        recipients: Sequence[str],
        attempt: int,
        error: str | None,
    ) -> int:
        """Record one e-mail attempt (``error`` None: sent) and set the report's status."""
        status = "sent" if error is None else "failed"
        with self._write_session() as session, session.begin():
            delivery = ReportDelivery(
                report_id=report_id,
                recipients=list(recipients),
                status=status,
                attempt=attempt,
                error=error,
            )
            session.add(delivery)
            session.execute(
                update(Report)
                .where(Report.id == report_id)
                .values(status="sent" if error is None else "send_failed")
            )
            session.flush()
            return delivery.id

    def reports(
        self, client: str | None = None, limit: int | None = 50, *, latest: bool = False
    ) -> list[ReportInfo]:
        """Reports newest first, with their delivery count and last delivery error.

        With ``latest``, only each client's newest report (for health: however many reports
        other clients had since).
        """
        with self._read_session() as session:
            stmt = (
                select(Report, Client.slug)
                .join(Client, Client.id == Report.client_id)
                .order_by(Report.id.desc())
                .limit(limit)
            )
            if client is not None:
                stmt = stmt.where(Client.slug == client)
            if latest:
                newest = select(func.max(Report.id)).group_by(Report.client_id)
                stmt = stmt.where(Report.id.in_(newest))
            found = session.execute(stmt).all()
            ids = [report.id for report, _ in found]
            deliveries: dict[int, list[ReportDelivery]] = defaultdict(list)
            if ids:
                for delivery in session.scalars(
                    select(ReportDelivery)
                    .where(ReportDelivery.report_id.in_(ids))
                    .order_by(ReportDelivery.id)
                ):
                    deliveries[delivery.report_id].append(delivery)
            return [
                ReportInfo(
                    id=report.id,
                    client=slug,
                    period_start=report.period_start,
                    period_end=report.period_end,
                    formats=tuple(report.formats),
                    files=tuple(report.files),
                    status=report.status,
                    summary=report.summary,
                    created_at=report.created_at,
                    deliveries=len(deliveries[report.id]),
                    last_delivery_error=(
                        deliveries[report.id][-1].error if deliveries[report.id] else None
                    ),
                )
                for report, slug in found
            ]
