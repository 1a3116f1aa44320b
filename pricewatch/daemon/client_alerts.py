"""Client alert rules over a crawl run's price changes, and the broken-crawl signal.

For each change of a listing confirmed as a match of a client product:

* ``undercut`` — the new price is below the client's own price by more than the client's
  threshold (same currency only), and the previous price was not already such an undercut;
* ``price_drop`` — the price fell by at least ``rules.price_drop``;
* ``back_in_stock`` — out of stock before, in stock now.

Each alert's key names the rule, client, listing and the observation's first-seen time, so the
same change never alerts twice. :func:`mass_move` is the third broken-crawl sign: many of a
run's listings changed price at once, nearly all in the same direction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from pricewatch.db.store import PriceChange, Store
from pricewatch.money import format_money

if TYPE_CHECKING:
    from pricewatch.daemon.alerts import AlertRules


@dataclass(frozen=True)
class ClientAlert:
    key: str
    client: str
    rule: str
    text: str
    #: For ``price_drop``: the fall as a fraction of the old price.
    drop: float | None = None


def _undercut(price: Decimal, own: Decimal, threshold_bp: int) -> bool:
    return price * 10_000 < own * (10_000 - threshold_bp)


def client_alerts(
    store: Store, changes: Sequence[PriceChange], rules: AlertRules
) -> list[ClientAlert]:
    matches = store.confirmed_matches([c.listing_id for c in changes])
    alerts: list[ClientAlert] = []
    for change in changes:
        for product in matches.get(change.listing_id, []):
            what = f"{change.shop} {change.title or change.url}"
            new = format_money(change.new_price, change.currency)
            old = format_money(change.old_price, change.old_currency)
            key_tail = f"{product.client}:{change.listing_id}:{change.at.isoformat()}"
            same_currency = change.currency == change.old_currency
            if (
                product.own_price is not None
                and change.currency == product.currency
                and _undercut(change.new_price, product.own_price, product.undercut_threshold_bp)
                and not (
                    same_currency
                    and _undercut(
                        change.old_price, product.own_price, product.undercut_threshold_bp
                    )
                )
            ):
                own = format_money(product.own_price, product.currency)
                alerts.append(
                    ClientAlert(
                        f"undercut:{key_tail}",
                        product.client,
                        "undercut",
                        f"{what} now sells {product.sku} at {new}, below your {own} "
                        f"(more than {product.undercut_threshold_bp / 100:g}% cheaper)",
                    )
                )
            if (
                same_currency
                and change.old_price > 0
                and change.new_price <= change.old_price * (1 - Decimal(str(rules.price_drop)))
            ):
                drop = (change.old_price - change.new_price) / change.old_price * 100
                alerts.append(
                    ClientAlert(
                        f"price_drop:{key_tail}",
                        product.client,
                        "price_drop",
                        f"{what} ({product.sku}) dropped {drop:.0f}%: {old} → {new}",
                        float(drop) / 100,
                    )
                )
            if change.old_availability == "out_of_stock" and change.new_availability == "in_stock":
                alerts.append(
                    ClientAlert(
                        f"back_in_stock:{key_tail}",
                        product.client,
                        "back_in_stock",
                        f"{what} ({product.sku}) is back in stock at {new}",
                    )
                )
    return alerts


def mass_move(changes: Sequence[PriceChange], listings: int, rules: AlertRules) -> str | None:
    """Why the run's changes look like a broken crawl, or None."""
    moved = [c for c in changes if c.currency == c.old_currency and c.new_price != c.old_price]
    if len(moved) < rules.mass_move_min or listings <= 0:
        return None
    share = len(moved) / listings
    down = sum(c.new_price < c.old_price for c in moved) / len(moved)
    direction = max(down, 1 - down)
    if share >= rules.mass_move_share and direction >= rules.mass_move_direction:
        way = "down" if down >= 0.5 else "up"
        return f"{len(moved)} of {listings} prices moved at once, {direction:.0%} of them {way}"
    return None
