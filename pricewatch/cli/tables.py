"""Terminal tables (rich) and JSON lines for the CLI's reading commands."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import click
from rich.console import Console
from rich.table import Table

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


def _money(amount: Decimal | None, currency: str | None) -> str:
    if amount is None:
        return "-"
    return f"{amount:,} {currency or ''}".strip()


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "-"


def _availability(value: str) -> str:
    return f"[{_AVAILABILITY_STYLE.get(value, 'dim')}]{value}[/]"


def _console() -> Console:
    # Piped output (logs, CI) gets a fixed, wide layout instead of rich's 80 columns.
    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal:
        console = Console(highlight=False, soft_wrap=False, width=160)
    return console


def print_current(rows: Sequence[Any], *, as_json: bool = False) -> None:
    if as_json:
        _json_lines(rows)
        return
    if not rows:
        click.echo("no prices stored yet: run 'pricewatch crawl SHOP' (or 'pricewatch demo')")
        return
    table = Table(title=f"Current prices ({len(rows)} listings)")
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
            _when(r.since),
            _when(r.last_seen),
        )
    _console().print(table)


def print_changes(rows: Sequence[Any], *, as_json: bool = False) -> None:
    if as_json:
        _json_lines(rows)
        return
    if not rows:
        click.echo("no price or stock changes in that period")
        return
    table = Table(title=f"Changes ({len(rows)})")
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
            _when(r.at),
        )
    _console().print(table)


def print_history(found: Sequence[tuple[Any, Sequence[Any]]], *, as_json: bool = False) -> None:
    if as_json:
        for listing, observations in found:
            data = {k: _jsonable(v) for k, v in dataclasses.asdict(listing).items()}
            data["observations"] = [
                {k: _jsonable(v) for k, v in dataclasses.asdict(o).items()} for o in observations
            ]
            click.echo(json.dumps(data, ensure_ascii=False, default=str))
        return
    console = _console()
    for listing, observations in found:
        title = f"{listing.shop}: {listing.title or listing.url}"
        if listing.gone_at:
            title += f" (gone since {_when(listing.gone_at)})"
        table = Table(title=title, caption=listing.url)
        for column in ("from", "to", "price", "list price", "stock", "source", "note"):
            table.add_column(column, no_wrap=True)
        for o in observations:
            table.add_row(
                _when(o.first_seen),
                _when(o.last_seen),
                _money(o.price, o.currency),
                _money(o.list_price, o.currency),
                _availability(o.availability),
                o.extracted_by or "-",
                "[red]suspect[/]" if o.suspect else "",
            )
        console.print(table)
