"""``pricewatch genspider``: a new shop's file, offline test and saved fixture."""

from __future__ import annotations

import click


@click.command()
@click.argument("slug")
@click.argument("url")
@click.option(
    "--platform",
    type=click.Choice(["structured", "rendered", "shopify", "woocommerce"]),
    default="structured",
    show_default=True,
    help="Platform base the shop uses.",
)
@click.option("--currency", help="ISO currency code the shop prices in.")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def genspider(slug: str, url: str, platform: str, currency: str | None, force: bool) -> None:
    """Write a shop file, its offline test and a fixture for SLUG at URL.

    URL may be a product page, a listing (category) page or a sitemap: the shop crawls from
    it, and genspider says which it found. With --platform shopify or woocommerce, URL is the
    store's address and the fixture is the store's API answer.
    """
    from pricewatch.genspider import generate

    currency = currency.upper() if currency else None
    result = generate(slug, url, platform=platform, currency=currency, force=force)
    click.echo(result.summary)
    for path in result.paths:
        click.echo(f"wrote {path}")
