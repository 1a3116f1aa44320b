"""Clients, their catalogues and exchange rates (storage side of :mod:`pricewatch.clients`).

Set-wise like the rest of the store: a catalogue import loads the client's products in one
SELECT, works out added / updated / unchanged / removed in memory and writes them with one
bulk INSERT, one executemany UPDATE and chunked DELETEs, in one transaction, so an import is
all or nothing. Matches live in :mod:`.matches` (this mixin includes them).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from pricewatch.clients.records import ClientRecord, ProductRecord
from pricewatch.db.models import Client, ClientProduct, FxRate, ProductMatch
from pricewatch.db.store._base import chunks, money_or_none
from pricewatch.db.store.client_results import (
    CatalogueProduct,
    ClientInfo,
    FxRateInfo,
    ImportSummary,
    client_info,
)
from pricewatch.db.store.matches import MatchStore, UnknownClientError
from pricewatch.errors import PricewatchError
from pricewatch.money import to_minor_units
from pricewatch.records import utcnow

__all__ = ["ClientExistsError", "ClientStore", "UnknownClientError"]


class ClientExistsError(PricewatchError):
    """A client slug that is already taken."""


def _client_values(record: ClientRecord) -> dict[str, Any]:
    return {
        "slug": record.slug,
        "name": record.name,
        "emails": list(record.emails),
        "locale": record.locale,
        "currency": record.currency,
        "timezone": record.timezone,
        "undercut_threshold_bp": record.undercut_threshold_bp,
    }


def _minor(value: Decimal | None, currency: str) -> int | None:
    return None if value is None else to_minor_units(value, currency)


def _product_values(record: ProductRecord) -> dict[str, Any]:
    """The columns of a catalogue row (empty lists stored as NULL)."""
    return {
        "sku": record.sku,
        "title": record.title,
        "price_minor": _minor(record.price, record.currency),
        "cost_minor": _minor(record.cost, record.currency),
        "min_price_minor": _minor(record.min_price, record.currency),
        "currency": record.currency,
        "gtin": record.gtin,
        "mpn": record.mpn,
        "brand": record.brand,
        "keywords": list(record.keywords) or None,
        "competitor_urls": list(record.competitor_urls) or None,
    }


def _stored_values(product: ClientProduct) -> dict[str, Any]:
    return {
        "sku": product.sku,
        "title": product.title,
        "price_minor": product.price_minor,
        "cost_minor": product.cost_minor,
        "min_price_minor": product.min_price_minor,
        "currency": product.currency,
        "gtin": product.gtin,
        "mpn": product.mpn,
        "brand": product.brand,
        "keywords": list(product.keywords) if product.keywords else None,
        "competitor_urls": list(product.competitor_urls) if product.competitor_urls else None,
    }


def _catalogue_product(product: ClientProduct, matches: int) -> CatalogueProduct:
    c = product.currency
    return CatalogueProduct(
        id=product.id,
        sku=product.sku,
        title=product.title,
        price=money_or_none(product.price_minor, c),
        cost=money_or_none(product.cost_minor, c),
        min_price=money_or_none(product.min_price_minor, c),
        currency=c,
        gtin=product.gtin,
        mpn=product.mpn,
        brand=product.brand,
        keywords=tuple(product.keywords or ()),
        competitor_urls=tuple(product.competitor_urls or ()),
        created_at=product.created_at,
        updated_at=product.updated_at,
        matches=matches,
    )


class ClientStore(MatchStore):
    # ------------------------------------------------------------------ clients

    def create_client(self, record: ClientRecord) -> ClientInfo:
        """Store a new client; :class:`ClientExistsError` when the slug is taken."""
        try:
            with self._write_session() as session, session.begin():
                session.execute(insert(Client).values(**_client_values(record)))
        except IntegrityError:
            raise ClientExistsError(f"a client {record.slug!r} already exists") from None
        return self.client(record.slug)

    def update_client(self, slug: str, record: ClientRecord) -> ClientInfo:
        """Replace client ``slug``'s settings with ``record`` (whose slug may be a new one)."""
        try:
            with self._write_session() as session, session.begin():
                client_id = self._client_id(session, slug)
                session.execute(
                    update(Client)
                    .where(Client.id == client_id)
                    .values(**_client_values(record), updated_at=utcnow())
                )
        except IntegrityError:
            raise ClientExistsError(f"a client {record.slug!r} already exists") from None
        return self.client(record.slug)

    def remove_client(self, slug: str) -> None:
        """Delete a client with its catalogue, matches and report records."""
        with self._write_session() as session, session.begin():
            session.execute(delete(Client).where(Client.id == self._client_id(session, slug)))

    def client(self, slug: str) -> ClientInfo:
        """One client; :class:`UnknownClientError` when there is none by that slug."""
        found = self._client_infos(slug)
        if not found:
            with self._read_session() as session:
                self._client_id(session, slug)  # raises, naming the known slugs
            raise UnknownClientError(f"no client {slug!r}")  # pragma: no cover - a race
        return found[0]

    def clients(self) -> list[ClientInfo]:
        """Every client, by slug, with its product and match counts."""
        return self._client_infos(None)

    def _client_infos(self, slug: str | None) -> list[ClientInfo]:
        products = (
            select(ClientProduct.client_id, func.count().label("n"))
            .group_by(ClientProduct.client_id)
            .subquery()
        )
        matches = (
            select(
                ClientProduct.client_id,
                func.sum(case((ProductMatch.status == "confirmed", 1), else_=0)).label("ok"),
                func.sum(case((ProductMatch.status == "suggested", 1), else_=0)).label("sug"),
            )
            .join(ProductMatch, ProductMatch.client_product_id == ClientProduct.id)
            .group_by(ClientProduct.client_id)
            .subquery()
        )
        stmt = (
            select(Client, products.c.n, matches.c.ok, matches.c.sug)
            .outerjoin(products, products.c.client_id == Client.id)
            .outerjoin(matches, matches.c.client_id == Client.id)
            .order_by(Client.slug)
        )
        if slug is not None:
            stmt = stmt.where(Client.slug == slug)
        with self._read_session() as session:
            return [
                client_info(c, n or 0, int(ok or 0), int(sug or 0))
                for c, n, ok, sug in session.execute(stmt)
            ]

    # ------------------------------------------------------------------ catalogue

    def import_catalogue(
        self,
        slug: str,
        records: Sequence[ProductRecord],
        *,
        replace: bool = False,
        keep_skus: Collection[str] = (),
    ) -> ImportSummary:
        """Add or update the client's products by SKU in one transaction.

        A product whose columns all equal the record's is unchanged (its ``updated_at`` stays);
        with ``replace`` the products whose SKU is not among ``records`` (nor ``keep_skus``)
        are deleted with their matches. SKUs must be unique within ``records`` (else
        ``ValueError``).
        """
        skus = [r.sku for r in records]
        if len(set(skus)) != len(skus):
            raise ValueError("import_catalogue: duplicate SKUs in the records")
        now = utcnow()
        with self._write_session() as session, session.begin():
            client_id = self._client_id(session, slug)
            existing = {
                p.sku: p
                for p in session.scalars(
                    select(ClientProduct).where(ClientProduct.client_id == client_id)
                )
            }
            added, updated, unchanged = [], [], []
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            for record in records:
                values = _product_values(record)
                stored = existing.get(record.sku)
                if stored is None:
                    inserts.append({**values, "client_id": client_id})
                    added.append(record.sku)
                elif _stored_values(stored) == values:
                    unchanged.append(record.sku)
                else:
                    updates.append({**values, "id": stored.id, "updated_at": now})
                    updated.append(record.sku)
            removed = sorted(set(existing) - set(skus) - set(keep_skus)) if replace else []
            if inserts:
                session.execute(insert(ClientProduct), inserts)
            if updates:
                session.execute(update(ClientProduct), updates)
            removed_ids = [existing[sku].id for sku in removed]
            for chunk in chunks(removed_ids):
                session.execute(delete(ClientProduct).where(ClientProduct.id.in_(chunk)))
        return ImportSummary(
            added=tuple(sorted(added)),
            updated=tuple(sorted(updated)),
            unchanged=tuple(sorted(unchanged)),
            removed=tuple(removed),
        )

    def catalogue(self, slug: str) -> list[CatalogueProduct]:
        """The client's products by SKU, each with its number of confirmed matches."""
        confirmed = (
            select(ProductMatch.client_product_id, func.count().label("n"))
            .where(ProductMatch.status == "confirmed")
            .group_by(ProductMatch.client_product_id)
            .subquery()
        )
        with self._read_session() as session:
            client_id = self._client_id(session, slug)
            rows = session.execute(
                select(ClientProduct, confirmed.c.n)
                .outerjoin(confirmed, confirmed.c.client_product_id == ClientProduct.id)
                .where(ClientProduct.client_id == client_id)
                .order_by(ClientProduct.sku)
            )
            return [_catalogue_product(p, n or 0) for p, n in rows]

    # ------------------------------------------------------------------ exchange rates

    def set_fx_rate(self, base: str, quote: str, rate: Decimal) -> FxRateInfo:
        """Store ``1 base = rate quote`` (replacing an earlier rate for the pair)."""
        if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
            raise ValueError(f"an exchange rate must be a positive Decimal, got {rate!r}")
        with self._write_session() as session, session.begin():
            row = session.scalars(
                select(FxRate).where(FxRate.base == base, FxRate.quote == quote)
            ).one_or_none()
            if row is None:
                session.add(FxRate(base=base, quote=quote, rate=str(rate), updated_at=utcnow()))
            else:
                row.rate = str(rate)
                row.updated_at = utcnow()
        return next(r for r in self.fx_rates() if (r.base, r.quote) == (base, quote))

    def fx_rates(self) -> list[FxRateInfo]:
        """Every stored exchange rate, by base and quote currency."""
        with self._read_session() as session:
            return [
                FxRateInfo(
                    base=r.base, quote=r.quote, rate=Decimal(r.rate), updated_at=r.updated_at
                )
                for r in session.scalars(select(FxRate).order_by(FxRate.base, FxRate.quote))
            ]
