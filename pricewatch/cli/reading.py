"""The reading commands: ``prices``, ``history`` and ``shops list``.

They open the database read-only: nothing is created or migrated (a missing SQLite file, a
database without pricewatch's tables or one at an older revision is one error line). Times are
read and shown in local time unless ``--utc`` (:mod:`pricewatch.cli.times`).
"""

from __future__ import annotations

import click

from pricewatch.cli.times import display_zone, parse_since
from pricewatch.errors import PricewatchError

_UTC_HELP = "Read and show times in UTC instead of local time."


@click.command()
@click.option("--shop", help="Only this shop.")
@click.option(
    "--since",
    help="Show changes since a local date/time (2026-11-01, 2026-11-01T08:00, +08:00 offsets "
    "too) or an age (10m, 12h, 7d, 2w).",
)
@click.option("--utc", is_flag=True, help=_UTC_HELP)
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
def prices(shop: str | None, since: str | None, utc: bool, as_json: bool) -> None:
    """Current prices, or with --since the changes since then."""
    from pricewatch.cli.tables import print_changes, print_current
    from pricewatch.db.store import Store
    from pricewatch.shops import get_shop, load_shops

    zone = display_zone(utc)
    start = parse_since(since, zone=zone if utc else None) if since else None
    with Store.from_url(read_only=True) as store:
        if start is not None:
            rows = store.changes_since(start, shop=shop)
        else:
            current = store.current_prices(shop=shop)
    if shop is not None and not (rows if start is not None else current):
        get_shop(shop, load_shops())  # an unknown name is an error, not an empty table
    if start is not None:
        print_changes(rows, as_json=as_json, zone=zone)
        return
    empty = (
        f"no prices stored for {shop} yet: run 'pricewatch crawl {shop}'"
        if shop
        else "no prices stored yet: run 'pricewatch crawl SHOP' (or 'pricewatch demo')"
    )
    print_current(current, as_json=as_json, zone=zone, empty=empty)


@click.command()
@click.argument("url_or_sku")
@click.option("--utc", is_flag=True, help=_UTC_HELP)
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
def history(url_or_sku: str, utc: bool, as_json: bool) -> None:
    """Price and stock history of one listing (by URL) or of every listing with a SKU.

    A URL matches with or without its trailing slash; a Shopify product URL without
    ?variant= shows every variant.
    """
    from pricewatch.cli.tables import print_history
    from pricewatch.db.store import Store

    with Store.from_url(read_only=True) as store:
        found = store.history(url_or_sku.strip())
    if not found:
        raise PricewatchError(f"no listing with URL or SKU {url_or_sku!r}")
    print_history(found, as_json=as_json, zone=display_zone(utc))


@click.group()
def shops() -> None:
    """Shops pricewatch knows (files in pricewatch/spiders/shops/)."""


@shops.command("list")
def shops_list() -> None:
    """List every shop with its platform, start URL and rendering flag."""
    from pricewatch.shops import load_shops

    for name, spider in sorted(load_shops().items()):
        platform = next(
            (
                b.__name__
                for b in spider.__mro__[1:]
                if b.__module__.startswith("pricewatch.platforms")
            ),
            "?",
        )
        start = (spider.start_urls or spider.sitemap_urls or ["-"])[0]
        flags = " render" if spider.render else ""
        click.echo(f"{name:<24} {platform:<22} {start}{flags}")
