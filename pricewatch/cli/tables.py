"""Terminal tables (rich) and JSON lines for the CLI's reading commands.

Times are shown in one zone, named in each table's header: local unless the command was given
``--utc`` (see :mod:`pricewatch.cli.times`). JSON lines carry ISO 8601 times with their offset
(UTC, as stored).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from pricewatch.cli.times import display_zone, zone_label
from pricewatch.money import currency_exponent

_AVAILABILITY_STYLE = {
    "in_stock": "green",
    "out_of_stock": "red",
    "preorder": "yellow",
    "unknown": "dim",
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _json_lines(rows: Sequence[Any]) -> None:
    for row in rows:
        data = {k: _jsonable(v) for k, v in dataclasses.asdict(row).items()}
        click.echo(json.dumps(data, ensure_ascii=False, default=str))


def amount_text(amount: Decimal, currency: str | None) -> str:
    """``amount`` with at least its currency's decimals (``19.5`` USD -> ``19.50``)."""
    if currency and amount.is_finite():
        places = currency_exponent(currency)
        if -int(amount.as_tuple().exponent) < places:
            return str(amount.quantize(Decimal(1).scaleb(-places)))
    return str(amount)


def _money(amount: Decimal | None, currency: str | None) -> str:
    if amount is None:
        return "-"
    return f"{Decimal(amount_text(amount, currency)):,} {currency or ''}".strip()


def when(value: datetime | None, zone: tzinfo | None = None) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else "-"


def times_caption(zone: tzinfo | None) -> str:
    return f"times {zone_label(zone or display_zone())}"


def _availability(value: str) -> str:
    return f"[{_AVAILABILITY_STYLE.get(value, 'dim')}]{value}[/]"


def console() -> Console:
    # Piped output (logs, CI) gets a fixed, wide layout instead of rich's 80 columns.
    out = Console(highlight=False, soft_wrap=False)
    if not out.is_terminal:
        out = Console(highlight=False, soft_wrap=False, width=160)
    return out


def print_current(
    rows: Sequence[Any],
    *,
    as_json: bool = False,
    zone: tzinfo | None = None,
    empty: str = "no prices stored yet: run 'pricewatch crawl SHOP' (or 'pricewatch demo')",
) -> None:
    if as_json:
        _json_lines(rows)
        return
    if not rows:
        click.echo(empty)
        return
    table = Table(title=f"Current prices ({len(rows)} listings), {times_caption(zone)}")
    for column in ("shop", "product", "sku", "price", "list price", "stock", "since", "seen"):
        table.add_column(
            column, no_wrap=column != "product", min_width=24 if column == "product" else None
        )
    for r in rows:
        table.add_row(
            r.shop,
            (r.title or r.url)[:60] + (" [red](suspect)[/]" if r.suspect else ""),
            r.sku or "-",
            _money(r.price, r.currency),
            _money(r.list_price, r.currency),
            _availability(r.availability),
            when(r.since, zone),
            when(r.last_seen, zone),
        )
    console().print(table)


def print_changes(
    rows: Sequence[Any], *, as_json: bool = False, zone: tzinfo | None = None
) -> None:
    if as_json:
        _json_lines(rows)
        return
    if not rows:
        click.echo("no price or stock changes in that period")
        return
    table = Table(title=f"Changes ({len(rows)}), {times_caption(zone)}")
    for column in ("shop", "product", "old", "new", "change", "stock", "at"):
        table.add_column(
            column, no_wrap=column != "product", min_width=24 if column == "product" else None
        )
    for r in sorted(rows, key=lambda r: (r.shop, r.title or r.url, r.at)):
        if r.percent is None or r.percent == 0:
            change = "-"
        else:
            color = "green" if r.percent < 0 else "red"
            change = f"[{color}]{r.percent:+.1f}%[/]"
        stock = (
            _availability(r.new_availability)
            if r.old_availability == r.new_availability
            else f"{_availability(r.old_availability)} → {_availability(r.new_availability)}"
        )
        table.add_row(
            r.shop,
            (r.title or r.url)[:60] + (" [red](suspect)[/]" if r.suspect else ""),
            _money(r.old_price, r.old_currency),
            _money(r.new_price, r.currency),
            change,
            stock,
            when(r.at, zone),
        )
    console().print(table)


def print_history(
    found: Sequence[tuple[Any, Sequence[Any]]],
    *,
    as_json: bool = False,
    zone: tzinfo | None = None,
) -> None:
    if as_json:
        for listing, observations in found:
            data = {k: _jsonable(v) for k, v in dataclasses.asdict(listing).items()}
            data["observations"] = [
                {k: _jsonable(v) for k, v in dataclasses.asdict(o).items()} for o in observations
            ]
            click.echo(json.dumps(data, ensure_ascii=False, default=str))
        return
    out = console()
    for listing, observations in found:
        title = f"{listing.shop}: {listing.title or listing.url}"
        if listing.gone_at:
            title += f" (gone since {when(listing.gone_at, zone)})"
        table = Table(title=f"{title} ({times_caption(zone)})", caption=listing.url)
        for column in ("from", "to", "price", "list price", "stock", "source", "note"):
            table.add_column(column, no_wrap=True)
        for o in observations:
            table.add_row(
                when(o.first_seen, zone),
                when(o.last_seen, zone),
                _money(o.price, o.currency),
                _money(o.list_price, o.currency),
                _availability(o.availability),
                o.extracted_by or "-",
                "[red]suspect[/]" if o.suspect else "",
            )
        out.print(table)
