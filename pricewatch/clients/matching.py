"""Matching a client's products to competitor listings.

Three ways, strongest first:

1. **Catalogue URLs** (``competitor_urls``): confirmed. A URL pricewatch does not track yet is
   added as a listing of the shop its host belongs to — known from the shop's stored listings,
   ``shop_urls`` (``--base-url SHOP=URL``), the shop files' start URLs, or a shop's domain —
   so the shop's next crawl fetches it; a host no shop (or several) claims is reported.
2. **Identifiers**: a listing with the product's GTIN/EAN/UPC (compared as GTIN-14, so a
   12-digit UPC equals its 13-digit EAN) or MPN (case, spaces and dashes ignored; at least 4
   characters, and not when the brands differ) is confirmed.
3. **Title similarity** (:mod:`.similarity`): **suggestions** for review, with a 0..100 score;
   at most ``limit`` per product, at or above ``min_score`` (capped at 50 when the listing's
   current price is more than 3× or under ⅓ of the product's), never a listing already confirmed
   for another of the client's products, nor a shop where the product already has a
   confirmed listing. Candidates come from an inverted index of words and model numbers, rarest
   first, so a product is scored against a bounded number of listings that share its most
   telling words, not against all of them.

A pair a person rejected is never suggested or confirmed again (the store keeps decisions). A
URL, GTIN or MPN match goes when the catalogue stops giving its evidence (the URL removed from
the product, its GTIN or MPN changed); matches a person confirmed or added stay.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pricewatch.clients.brands import brand_key
from pricewatch.clients.records import MatchRecord
from pricewatch.clients.similarity import TitleFeatures, WordWeights, features, score
from pricewatch.db.store import Store
from pricewatch.db.store.client_results import (
    CatalogueProduct,
    ListingCandidate,
    MatchInfo,
    MatchSaveResult,
)
from pricewatch.errors import PricewatchError

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_MIN_SCORE",
    "ExactResult",
    "SuggestResult",
    "UrlProblem",
    "add_manual",
    "match_exact",
    "suggest",
]

DEFAULT_MIN_SCORE = 60.0
DEFAULT_LIMIT = 3
#: Prices this many times apart cap a title suggestion below the default minimum score.
_PRICE_RATIO = 3
_PRICE_APART_CAP = 50.0
#: Listings scored per product at most (about): see :func:`_candidates`.
_CANDIDATES = 400
_MPN_NOISE = re.compile(r"[\s\-_/.]+")


@dataclass(frozen=True, slots=True)
class UrlProblem:
    sku: str
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.sku}: {self.url}: {self.reason}"


@dataclass(slots=True)
class ExactResult:
    """What :func:`match_exact` found; ``saved`` says what changed in the store."""

    by_method: dict[str, int] = field(default_factory=dict)
    #: ``(shop, url)`` of listings added for catalogue URLs nobody tracked yet.
    new_listings: list[tuple[str, str]] = field(default_factory=list)
    problems: list[UrlProblem] = field(default_factory=list)
    saved: MatchSaveResult = field(default_factory=MatchSaveResult)
    #: Confirmed URL/GTIN/MPN matches removed because the catalogue no longer gives them.
    removed: int = 0


@dataclass(slots=True)
class SuggestResult:
    exact: ExactResult
    #: Suggestions at or above the minimum score (new or re-scored).
    suggested: int = 0
    saved: MatchSaveResult = field(default_factory=MatchSaveResult)


def gtin14(value: str | None) -> str | None:
    """A GTIN as 14 digits (UPC-A, EAN-8, EAN-13 zero-padded); None if it is not digits."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14) or not digits.strip("0"):
        return None
    return digits.zfill(14)


def _mpn_key(value: str | None) -> str | None:
    key = _MPN_NOISE.sub("", value or "").upper()
    return key if len(key) >= 4 else None


