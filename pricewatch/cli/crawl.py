"""``pricewatch crawl`` and ``pricewatch extract``: the commands that fetch pages.

Both check every command-line value before fetching anything (``-s`` values by the setting's
type, URLs, ``--base-url``); without ``-v`` Scrapy's log is replaced by one line per problem.
``crawl`` exits with :class:`~pricewatch.cli.errors.ExitCode` (see
:mod:`pricewatch.cli.summary`).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import click

from pricewatch.cli.errors import ExitCode
from pricewatch.cli.options import (
    check_url,
    checked_settings,
    fetch_options,
    named_shop,
    shop_urls,
)
from pricewatch.cli.tables import amount_text

#: Failed URLs listed after a crawl, per shop; the rest are in ``pricewatch runs show ID``.
MAX_LISTED_FAILURES = 10


def _shop_hosts(shop: Any, base_url: str | None) -> list[str]:
    """Host names a shop's pages may be on (its start URLs' hosts, ``allowed_domains``)."""
    if base_url:
        return [urlsplit(base_url).hostname or ""]
    urls = [*shop.start_urls, *shop.sitemap_urls]
    hosts = {urlsplit(u).hostname or "" for u in urls}
    hosts.update(getattr(shop, "allowed_domains", None) or [])
    return sorted(h for h in hosts if h)


def _check_product_urls(shop: Any, urls: tuple[str, ...], base_url: str | None) -> None:
    hosts = _shop_hosts(shop, base_url)
    for url in urls:
        host = urlsplit(check_url(url, "--url")).hostname or ""
        if not any(host == h or host.endswith("." + h) for h in hosts):
            raise click.BadParameter(
                f"{url} is not on {shop.name}'s host ({', '.join(hosts)}); "
                "--base-url SHOP=URL crawls a shop at another host",
                param_hint="--url",
            )


def _find_served_demo(kwargs: dict[str, dict[str, str]]) -> None:
    """Demo shops moved by ``pricewatch demo --serve --port N`` are crawled where they are."""
    if not any(name.startswith("demo_") for name in kwargs):
        return
    from pricewatch.demo.run import served_demo_urls

    for name, url in served_demo_urls().items():
        if name in kwargs and "base_url" not in kwargs[name]:
            kwargs[name]["base_url"] = url
            click.echo(f"{name}: at {url} (served by 'pricewatch demo --serve')", err=True)


def _list_failures(run_id: int | None, db_url: str | None) -> None:
    if run_id is None:
        return
    from pricewatch.db.store import Store

    with Store.from_url(db_url, read_only=True) as store:
        failures = store.failures(int(run_id))
    for failure in failures[:MAX_LISTED_FAILURES]:
        detail = f" ({failure.detail})" if failure.detail else ""
        click.echo(f"  {failure.url}: {failure.reason}{detail}", err=True)
    if len(failures) > MAX_LISTED_FAILURES:
        more = len(failures) - MAX_LISTED_FAILURES
        click.echo(f"  ... and {more} more: pricewatch runs show {run_id}", err=True)


@click.command()
@click.argument("shops", nargs=-1)
@click.option("--all", "all_shops", is_flag=True, help="Crawl every shop.")
@click.option("--url", "urls", multiple=True, help="Fetch only these product URLs (one shop).")
@fetch_options("Crawl SHOP at another host (staging copy, demo port).")
@click.pass_context
def crawl(
    ctx: click.Context,
    shops: tuple[str, ...],
    all_shops: bool,
    urls: tuple[str, ...],
    base_urls: tuple[str, ...],
    settings: tuple[str, ...],
    verbose: bool,
) -> None:
    """Crawl SHOPS (or --all) and store prices; prints a summary per shop.

    Exit status: 0 all stored, 1 some pages failed, 2 bad command line, 3 a shop stored
    nothing (unreachable, no product pages found), 130 stopped with Ctrl-C.
    """
    from pricewatch.cli.logs import attach_problem_logging, attach_progress_logging
    from pricewatch.cli.summary import summarize, worst
    from pricewatch.crawl.process import run_crawls
    from pricewatch.shops import load_shops

    known = load_shops()
    if all_shops:
        shops = tuple(sorted(known))
    if not shops:
        raise click.UsageError("name at least one shop (see 'pricewatch shops list') or --all")
    if urls and len(shops) != 1:
        raise click.UsageError("--url needs exactly one shop")
    chosen = [named_shop(name, known) for name in shops]
    kwargs: dict[str, dict[str, str]] = {name: {} for name in shops}
    for name, url in shop_urls(base_urls).items():
        if name not in kwargs:
            raise click.BadParameter(f"{name!r} is not being crawled", param_hint="--base-url")
        kwargs[name]["base_url"] = url
    _find_served_demo(kwargs)
    if urls:
        _check_product_urls(chosen[0], urls, kwargs[shops[0]].get("base_url"))
        kwargs[shops[0]]["urls"] = ",".join(u.strip() for u in urls)
    given = checked_settings(settings)
    overrides: dict[str, Any] = attach_problem_logging(verbose, quiet=shops)
    overrides.update(given)
    attach_progress_logging(verbose)
    click.echo(f"crawling {', '.join(shops)} ...", err=True)
    all_stats = run_crawls(chosen, settings=overrides, spider_kwargs=kwargs)
    codes = []
    for name, stats in all_stats.items():
        summary = summarize(name, stats)
        click.echo(summary.line)
        if summary.failures:
            _list_failures(summary.run_id, given.get("PRICEWATCH_DB_URL"))
        if summary.problem:
            click.echo(f"warning: {name}: nothing stored: {summary.problem}", err=True)
        codes.append(summary.code)
    ctx.exit(worst(codes))


# ---------------------------------------------------------------------------- extract

#: ``extract --json`` keys, in the order the README documents.
EXTRACT_KEYS = (
    "url",
    "title",
    "price",
    "currency",
    "list_price",
    "availability",
    "availability_by",
    "availability_confidence",
    "sku",
    "gtin",
    "mpn",
    "brand",
    "image",
    "extracted_by",
    "confidence",
    "offer_note",
    "offers_count",
    "shop",
    "error",
    "blocked",
)


def extraction_json(extraction: Any, shop: str | None) -> dict[str, Any]:
    """One ``extract --json`` object: README key order, prices with their currency's decimals."""
    data = {**extraction.as_json(), "shop": shop}
    for key in ("price", "list_price"):
        value = getattr(extraction, key)
        if value is not None:
            data[key] = amount_text(value, extraction.currency)
    return {key: data.get(key) for key in EXTRACT_KEYS}


