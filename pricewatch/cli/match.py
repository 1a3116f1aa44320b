"""``pricewatch match``: which competitor listings sell a client's products; review them.

The work is done by :mod:`pricewatch.clients.matching` and the store; this module parses
options and prints.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import click

from pricewatch.cli.clients import amount, base_url_option, echo_json, open_store
from pricewatch.cli.options import shop_urls as _base_urls
from pricewatch.cli.tables import console

#: Lines of a long list shown before "... and N more".
_MOST_LINES = 20


def print_exact(result: Any) -> None:
    methods = ", ".join(f"{k} {v}" for k, v in sorted(result.by_method.items())) or "none"
    click.echo(
        f"confirmed matches by {methods} ({result.saved.added} new"
        + (f", {result.saved.kept_rejected} kept rejected" if result.saved.kept_rejected else "")
        + ")"
    )
    if result.removed:
        click.echo(
            f"removed {result.removed} matches the catalogue no longer gives (URL, GTIN, MPN)"
        )
    _some(f"new listing for the next crawl of {shop}: {url}" for shop, url in result.new_listings)
    by_reason: dict[str, list[Any]] = {}
    for problem in result.problems:
        by_reason.setdefault(problem.reason, []).append(problem)
    for reason, problems in by_reason.items():
        if len(problems) == 1:
            click.echo(f"warning: {problems[0]}", err=True)
        else:
            first = problems[0]
            click.echo(
                f"warning: {len(problems)} catalogue URLs: {reason} "
                f"(e.g. {first.sku}: {first.url})",
                err=True,
            )


def _some(lines: Iterable[str], most: int = _MOST_LINES) -> None:
    """The first ``most`` lines, then how many more there were."""
    shown = 0
    for line in lines:
        if shown < most:
            click.echo(line)
        shown += 1
    if shown > most:
        click.echo(f"... and {shown - most} more")


# ---------------------------------------------------------------------------- matching


@click.group()
def match() -> None:
    """Which competitor listings sell a client's products."""


@match.command("suggest")
@click.argument("client")
@click.option("--min-score", type=click.FloatRange(0, 100), default=60.0, show_default=True)
@click.option(
    "--limit",
    type=click.IntRange(1, 20),
    default=3,
    show_default=True,
    help="Suggestions per product at most.",
)
@base_url_option
def match_suggest(client: str, min_score: float, limit: int, base_urls: tuple[str, ...]) -> None:
    """Confirm URL/GTIN/MPN matches, then suggest listings with similar titles."""
    from pricewatch.clients.matching import suggest

    result = suggest(
        open_store(), client, min_score=min_score, limit=limit, shop_urls=_base_urls(base_urls)
    )
    print_exact(result.exact)
    click.echo(
        f"{result.suggested} suggestion{'s' * (result.suggested != 1)} "
        f"at score {min_score:g} or more "
        f"({result.saved.added} new); review them: pricewatch match review {client}"
    )


@match.command("review")
@click.argument("client")
@click.option(
    "--status",
    type=click.Choice(["suggested", "confirmed", "rejected", "all"]),
    default="suggested",
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
def match_review(client: str, status: str, as_json: bool) -> None:
    """CLIENT's matches with their scores (suggestions by default)."""
    from rich.table import Table

    rows = open_store().matches(client, status=None if status == "all" else status)
    if as_json:
        for m in rows:
            echo_json(dataclasses.asdict(m))
        return
    if not rows:
        click.echo(f"no {'' if status == 'all' else status + ' '}matches for {client}")
        return
    table = Table(title=f"{client}: {len(rows)} {'' if status == 'all' else status} matches")
    columns = ("id", "sku", "product", "price", "shop", "listing", "their price", "method")
    for column in (*columns, "score", "status"):
        wide = column in ("product", "listing")
        table.add_column(column, no_wrap=not wide, min_width=20 if wide else None)
    for m in rows:
        table.add_row(
            str(m.id),
            m.sku,
            (m.product_title or "-")[:50],
            amount(m.own_price, m.own_currency or ""),
            m.shop,
            (m.listing_title or m.url)[:50],
            amount(m.listing_price, m.listing_currency or ""),
            m.method,
            "-" if m.score is None else f"{m.score:.1f}",
            m.status,
        )
    console().print(table)
    if status == "suggested":
        click.echo(
            "confirm or reject: pricewatch match confirm ID... / pricewatch match reject ID..."
        )


@match.command("add")
@click.argument("client")
@click.argument("sku")
@click.argument("url")
@base_url_option
def match_add(client: str, sku: str, url: str, base_urls: tuple[str, ...]) -> None:
    """Confirm by hand that the listing at URL sells CLIENT's product SKU."""
    from pricewatch.cli.options import check_url
    from pricewatch.clients.matching import add_manual

    match, added = add_manual(
        open_store(), client, sku, check_url(url, "URL"), shop_urls=_base_urls(base_urls)
    )
    click.echo(f"confirmed match {match.id}: {match.sku} ↔ {match.shop} {match.url}")
    if added:
        click.echo(f"new listing for the next crawl of {added[0]}: {added[1]}")


def _decide(ids: tuple[int, ...], client: str | None, status: str) -> None:
    for info in open_store().decide_matches(ids, status, client=client):
        click.echo(f"{status} match {info.id}: {info.sku} ↔ {info.shop} {info.url}")


@match.command("confirm")
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--client", help="Refuse IDs that are not this client's.")
def match_confirm(ids: tuple[int, ...], client: str | None) -> None:
    """Confirm matches IDS (reports use confirmed matches only)."""
    _decide(ids, client, "confirmed")


@match.command("reject")
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--client", help="Refuse IDs that are not this client's.")
def match_reject(ids: tuple[int, ...], client: str | None) -> None:
    """Reject matches IDS (never suggested again)."""
    _decide(ids, client, "rejected")
