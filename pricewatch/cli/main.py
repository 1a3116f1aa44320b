"""The ``pricewatch`` command line.

Every command has ``--help``. Errors print as one line (``error: ...``) with a non-zero exit;
``pricewatch --debug ...`` shows the traceback instead.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click
from sqlalchemy.exc import OperationalError

from pricewatch.errors import PricewatchError

F = TypeVar("F", bound=Callable[..., Any])


def parse_settings(pairs: Sequence[str]) -> dict[str, str]:
    """``-s NAME=VALUE`` options (as ``scrapy crawl -s``)."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r}: expected NAME=VALUE", param_hint="-s")
        out[name.strip()] = value
    return out


def _shop_urls(pairs: Sequence[str]) -> dict[str, str]:
    """``--base-url SHOP=URL`` options."""
    out = {}
    for pair in pairs:
        name, _, url = pair.partition("=")
        parts = urlsplit(url)
        if not name or parts.scheme not in ("http", "https") or not parts.netloc:
            raise click.BadParameter(
                f"{pair!r}: expected SHOP=http://host:port/", param_hint="--base-url"
            )
        out[name] = url
    return out


def parse_since(text: str) -> datetime:
    """``2026-11-01``, ``2026-11-01T08:00``, or relative ``7d`` / ``12h``."""
    text = text.strip()
    if text[:-1].isdigit() and text[-1:] in ("d", "h"):
        amount = int(text[:-1])
        delta = timedelta(days=amount) if text.endswith("d") else timedelta(hours=amount)
        return datetime.now(UTC) - delta
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: expected a date (2026-11-01), a time (2026-11-01T08:00) or 7d / 12h",
            param_hint="--since",
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class PricewatchGroup(click.Group):
    """Turns expected errors into one clear line; ``--debug`` shows tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if ctx.meta.get("pricewatch_debug"):
                traceback.print_exc()
            elif isinstance(exc, PricewatchError):
                click.echo(f"error: {exc}", err=True)
            elif isinstance(exc, OperationalError):
                reason = str(exc.orig or exc).strip().splitlines()[0]
                click.echo(f"error: cannot use the database: {reason}", err=True)
            else:
                click.echo(
                    f"error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                    err=True,
                )
            ctx.exit(1)


@click.group(cls=PricewatchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.version_option(package_name="pricewatch")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """pricewatch: competitor price and stock monitoring.

    Database: PRICEWATCH_DB_URL (default: SQLite file var/pricewatch.db).
    """
    ctx.meta["pricewatch_debug"] = debug


# ---------------------------------------------------------------------------- crawl


@cli.command()
@click.argument("shops", nargs=-1)
@click.option("--all", "all_shops", is_flag=True, help="Crawl every shop.")
@click.option("--url", "urls", multiple=True, help="Fetch only these product URLs (one shop).")
@click.option(
    "--base-url",
    "base_urls",
    multiple=True,
    metavar="SHOP=URL",
    help="Crawl SHOP at another host (staging copy, demo port).",
)
@click.option(
    "-s", "settings", multiple=True, metavar="NAME=VALUE", help="Scrapy/pricewatch setting."
)
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log (INFO).")
def crawl(
    shops: tuple[str, ...],
    all_shops: bool,
    urls: tuple[str, ...],
    base_urls: tuple[str, ...],
    settings: tuple[str, ...],
    verbose: bool,
) -> None:
    """Crawl SHOPS (or --all) and store prices; prints a summary per shop."""
    from pricewatch.cli.logs import attach_progress_logging
    from pricewatch.crawl.process import run_crawls
    from pricewatch.shops import get_shop, load_shops

    known = load_shops()
    if all_shops:
        shops = tuple(sorted(known))
    if not shops:
        raise click.UsageError("name at least one shop (see 'pricewatch shops list') or --all")
    if urls and len(shops) != 1:
        raise click.UsageError("--url needs exactly one shop")
    chosen = [get_shop(name, known) for name in shops]
    kwargs: dict[str, dict[str, str]] = {name: {} for name in shops}
    for name, url in _shop_urls(base_urls).items():
        if name not in kwargs:
            raise click.BadParameter(f"{name!r} is not being crawled", param_hint="--base-url")
        kwargs[name]["base_url"] = url
    if urls:
        kwargs[shops[0]]["urls"] = ",".join(urls)
    overrides: dict[str, Any] = {"LOG_LEVEL": "INFO" if verbose else "WARNING"}
    overrides.update(parse_settings(settings))
    attach_progress_logging(verbose)
    click.echo(f"crawling {', '.join(shops)} ...", err=True)
    all_stats = run_crawls(chosen, settings=overrides, spider_kwargs=kwargs)
    failed = False
    for name, stats in all_stats.items():
        reason = stats.get("finish_reason", "?")
        failed |= reason != "finished"
        failures = {
            k.rsplit("/", 1)[-1]: v
            for k, v in stats.items()
            if k.startswith("pricewatch/failures/")
        }
        click.echo(
            f"{name}: {reason}; {stats.get('response_received_count', 0)} pages, "
            f"{stats.get('pricewatch/store/new_observations', 0)} new prices, "
            f"{stats.get('pricewatch/store/unchanged', 0)} unchanged, "
            f"{stats.get('pricewatch/store/gone', 0)} gone, "
            f"{stats.get('pricewatch/store/suspect', 0)} suspect, "
            f"{sum(failures.values())} failures"
            + (
                f" ({', '.join(f'{k}: {v}' for k, v in sorted(failures.items()))})"
                if failures
                else ""
            )
            + f" [run {stats.get('pricewatch/run_id', '?')}]"
        )
    if failed:
        sys.exit(1)


# ---------------------------------------------------------------------------- extract


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--render", is_flag=True, help="Render every page in Chromium first.")
@click.option("--currency", help="Currency to assume when a page does not say (ISO code).")
@click.option("--shop", help="Read every URL with this shop's rules (default: by URL).")
@click.option(
    "--base-url",
    "base_urls",
    multiple=True,
    metavar="SHOP=URL",
    help="URLs on this host belong to SHOP (staging copy, demo port).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per URL, one per line.")
@click.option(
    "-s", "settings", multiple=True, metavar="NAME=VALUE", help="Scrapy/pricewatch setting."
)
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log (INFO).")
def extract(
    urls: tuple[str, ...],
    render: bool,
    currency: str | None,
    shop: str | None,
    base_urls: tuple[str, ...],
    as_json: bool,
    settings: tuple[str, ...],
    verbose: bool,
) -> None:
    """Fetch URLS the way crawls do and print what pricewatch sees on each page."""
    from pricewatch.crawl.process import run_extract
    from pricewatch.money import normalize_currency
    from pricewatch.shops import get_shop, load_shops

    known = load_shops()
    if shop:
        get_shop(shop, known)
    shop_hosts = {}
    for name, url in _shop_urls(base_urls).items():
        get_shop(name, known)
        shop_hosts[urlsplit(url).netloc] = name

    if currency is not None:
        code = normalize_currency(currency)
        if code is None:
            raise click.BadParameter(f"{currency!r} is not a currency", param_hint="--currency")
        currency = code
    overrides: dict[str, Any] = {"LOG_LEVEL": "INFO" if verbose else "ERROR"}
    overrides.update(parse_settings(settings))
    results = run_extract(
        urls,
        render=render,
        currency=currency,
        shop=shop,
        shop_hosts=shop_hosts,
        settings=overrides,
    )
    if as_json:
        for extraction, shop in results:
            click.echo(json.dumps({**extraction.as_json(), "shop": shop}, ensure_ascii=False))
    else:
        for extraction, shop in results:
            _print_extraction(extraction, shop)
    if all(e.error for e, _ in results):
        sys.exit(1)


def _print_extraction(extraction: Any, shop: str | None) -> None:
    data = extraction.as_json()
    click.echo(click.style(data.pop("url"), bold=True))
    if shop and shop != "adhoc":
        click.echo(f"  {'shop':<13} {shop}")
    for key, value in data.items():
        if value in (None, "", 0) and key not in ("price", "error"):
            continue
        if key == "error" and value is None:
            continue
        text = "-" if value is None else str(value)
        if key == "error":
            text = click.style(text, fg="red")
        click.echo(f"  {key:<13} {text}")


# ---------------------------------------------------------------------------- shops


@cli.group()
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


@cli.command()
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
    """Write a shop file, its offline test and a fixture page for SLUG at URL."""
    from pricewatch.genspider import generate

    currency = currency.upper() if currency else None
    for path in generate(slug, url, platform=platform, currency=currency, force=force):
        click.echo(f"wrote {path}")


# ---------------------------------------------------------------------------- reading the DB


@cli.command()
@click.option("--shop", help="Only this shop.")
@click.option("--since", help="Show price changes since a date (2026-11-01) or 7d / 12h.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
def prices(shop: str | None, since: str | None, as_json: bool) -> None:
    """Current prices, or with --since the changes since then."""
    from pricewatch.cli.tables import print_changes, print_current
    from pricewatch.db.store import Store

    store = Store.from_url()
    if since:
        print_changes(store.changes_since(parse_since(since), shop=shop), as_json=as_json)
    else:
        print_current(store.current_prices(shop=shop), as_json=as_json)


@cli.command()
@click.argument("url_or_sku")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
def history(url_or_sku: str, as_json: bool) -> None:
    """Price and stock history of one listing (by URL) or of every listing with a SKU."""
    from pricewatch.cli.tables import print_history
    from pricewatch.db.store import Store

    found = Store.from_url().history(url_or_sku)
    if not found:
        raise PricewatchError(f"no listing with URL or SKU {url_or_sku!r}")
    print_history(found, as_json=as_json)


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations up to the newest (also done automatically on first use)."""
    from pricewatch.db.engine import database_url, upgrade

    revision = upgrade()
    click.echo(f"database {database_url()} at revision {revision}")


# ---------------------------------------------------------------------------- demo


@cli.command()
@click.option("--serve", is_flag=True, help="Only serve the demo shops until Ctrl-C.")
@click.option("--port", default=8801, show_default=True, help="Port of the first demo shop.")
def demo(serve: bool, port: int) -> None:
    """Offline demo: serve three shops locally, crawl twice, show what changed."""
    from pricewatch.demo.run import run_demo, serve_forever

    if serve:
        serve_forever(port)
    else:
        run_demo(port)


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(args=list(argv) if argv is not None else None, prog_name="pricewatch")


if __name__ == "__main__":
    main()
