"""Read queries behind the CLI and reports: current prices, changes, history, failures.

Money leaves the store as ``Decimal`` (minor units converted by :mod:`pricewatch.money`),
never as float. Queries are set-wise: one statement per question, not one per listing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from pricewatch.db.models import CrawlFailure, Listing, PriceObservation, Shop
from pricewatch.db.store._base import StoreBase, chunks, money_or_none
from pricewatch.db.store.results import (
    CurrentPrice,
    FailureInfo,
    ListingInfo,
    ObservationRow,
    PriceChange,
    listing_info,
)
from pricewatch.money import from_minor_units


def _percent(old_minor: int, new_minor: int) -> Decimal | None:
    if old_minor == 0:
        return None
    ratio = Decimal(new_minor - old_minor) * 100 / Decimal(old_minor)
    return ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


class QueryStore(StoreBase):
    def current_prices(self, shop: str | None = None) -> list[CurrentPrice]:
        """The latest observation of every listing that is not gone, by shop and URL."""
        PO = PriceObservation
        newer = aliased(PriceObservation)
        latest_id = (
            select(func.max(newer.id))
            .where(newer.listing_id == Listing.id)
            .correlate(Listing)
            .scalar_subquery()
        )
        stmt = (
            select(
                Listing.id,
                Shop.slug,
                Listing.url,
                Listing.title,
                Listing.sku,
                PO.price_minor,
                PO.list_price_minor,
                PO.currency,
                PO.availability,
                PO.first_seen,
                PO.last_seen,
                PO.suspect,
            )
            .select_from(Listing)
            .join(Shop, Listing.shop_id == Shop.id)
            .join(PO, PO.listing_id == Listing.id)
            .where(PO.id == latest_id, Listing.gone_at.is_(None))
            .order_by(Shop.slug, Listing.url)
        )
        if shop is not None:
            stmt = stmt.where(Shop.slug == shop)
        with self._read_session() as session:
            return [
                CurrentPrice(
                    listing_id=row.id,
                    shop=row.slug,
                    url=row.url,
                    title=row.title,
                    sku=row.sku,
                    price=from_minor_units(row.price_minor, row.currency),
                    list_price=money_or_none(row.list_price_minor, row.currency),
                    currency=row.currency,
                    availability=row.availability,
                    since=row.first_seen,
                    last_seen=row.last_seen,
                    suspect=row.suspect,
                )
                for row in session.execute(stmt)
            ]

    def run_changes(self, run_id: int) -> list[PriceChange]:
        """The changes a crawl run made: observations it opened that replaced earlier ones."""
        return self.changes_since(None, run_id=run_id)

    def changes_since(
        self, since: datetime | None, shop: str | None = None, *, run_id: int | None = None
    ) -> list[PriceChange]:
        """Every observation opened after ``since`` that replaced an earlier one, oldest first.

        Includes availability-only changes (``percent`` 0) and currency changes (``percent``
        None). A listing that changed twice appears twice.
        """
        new = aliased(PriceObservation, name="new")
        old = aliased(PriceObservation, name="old")
        between = aliased(PriceObservation, name="between")
        previous_id = (
            select(func.max(between.id))
            .where(between.listing_id == new.listing_id, between.id < new.id)
            .correlate(new)
            .scalar_subquery()
        )
        stmt = (
            select(
                Listing.id,
                Shop.slug,
                Listing.url,
                Listing.title,
                Listing.sku,
                old.price_minor.label("old_price"),
                old.currency.label("old_currency"),
                old.availability.label("old_availability"),
                new.price_minor.label("new_price"),
                new.currency.label("new_currency"),
                new.availability.label("new_availability"),
                new.first_seen,
                new.suspect,
            )
            .select_from(new)
            .join(Listing, new.listing_id == Listing.id)
            .join(Shop, Listing.shop_id == Shop.id)
            .join(old, old.listing_id == new.listing_id)
            .where(old.id == previous_id)
            .order_by(new.first_seen, new.id)
        )
        if since is not None:
            stmt = stmt.where(new.first_seen > since)
        if run_id is not None:
            stmt = stmt.where(new.run_id == run_id)
        if shop is not None:
            stmt = stmt.where(Shop.slug == shop)
        with self._read_session() as session:
            return [
                PriceChange(
                    listing_id=row.id,
                    shop=row.slug,
                    url=row.url,
                    title=row.title,
                    sku=row.sku,
                    old_price=from_minor_units(row.old_price, row.old_currency),
                    old_currency=row.old_currency,
                    old_availability=row.old_availability,
                    new_price=from_minor_units(row.new_price, row.new_currency),
                    currency=row.new_currency,
                    new_availability=row.new_availability,
                    at=row.first_seen,
                    percent=(
                        _percent(row.old_price, row.new_price)
                        if row.old_currency == row.new_currency
                        else None
                    ),
                    suspect=row.suspect,
                )
                for row in session.execute(stmt)
            ]

    def history(self, url_or_sku: str) -> list[tuple[ListingInfo, list[ObservationRow]]]:
        """Listings whose URL or SKU is ``url_or_sku``, with observations oldest first.

        A URL matches with or without its trailing slash, and a URL without a query also
        matches its variants (``...?variant=ID``, Shopify's listing per variant).
        """
        bare = url_or_sku.rstrip("/")
        urls = {url_or_sku, bare, bare + "/"}
        matches = [Listing.url.in_(urls), Listing.sku == url_or_sku]
        if "://" in url_or_sku and "?" not in url_or_sku:
            escaped = bare.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            for prefix in {escaped, escaped + "/"}:
                matches.append(Listing.url.like(prefix + "?variant=%", escape="\\"))
        with self._read_session() as session:
            found = session.execute(
                select(Listing, Shop.slug)
                .join(Shop, Listing.shop_id == Shop.id)
                .where(or_(*matches))
                .order_by(Shop.slug, Listing.url)
            ).all()
            ids = [listing.id for listing, _ in found]
            observations: dict[int, list[ObservationRow]] = defaultdict(list)
            for chunk in chunks(ids):
                for obs in session.scalars(
                    select(PriceObservation)
                    .where(PriceObservation.listing_id.in_(chunk))
                    .order_by(PriceObservation.listing_id, PriceObservation.id)
                ):
                    observations[obs.listing_id].append(
                        ObservationRow(
                            price=from_minor_units(obs.price_minor, obs.currency),
                            list_price=money_or_none(obs.list_price_minor, obs.currency),
                            currency=obs.currency,
                            availability=obs.availability,
                            first_seen=obs.first_seen,
                            last_seen=obs.last_seen,
                            suspect=obs.suspect,
                            run_id=obs.run_id,
                            extracted_by=obs.extracted_by,
                            confidence=obs.confidence,
                        )
                    )
            return [
                (listing_info(listing, slug), observations[listing.id]) for listing, slug in found
            ]

    def listing_counts(self) -> dict[str, int]:
        """Per shop slug: listings that are not gone."""
        stmt = (
            select(Shop.slug, func.count(Listing.id))
            .join(Listing, Listing.shop_id == Shop.id)
            .where(Listing.gone_at.is_(None))
            .group_by(Shop.slug)
        )
        with self._read_session() as session:
            return {slug: count for slug, count in session.execute(stmt)}

    def listing_urls(self, shop: str) -> list[str]:
        """URLs of the shop's listings that are not gone (crawls revisit the ones they miss)."""
        stmt = (
            select(Listing.url)
            .join(Shop, Listing.shop_id == Shop.id)
            .where(Shop.slug == shop, Listing.gone_at.is_(None))
            .order_by(Listing.id)
        )
        with self._read_session() as session:
            return list(session.scalars(stmt))

    def gone_since(self, since: datetime, shop: str | None = None) -> list[ListingInfo]:
        """Listings marked gone (404/410) at or after ``since``, by shop and URL."""
        stmt = (
            select(Listing, Shop.slug)
            .join(Shop, Listing.shop_id == Shop.id)
            .where(Listing.gone_at >= since)
            .order_by(Shop.slug, Listing.url)
        )
        if shop is not None:
            stmt = stmt.where(Shop.slug == shop)
        with self._read_session() as session:
            return [listing_info(listing, slug) for listing, slug in session.execute(stmt)]

    def failures(self, run_id: int) -> list[FailureInfo]:
        """The failures recorded for a run, in order."""
        with self._read_session() as session:
            rows = session.scalars(
                select(CrawlFailure).where(CrawlFailure.run_id == run_id).order_by(CrawlFailure.id)
            )
            return [
                FailureInfo(
                    id=row.id,
                    run_id=row.run_id,
                    url=row.url,
                    reason=row.reason,
                    detail=row.detail,
                    at=row.at,
                )
                for row in rows
            ]