def _url_variants(url: str) -> list[str]:
    """The URL as given, without its fragment, and with/without a trailing slash."""
    parts = urlsplit(url.strip())
    bare = urlunsplit(parts._replace(fragment=""))
    path = parts.path
    other = path[:-1] if path.endswith("/") and len(path) > 1 else path + "/"
    return list(dict.fromkeys([url, bare, urlunsplit(parts._replace(path=other, fragment=""))]))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class _ShopFinder:
    """Which shop a URL's host belongs to; each source asked once per origin, not per URL."""

    def __init__(self, store: Store, shop_urls: Mapping[str, str]) -> None:
        self.store = store
        self.shop_urls = shop_urls
        self._domains: Mapping[str, str | None] | None = None
        self._shops: dict[str, Any] | None = None
        self._found: dict[str, tuple[str | None, str]] = {}

    def __call__(self, url: str) -> tuple[str | None, str]:
        origin = _origin(url)
        if origin not in self._found:
            self._found[origin] = self._find(url)
        return self._found[origin]

    def _find(self, url: str) -> tuple[str | None, str]:
        from pricewatch.shops import load_shops, shop_for_url

        parts = urlsplit(url)
        given = [s for s, base in self.shop_urls.items() if urlsplit(base).netloc == parts.netloc]
        if len(given) == 1:
            return given[0], ""
        at_origin = self.store.shops_at(_origin(url))
        if len(at_origin) == 1:
            return at_origin[0], ""
        if at_origin:
            return None, f"{parts.netloc} has listings of several shops ({', '.join(at_origin)})"
        if self._shops is None:
            self._shops = dict(load_shops())
        spider = shop_for_url(url, self._shops)
        if spider is not None:
            return spider.name, ""
        if self._domains is None:
            self._domains = self.store.shop_domains()
        host = (parts.hostname or "").removeprefix("www.")
        by_domain = sorted(
            s for s, d in self._domains.items() if d and (host == d or host.endswith("." + d))
        )
        if len(by_domain) == 1:
            return by_domain[0], ""
        if by_domain:
            return None, f"{host} is the domain of several shops ({', '.join(by_domain)})"
        return None, (
            f"no shop for {parts.netloc}: add one (pricewatch genspider SLUG URL) "
            "or say which with --base-url SHOP=URL"
        )


def _url_matches(
    store: Store,
    products: Sequence[CatalogueProduct],
    shop_urls: Mapping[str, str],
    result: ExactResult,
) -> list[MatchRecord]:
    wanted = {u for p in products for u in p.competitor_urls}
    variants = {u: _url_variants(u) for u in wanted}
    tracked = store.listings_by_url(v for vs in variants.values() for v in vs)
    listing_of: dict[str, int] = {}
    untracked: dict[str, list[str]] = defaultdict(list)  # shop -> urls
    shop_for = _ShopFinder(store, shop_urls)
    skus_of: dict[str, list[str]] = defaultdict(list)
    for p in products:
        for u in p.competitor_urls:
            skus_of[u].append(p.sku)
    for url in sorted(wanted):
        hit = next((tracked[v] for v in variants[url] if v in tracked), None)
        if hit is not None:
            listing_of[url] = hit[0]
            continue
        shop, reason = shop_for(url)
        if shop is None:
            result.problems.extend(UrlProblem(sku, url, reason) for sku in skus_of[url])
        else:
            untracked[shop].append(url)
    for shop, urls in sorted(untracked.items()):
        host = urlsplit(urls[0]).hostname
        ids = store.add_listings(shop, urls, domain=host.removeprefix("www.") if host else None)
        listing_of.update(zip(urls, ids, strict=True))
        result.new_listings.extend((shop, u) for u in urls)
    return [
        MatchRecord(p.id, listing_of[u], "url", "confirmed")
        for p in products
        for u in p.competitor_urls
        if u in listing_of
    ]


