"""Queries behind client alerts: which clients' confirmed matches a set of listings are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from pricewatch.db.models import Client, ClientProduct, ProductMatch
from pricewatch.db.store._base import StoreBase, chunks, money_or_none


@dataclass(frozen=True, slots=True)
class MatchedProduct:
    """A client product a competitor listing is a confirmed match of."""

    listing_id: int
    client: str
    client_name: str
    sku: str
    title: str | None
    own_price: Decimal | None
    currency: str
    undercut_threshold_bp: int


class AlertStore(StoreBase):
    def confirmed_matches(self, listing_ids: Collection[int]) -> dict[int, list[MatchedProduct]]:
        """``{listing_id: [MatchedProduct, ...]}`` over confirmed matches only."""
        stmt = (
            select(
                ProductMatch.listing_id,
                Client.slug,
                Client.name,
                Client.undercut_threshold_bp,
                ClientProduct.sku,
                ClientProduct.title,
                ClientProduct.price_minor,
                ClientProduct.currency,
            )
            .join(ClientProduct, ProductMatch.client_product_id == ClientProduct.id)
            .join(Client, ClientProduct.client_id == Client.id)
            .where(ProductMatch.status == "confirmed")
        )
        found: dict[int, list[MatchedProduct]] = defaultdict(list)
        with self._read_session() as session:
            for chunk in chunks(sorted(set(listing_ids))):
                for row in session.execute(stmt.where(ProductMatch.listing_id.in_(chunk))):
                    found[row.listing_id].append(
                        MatchedProduct(
                            listing_id=row.listing_id,
                            client=row.slug,
                            client_name=row.name,
                            sku=row.sku,
                            title=row.title,
                            own_price=money_or_none(row.price_minor, row.currency),
                            currency=row.currency,
                            undercut_threshold_bp=row.undercut_threshold_bp,
                        )
                    )
        return dict(found)
