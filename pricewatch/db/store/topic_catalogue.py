"""A client's catalogue as topic relevance reads it (``client_product``: title, brand,
keywords), by client slug."""

from __future__ import annotations

from sqlalchemy import select

from pricewatch.db.models import Client, ClientProduct
from pricewatch.db.store._base import StoreBase
from pricewatch.topics.relevance import CatalogueProduct


class TopicCatalogueStore(StoreBase):
    def client_catalogue(self, slug: str) -> list[CatalogueProduct] | None:
        """The client's products (``None``: no such client)."""
        with self._read_session() as session:
            client_id = session.scalar(select(Client.id).where(Client.slug == slug))
            if client_id is None:
                return None
            rows = session.execute(
                select(
                    ClientProduct.sku,
                    ClientProduct.title,
                    ClientProduct.brand,
                    ClientProduct.keywords,
                )
                .where(ClientProduct.client_id == client_id)
                .order_by(ClientProduct.sku)
            )
            return [
                CatalogueProduct(sku, title, brand, tuple(str(k) for k in keywords or ()))
                for sku, title, brand, keywords in rows
            ]