def _identifier_matches(
    products: Sequence[CatalogueProduct], listings: Sequence[ListingCandidate]
) -> list[MatchRecord]:
    by_gtin: dict[str, list[ListingCandidate]] = defaultdict(list)
    by_mpn: dict[str, list[ListingCandidate]] = defaultdict(list)
    for listing in listings:
        if (g := gtin14(listing.gtin)) is not None:
            by_gtin[g].append(listing)
        if (m := _mpn_key(listing.mpn)) is not None:
            by_mpn[m].append(listing)
    out = []
    for p in products:
        for listing in by_gtin.get(gtin14(p.gtin) or "", []):
            out.append(MatchRecord(p.id, listing.listing_id, "gtin", "confirmed"))
        brand = brand_key(p.brand)
        for listing in by_mpn.get(_mpn_key(p.mpn) or "", []):
            other = brand_key(listing.brand)
            if brand and other and brand != other:
                continue  # the same part number at two makers is a coincidence
            out.append(MatchRecord(p.id, listing.listing_id, "mpn", "confirmed"))
    return out


def match_exact(
    store: Store, client: str, *, shop_urls: Mapping[str, str] | None = None
) -> ExactResult:
    """Confirm matches by catalogue URL and by GTIN/MPN (see the module docstring)."""
    return _match_exact(store, client, store.catalogue(client), shop_urls)


def _match_exact(
    store: Store,
    client: str,
    products: Sequence[CatalogueProduct],
    shop_urls: Mapping[str, str] | None,
    listings: Sequence[ListingCandidate] | None = None,
) -> ExactResult:
    result = ExactResult()
    records = _url_matches(store, products, shop_urls or {}, result)
    if listings is None:
        listings = store.match_candidates()
    records += _identifier_matches(products, listings)
    for r in records:
        result.by_method[r.method] = result.by_method.get(r.method, 0) + 1
    result.saved = store.save_matches(client, records)
    stale = _stale(products, store.matches(client, status="confirmed"))
    result.removed = store.remove_matches(client, stale) if stale else 0
    return result


def _stale(products: Sequence[CatalogueProduct], confirmed: Sequence[MatchInfo]) -> list[int]:
    """Confirmed URL/GTIN/MPN matches whose evidence the catalogue no longer gives.

    The merchant removed the URL from the product, or changed its GTIN or MPN. Matches to
    listings that went gone are kept (the evidence is the catalogue's, and reports show gone
    listings); manual matches and matches confirmed from suggestions are a person's decision.
    """
    by_id = {p.id: p for p in products}
    out = []
    for m in confirmed:
        p = by_id[m.product_id]
        if m.method == "url":
            given = {v for u in p.competitor_urls for v in _url_variants(u)}
            holds = m.url in given
        elif m.method == "gtin":
            holds = gtin14(p.gtin) is not None and gtin14(p.gtin) == gtin14(m.listing_gtin)
        elif m.method == "mpn":
            holds = _mpn_key(p.mpn) is not None and _mpn_key(p.mpn) == _mpn_key(m.listing_mpn)
        else:
            holds = True
        if not holds:
            out.append(m.id)
    return out


def add_manual(
    store: Store,
    client: str,
    sku: str,
    url: str,
    *,
    shop_urls: Mapping[str, str] | None = None,
) -> tuple[MatchInfo, tuple[str, str] | None]:
    """Confirm by hand that ``url`` sells ``sku`` (a person's decision: it overrides a rejection).

    Returns the match and, when the URL was not tracked yet, the ``(shop, url)`` listing added
    for the next crawl. :class:`PricewatchError` for an unknown SKU or a host no shop claims.
    """
    product = next((p for p in store.catalogue(client) if p.sku == sku), None)
    if product is None:
        raise PricewatchError(f"client {client!r} has no product with SKU {sku!r}")
    result = ExactResult()
    found = _url_matches(store, [replace(product, competitor_urls=(url,))], shop_urls or {}, result)
    if not found:
        raise PricewatchError(f"{url}: {result.problems[0].reason}")
    listing_id = found[0].listing_id
    store.save_matches(client, [MatchRecord(product.id, listing_id, "manual", "confirmed")])
    match = next(
        m for m in store.matches(client) if (m.product_id, m.listing_id) == (product.id, listing_id)
    )
    if match.status != "confirmed":
        [match] = store.decide_matches([match.id], "confirmed", client=client)
    return match, (result.new_listings[0] if result.new_listings else None)


