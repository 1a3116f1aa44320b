"""``pricewatch clients | catalog | fx``: client merchants, their catalogues, exchange rates.

Registered on the main group by :mod:`pricewatch.cli.main` (one ``add_command`` per group);
``pricewatch match`` is in :mod:`pricewatch.cli.match`. The work is done by
:mod:`pricewatch.clients`; these modules parse options and print.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from pricewatch.cli.options import shop_urls as _base_urls
from pricewatch.cli.tables import _jsonable, amount_text, console, when
from pricewatch.errors import PricewatchError


def open_store() -> Any:
    from pricewatch.db.store import Store

    return Store.from_url()


base_url_option = click.option(
    "--base-url",
    "base_urls",
    multiple=True,
    metavar="SHOP=URL",
    help="Catalogue URLs on this host belong to SHOP (staging copy, demo port).",
)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, default=_jsonable))


def _threshold(bp: int) -> str:
    return f"{Decimal(bp) / 100:f}%"


# ---------------------------------------------------------------------------- clients


@click.group()
def clients() -> None:
    """Client merchants who receive reports."""


@clients.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="The merchant's name, as reports show it.")
@click.option("--email", "emails", required=True, help="Report recipients: ADDR[,ADDR...].")
@click.option("--locale", default="en", show_default=True, help="Report language: zh-CN or en.")
@click.option("--currency", required=True, help="ISO code of the client's prices (CNY...).")
@click.option("--timezone", default="UTC", show_default=True, help="IANA time zone.")
@click.option(
    "--undercut-threshold",
    default="5%",
    show_default=True,
    help="A competitor this much cheaper is an undercut (5%, 2.5%, 250bp).",
)
def clients_add(
    slug: str,
    name: str,
    emails: str,
    locale: str,
    currency: str,
    timezone: str,
    undercut_threshold: str,
) -> None:
    """Add client SLUG."""
    from pricewatch.clients.clients import client_record

    record = client_record(
        slug,
        name=name,
        emails=emails,
        locale=locale,
        currency=currency,
        timezone=timezone,
        undercut_threshold=undercut_threshold,
    )
    info = open_store().create_client(record)
    click.echo(
        f"added client {info.slug} ({info.name}); next: pricewatch catalog import {slug} FILE"
    )


@clients.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
def clients_list(as_json: bool) -> None:
    """Every client with its catalogue size and matches."""
    from rich.table import Table

    rows = open_store().clients()
    if as_json:
        for info in rows:
            echo_json(_client_json(info))
        return
    if not rows:
        click.echo(
            "no clients yet: pricewatch clients add SLUG --name ... --email ... --currency ..."
        )
        return
    table = Table(title=f"Clients ({len(rows)})")
    for column in ("client", "name", "locale", "currency", "time zone", "products", "matched"):
        table.add_column(column, no_wrap=column != "name")
    for c in rows:
        matched = f"{c.confirmed_matches}" + (
            f" (+{c.suggested_matches} to review)" if c.suggested_matches else ""
        )
        table.add_row(c.slug, c.name, c.locale, c.currency, c.timezone, str(c.products), matched)
    console().print(table)


def _client_json(info: Any) -> dict[str, Any]:
    return {
        "slug": info.slug,
        "name": info.name,
        "emails": list(info.emails),
        "locale": info.locale,
        "currency": info.currency,
        "timezone": info.timezone,
        "undercut_threshold": _threshold(info.undercut_threshold_bp),
        "products": info.products,
        "confirmed_matches": info.confirmed_matches,
        "suggested_matches": info.suggested_matches,
        "created_at": info.created_at,
        "updated_at": info.updated_at,
    }


@clients.command("show")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def clients_show(slug: str, as_json: bool) -> None:
    """One client's settings."""
    data = _client_json(open_store().client(slug))
    if as_json:
        echo_json(data)
        return
    for key, value in data.items():
        text = ", ".join(value) if isinstance(value, list) else value
        if key in ("created_at", "updated_at"):
            text = when(value)
        click.echo(f"{key.replace('_', ' '):<19} {text}")


@clients.command("edit")
@click.argument("slug")
@click.option("--slug", "new_slug", help="Rename the client.")
@click.option("--name")
@click.option("--email", "emails", help="Replace the recipients: ADDR[,ADDR...].")
@click.option("--locale")
@click.option("--currency", help="Only while the client has no catalogue.")
@click.option("--timezone")
@click.option("--undercut-threshold")
def clients_edit(slug: str, new_slug: str | None, **changes: str | None) -> None:
    """Change client SLUG's settings (the options given)."""
    from pricewatch.clients.clients import edit_client

    info = edit_client(open_store(), slug, slug=new_slug, **changes)
    click.echo(f"updated client {info.slug}")