@click.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--render", is_flag=True, help="Render every page in Chromium first.")
@click.option("--currency", help="Currency to assume when a page does not say (ISO code).")
@click.option("--shop", help="Read every URL with this shop's rules (default: by URL).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per URL, one per line.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Give up on a URL after this long (no retries): its error is 'timeout: ...'.",
)
@fetch_options("URLs on this host belong to SHOP (staging copy, demo port).")
@click.pass_context
def extract(
    ctx: click.Context,
    urls: tuple[str, ...],
    render: bool,
    currency: str | None,
    shop: str | None,
    base_urls: tuple[str, ...],
    as_json: bool,
    timeout: float,
    settings: tuple[str, ...],
    verbose: bool,
) -> None:
    """Fetch URLS the way crawls do and print what pricewatch sees on each page."""
    from pricewatch.cli.logs import attach_problem_logging
    from pricewatch.crawl.process import run_extract
    from pricewatch.money import normalize_currency
    from pricewatch.shops import load_shops

    urls = tuple(check_url(u, "URLS") for u in urls)
    known = load_shops()
    if shop:
        named_shop(shop, known)
    shop_hosts = {}
    for name, url in shop_urls(base_urls).items():
        named_shop(name, known)
        shop_hosts[urlsplit(url).netloc] = name

    if currency is not None:
        code = normalize_currency(currency)
        if code is None:
            raise click.BadParameter(f"{currency!r} is not a currency", param_hint="--currency")
        currency = code
    given = checked_settings(settings)
    overrides: dict[str, Any] = attach_problem_logging(verbose, quiet=["pricewatch-extract"])
    if not verbose:
        overrides["LOG_LEVEL"] = "ERROR"
    overrides.update(given)
    results = run_extract(
        urls,
        render=render,
        currency=currency,
        shop=shop,
        shop_hosts=shop_hosts,
        settings=overrides,
        timeout=timeout,
    )
    for extraction, shop_name in results:
        if as_json:
            click.echo(json.dumps(extraction_json(extraction, shop_name), ensure_ascii=False))
        else:
            _print_extraction(extraction, shop_name)
    if all(e.error for e, _ in results):
        ctx.exit(ExitCode.FAILED)


def _print_extraction(extraction: Any, shop: str | None) -> None:
    data = extraction_json(extraction, shop)
    click.echo(click.style(data.pop("url"), bold=True))
    if data.pop("shop") not in (None, "adhoc"):
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