def _title(text: str | None, *extra: str | None) -> str:
    return " ".join(t for t in (text, *extra) if t)


def suggest(
    store: Store,
    client: str,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    limit: int = DEFAULT_LIMIT,
    shop_urls: Mapping[str, str] | None = None,
) -> SuggestResult:
    """Exact matches first, then title-similarity suggestions for review."""
    products = store.catalogue(client)
    candidates = store.match_candidates()
    # Listings added for catalogue URLs have no title yet: only exact methods can use them.
    exact = _match_exact(store, client, products, shop_urls, candidates)
    listings = [c for c in candidates if c.title]
    confirmed = store.matches(client, status="confirmed")
    taken = {m.listing_id for m in confirmed}
    covered_shops = {(m.product_id, m.shop) for m in confirmed}

    listing_features = [features(_title(c.title, c.mpn), c.brand) for c in listings]
    product_features = [features(_title(p.title, p.mpn), p.brand) for p in products]
    weights = WordWeights(listing_features + product_features)
    index = _index(listing_features)

    records = []
    for product, mine in zip(products, product_features, strict=True):
        found = []
        for i in sorted(_candidates(mine, index)):
            listing = listings[i]
            if listing.listing_id in taken or (product.id, listing.shop) in covered_shops:
                continue
            value = score(mine, listing_features[i], weights)
            if _prices_apart(product, listing):
                value = min(value, _PRICE_APART_CAP)
            if value >= min_score:
                found.append((value, listing.listing_id))
        found.sort(key=lambda pair: (-pair[0], pair[1]))
        records += [
            MatchRecord(product.id, listing_id, "fuzzy", "suggested", value)
            for value, listing_id in found[:limit]
        ]
    saved = store.save_matches(client, records)
    return SuggestResult(exact=exact, suggested=len(records), saved=saved)


def _prices_apart(product: CatalogueProduct, listing: ListingCandidate) -> bool:
    """Whether one price is more than :data:`_PRICE_RATIO` times the other (same currency).

    A ¥59 phone case and a ¥5,999 phone share many title words; their prices tell them apart.
    """
    if product.price is None or listing.price is None or product.currency != listing.currency:
        return False
    low, high = sorted((product.price, listing.price))
    return high > low * _PRICE_RATIO


def _index(documents: Sequence[TitleFeatures]) -> dict[str, list[int]]:
    """Words and model numbers -> positions of the documents that have them."""
    index: dict[str, list[int]] = defaultdict(list)
    for position, doc in enumerate(documents):
        for word in doc.words:
            index[word].append(position)
        for model in doc.models:
            index["model:" + model].append(position)
    return index


def _candidates(doc: TitleFeatures, index: Mapping[str, list[int]]) -> set[int]:
    """Listings sharing the product's rarest keys, up to about :data:`_CANDIDATES` of them.

    Keys are taken rarest first (model numbers and unusual words find few listings, 白色 or
    智能 thousands) and no more once the budget is reached, so a product costs about the
    same whatever the number of listings: the whole run grows linearly, not quadratically.
    """
    keys = sorted(
        (k for k in [*doc.words, *("model:" + m for m in doc.models)] if k in index),
        key=lambda k: len(index[k]),
    )
    found: set[int] = set()
    for key in keys:
        postings = index[key]
        if found and len(found) + len(postings) > _CANDIDATES:
            break
        found.update(postings[: _CANDIDATES * 4])
    return found