@clients.command("remove")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Do not ask.")
def clients_remove(slug: str, yes: bool) -> None:
    """Delete client SLUG with its catalogue, matches and report records."""
    store = open_store()
    info = store.client(slug)
    question = f"delete client {slug} with {info.products} products and their matches?"
    if not yes and not click.confirm(question, default=False):
        raise PricewatchError(f"client {slug} kept (nothing removed)")
    store.remove_client(slug)
    click.echo(f"removed client {slug}")


# ---------------------------------------------------------------------------- catalogue


@click.group()
def catalog() -> None:
    """A client's own products (imported from CSV or XLSX)."""


@catalog.command("import")
@click.argument("client")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="Remove products that are not in the file.")
@click.option("--skip-bad", is_flag=True, help="Import the good rows when some are bad.")
@click.option("--no-match", is_flag=True, help="Do not match catalogue URLs and GTINs now.")
@base_url_option
def catalog_import(
    client: str,
    file: Path,
    replace: bool,
    skip_bad: bool,
    no_match: bool,
    base_urls: tuple[str, ...],
) -> None:
    """Import FILE (CSV in UTF-8 or GBK, or XLSX) into CLIENT's catalogue, by SKU."""
    from pricewatch.cli.match import print_exact
    from pricewatch.clients.catalog import CatalogueRowsError, import_catalogue
    from pricewatch.clients.matching import match_exact

    shop_urls = _base_urls(base_urls)
    store = open_store()
    try:
        result = import_catalogue(store, client, file, replace=replace, skip_bad=skip_bad)
    except CatalogueRowsError as exc:
        for bad in exc.rows:
            click.echo(f"{file.name}: {bad}", err=True)
        raise
    parsed, s = result.parsed, result.summary
    count = len(parsed.records)
    click.echo(f"read {file.name} ({parsed.source}): {count} product{'s' * (count != 1)}")
    if parsed.ignored_columns:
        click.echo(f"ignored columns: {', '.join(parsed.ignored_columns)}")
    for bad in result.skipped:
        click.echo(f"skipped {bad}", err=True)
    click.echo(
        f"added {len(s.added)}, updated {len(s.updated)}, unchanged {len(s.unchanged)}, "
        f"removed {len(s.removed)}"
    )
    if not no_match:
        print_exact(match_exact(store, client, shop_urls=shop_urls))


@catalog.command("show")
@click.argument("client")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
def catalog_show(client: str, as_json: bool) -> None:
    """CLIENT's products with their prices and matches."""
    from rich.table import Table

    rows = open_store().catalogue(client)
    if as_json:
        for p in rows:
            echo_json(dataclasses.asdict(p))
        return
    if not rows:
        click.echo(f"no products yet: pricewatch catalog import {client} FILE")
        return
    table = Table(title=f"{client}: {len(rows)} products")
    for column in ("sku", "product", "price", "min price", "gtin", "brand", "matched"):
        table.add_column(
            column, no_wrap=column != "product", min_width=24 if column == "product" else None
        )
    for p in rows:
        table.add_row(
            p.sku,
            (p.title or "-")[:60],
            amount(p.price, p.currency),
            amount(p.min_price, p.currency),
            p.gtin or "-",
            p.brand or "-",
            str(p.matches),
        )
    console().print(table)


def amount(value: Decimal | None, currency: str) -> str:
    return "-" if value is None else f"{amount_text(value, currency)} {currency}"


# ---------------------------------------------------------------------------- exchange rates


@click.group()
def fx() -> None:
    """Exchange rates for comparing prices in other currencies."""


@fx.command("set")
@click.argument("base")
@click.argument("quote")
@click.argument("rate")
def fx_set(base: str, quote: str, rate: str) -> None:
    """Store 1 BASE = RATE QUOTE (pricewatch fx set USD CNY 7.12)."""
    from pricewatch.clients.clients import parse_currency

    base_code = parse_currency(base, "BASE")
    quote_code = parse_currency(quote, "QUOTE")
    if base_code == quote_code:
        raise PricewatchError(f"BASE and QUOTE are both {base_code}")
    try:
        value = Decimal(rate.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0:
        raise PricewatchError(f"RATE {rate!r} is not a positive number")
    info = open_store().set_fx_rate(base_code, quote_code, value)
    click.echo(f"1 {info.base} = {info.rate} {info.quote}")


@fx.command("list")
def fx_list() -> None:
    """Every stored exchange rate."""
    rows = open_store().fx_rates()
    if not rows:
        click.echo("no exchange rates: pricewatch fx set USD CNY 7.12")
    for r in rows:
        click.echo(f"1 {r.base} = {r.rate} {r.quote}   (set {when(r.updated_at)})")
