"""Matches between client products and competitor listings (storage side of matching).

The matching service (:mod:`pricewatch.clients.matching`) decides; this module loads what it
needs set-wise (every live listing in one SELECT, the client's existing pairs in one more),
adds listings for catalogue URLs nobody crawled yet, and writes match records in bulk. A
person's decision is never overridden: a rejected pair stays rejected whatever new evidence
comes, and a confirmed one stays confirmed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from pricewatch.clients.records import MatchRecord
from pricewatch.db.models import (
    Client,
    ClientProduct,
    Listing,
    PriceObservation,
    ProductMatch,
    Shop,
)
from pricewatch.db.store._base import StoreBase, chunks, money_or_none
from pricewatch.db.store.client_results import ListingCandidate, MatchInfo, MatchSaveResult
from pricewatch.errors import PricewatchError
from pricewatch.records import utcnow

#: Which method's evidence is stronger when one pair is found several ways.
_METHOD_RANK = {"manual": 0, "url": 1, "gtin": 2, "mpn": 3, "fuzzy": 4}


class UnknownClientError(PricewatchError):
    """A client slug that no client has."""


class UnknownMatchError(PricewatchError):
    """Match IDs that do not exist (or do not belong to the client named)."""


class MatchStore(StoreBase):
    @staticmethod
    def _client_id(session: Session, slug: str) -> int:
        client_id = session.scalar(select(Client.id).where(Client.slug == slug))
        if client_id is None:
            known = ", ".join(session.scalars(select(Client.slug).order_by(Client.slug)))
            known = known or "none: add one with pricewatch clients add"
            raise UnknownClientError(f"no client {slug!r} (known: {known})")
        return client_id

    # ------------------------------------------------------------------ listings

    def match_candidates(self) -> list[ListingCandidate]:
        """Every competitor listing that is not gone, with its current price, by shop and URL."""
        latest = _latest_prices()
        stmt = (
            select(Listing, Shop.slug, latest.c.price_minor, latest.c.currency)
            .join(Shop, Listing.shop_id == Shop.id)
            .outerjoin(latest, latest.c.listing_id == Listing.id)
            .where(Listing.gone_at.is_(None))
            .order_by(Shop.slug, Listing.url)
        )
        with self._read_session() as session:
            return [
                ListingCandidate(
                    listing_id=listing.id,
                    shop=slug,
                    url=listing.url,
                    title=listing.title,
                    gtin=listing.gtin,
                    mpn=listing.mpn,
                    brand=listing.brand,
                    price=money_or_none(price_minor, currency),
                    currency=currency,
                )
                for listing, slug, price_minor, currency in session.execute(stmt)
            ]

    def listings_by_url(self, urls: Iterable[str]) -> dict[str, tuple[int, str]]:
        """``{url: (listing id, shop slug)}`` for the URLs that are tracked (gone or not)."""
        wanted = sorted(set(urls))
        found: dict[str, tuple[int, str]] = {}
        with self._read_session() as session:
            for chunk in chunks(wanted):
                stmt = (
                    select(Listing.url, Listing.id, Shop.slug)
                    .join(Shop, Listing.shop_id == Shop.id)
                    .where(Listing.url.in_(chunk))
                    .order_by(Listing.id)
                )
                for url, listing_id, slug in session.execute(stmt):
                    found.setdefault(url, (listing_id, slug))
        return found

    def shops_at(self, origin: str) -> list[str]:
        """Slugs of the shops with listings under ``origin`` (``scheme://host[:port]``)."""
        prefix = origin.rstrip("/") + "/"
        stmt = (
            select(Shop.slug)
            .join(Listing, Listing.shop_id == Shop.id)
            .where(Listing.url.startswith(prefix, autoescape=True))
            .group_by(Shop.slug)
            .order_by(Shop.slug)
        )
        with self._read_session() as session:
            return list(session.scalars(stmt))

    def shop_domains(self) -> dict[str, str | None]:
        """``{shop slug: domain}`` for every shop row."""
        with self._read_session() as session:
            return {
                slug: domain for slug, domain in session.execute(select(Shop.slug, Shop.domain))
            }

    def add_listings(self, shop: str, urls: Sequence[str], *, domain: str | None) -> list[int]:
        """Track ``urls`` as listings of ``shop`` (created with ``domain`` when new).

        The listings have no observations yet: the shop's next crawl revisits tracked listings
        it does not reach by itself, so it fetches them. Returns their ids, in ``urls`` order;
        URLs already tracked by the shop keep their listing.
        """
        now = utcnow()
        with self._write_session() as session, session.begin():
            shop_id = session.scalar(select(Shop.id).where(Shop.slug == shop))
            if shop_id is None:
                shop_id = session.execute(
                    insert(Shop).values(slug=shop, domain=domain).returning(Shop.id)
                ).scalar_one()
            known: dict[str, int] = {
                url: listing_id
                for url, listing_id in session.execute(
                    select(Listing.url, Listing.id).where(
                        Listing.shop_id == shop_id, Listing.url.in_(list(urls))
                    )
                )
            }
            new = [u for u in dict.fromkeys(urls) if u not in known]
            if new:
                session.execute(
                    insert(Listing),
                    [
                        {"shop_id": shop_id, "url": u, "first_seen": now, "last_seen": now}
                        for u in new
                    ],
                )
                known.update(
                    (url, listing_id)
                    for url, listing_id in session.execute(
                        select(Listing.url, Listing.id).where(
                            Listing.shop_id == shop_id, Listing.url.in_(new)
                        )
                    )
                )
        return [known[u] for u in urls]

    # ------------------------------------------------------------------ matches

    def save_matches(self, slug: str, records: Sequence[MatchRecord]) -> MatchSaveResult:
        """Add match records for client ``slug``'s products in one transaction.

        A new pair is inserted. For a stored pair: a suggestion becomes confirmed when a record
        confirms it (taking that record's method), a suggestion's score is refreshed; rejected
        and confirmed pairs are left as they are. Records for one pair keep the strongest.
        """
        best: dict[tuple[int, int], MatchRecord] = {}
        for r in records:
            key = (r.product_id, r.listing_id)
            if key not in best or _stronger(r, best[key]):
                best[key] = r
        added = updated = unchanged = kept_rejected = 0
        now = utcnow()
        with self._write_session() as session, session.begin():
            client_id = self._client_id(session, slug)
            product_ids = {
                pid: None
                for pid in session.scalars(
                    select(ClientProduct.id).where(ClientProduct.client_id == client_id)
                )
            }
            foreign = sorted({pid for pid, _ in best if pid not in product_ids})
            if foreign:
                raise ValueError(f"save_matches: products {foreign} are not {slug!r}'s")
            stored = {
                (m.client_product_id, m.listing_id): m
                for m in session.scalars(
                    select(ProductMatch)
                    .join(ClientProduct, ProductMatch.client_product_id == ClientProduct.id)
                    .where(ClientProduct.client_id == client_id)
                )
            }
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            for key, r in best.items():
                old = stored.get(key)
                if old is None:
                    inserts.append(
                        {
                            "client_product_id": r.product_id,
                            "listing_id": r.listing_id,
                            "method": r.method,
                            "score": r.score,
                            "status": r.status,
                            "created_at": now,
                            "decided_at": now if r.status == "confirmed" else None,
                        }
                    )
                    added += 1
                elif old.status == "rejected":
                    kept_rejected += 1
                elif old.status == "suggested" and r.status == "confirmed":
                    updates.append(
                        {"id": old.id, "method": r.method, "score": r.score}
                        | {"status": "confirmed", "decided_at": now}
                    )
                    updated += 1
                elif old.status == "suggested" and r.score != old.score:
                    updates.append({"id": old.id, "score": r.score})
                    updated += 1
                else:
                    unchanged += 1
            if inserts:
                session.execute(insert(ProductMatch), inserts)
            if updates:
                session.execute(update(ProductMatch), updates)
        return MatchSaveResult(
            added=added, updated=updated, unchanged=unchanged, kept_rejected=kept_rejected
        )

    def remove_matches(self, slug: str, ids: Sequence[int]) -> int:
        """Delete client ``slug``'s matches ``ids`` (others' are left alone); how many went."""
        with self._write_session() as session, session.begin():
            client_id = self._client_id(session, slug)
            owned = select(ClientProduct.id).where(ClientProduct.client_id == client_id)
            removed = 0
            for chunk in chunks(sorted(set(ids))):
                result: Any = session.execute(
                    delete(ProductMatch).where(
                        ProductMatch.id.in_(chunk), ProductMatch.client_product_id.in_(owned)
                    )
                )
                removed += result.rowcount
        return removed

    def matches(self, slug: str, status: str | None = None) -> list[MatchInfo]:
        """Client ``slug``'s matches (of one ``status``), by SKU then best score first."""
        with self._read_session() as session:
            client_id = self._client_id(session, slug)
            stmt = self._match_query().where(Client.id == client_id)
            if status is not None:
                stmt = stmt.where(ProductMatch.status == status)
            return self._match_infos(session, stmt)

    def decide_matches(
        self, ids: Sequence[int], status: str, *, client: str | None = None
    ) -> list[MatchInfo]:
        """Set matches ``ids`` to ``confirmed`` or ``rejected``, all or none.

        :class:`UnknownMatchError` (and nothing changed) when an id does not exist or, with
        ``client``, belongs to another client.
        """
        if status not in ("confirmed", "rejected"):
            raise ValueError(f"a decision is confirmed or rejected, not {status!r}")
        wanted = sorted(set(ids))
        with self._write_session() as session, session.begin():
            stmt = self._match_query().where(ProductMatch.id.in_(wanted))
            if client is not None:
                stmt = stmt.where(Client.id == self._client_id(session, client))
            found = {row.id for row in session.execute(stmt)}
            missing = [i for i in wanted if i not in found]
            if missing:
                owner = f" for client {client!r}" if client else ""
                raise UnknownMatchError(
                    f"no match{'es' if len(missing) > 1 else ''} "
                    f"{', '.join(map(str, missing))}{owner} (see pricewatch match review CLIENT)"
                )
            session.execute(
                update(ProductMatch)
                .where(ProductMatch.id.in_(wanted))
                .values(status=status, decided_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            return self._match_infos(
                session, self._match_query().where(ProductMatch.id.in_(wanted))
            )

    @staticmethod
    def _match_query() -> Any:
        latest = _latest_prices()
        return (
            select(
                ProductMatch.id,
                Client.slug.label("client"),
                ClientProduct.id.label("product_id"),
                ClientProduct.sku,
                ClientProduct.title.label("product_title"),
                ClientProduct.price_minor.label("own_minor"),
                ClientProduct.currency.label("own_currency"),
                Listing.id.label("listing_id"),
                Shop.slug.label("shop"),
                Listing.url,
                Listing.title.label("listing_title"),
                latest.c.price_minor.label("listing_minor"),
                latest.c.currency.label("listing_currency"),
                Listing.gtin.label("listing_gtin"),
                Listing.mpn.label("listing_mpn"),
                ProductMatch.method,
                ProductMatch.score,
                ProductMatch.status,
                ProductMatch.created_at,
                ProductMatch.decided_at,
            )
            .join(ClientProduct, ProductMatch.client_product_id == ClientProduct.id)
            .join(Client, ClientProduct.client_id == Client.id)
            .join(Listing, ProductMatch.listing_id == Listing.id)
            .join(Shop, Listing.shop_id == Shop.id)
            .outerjoin(latest, latest.c.listing_id == Listing.id)
            .order_by(ClientProduct.sku, ProductMatch.score.desc(), ProductMatch.id)
        )

    @staticmethod
    def _match_infos(session: Session, stmt: Any) -> list[MatchInfo]:
        out = []
        for row in session.execute(stmt):
            data = row._asdict()
            own_minor, own_currency = data.pop("own_minor"), data.pop("own_currency")
            minor, currency = data.pop("listing_minor"), data.pop("listing_currency")
            data["own_price"] = money_or_none(own_minor, own_currency)
            data["own_currency"] = own_currency
            data["listing_price"] = money_or_none(minor, currency)
            data["listing_currency"] = currency
            out.append(MatchInfo(**data))
        return out


def _latest_prices() -> Any:
    """``listing_id, price_minor, currency`` of each listing's latest observation."""
    newest = (
        select(PriceObservation.listing_id, func.max(PriceObservation.id).label("id"))
        .group_by(PriceObservation.listing_id)
        .subquery()
    )
    return (
        select(PriceObservation.listing_id, PriceObservation.price_minor, PriceObservation.currency)
        .join(newest, newest.c.id == PriceObservation.id)
        .subquery()
    )


def _stronger(new: MatchRecord, old: MatchRecord) -> bool:
    if (new.status == "confirmed") != (old.status == "confirmed"):
        return new.status == "confirmed"
    if new.method != old.method:
        return _METHOD_RANK[new.method] < _METHOD_RANK[old.method]
    return (new.score or 0) > (old.score or 0)
