"""The crawl benchmark's correctness checks: a figure measured on a broken crawl means nothing.

After every crawl the benchmark calls :func:`check_bare` or :func:`check_full` on the child's
result (and counts the server's requests itself); each raises :class:`BenchFailure` naming up
to ten problems. Both require one response, one HTTP 200 and one item per page, no errors
logged, a finished crawl and a recorded timing. The bare spider's titles and price texts must
equal the catalogue's; the full run's database (``Store.current_prices``) must hold one
listing per page with exactly the catalogue's title, price, currency, availability and SKU, in
one finished crawl run without failures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from throughput.shop import CURRENCY, SHOP, Product, product_urls


class BenchFailure(Exception):
    """The crawl under measurement is broken: its figure means nothing."""


def _check_stats(result: Mapping[str, Any], pages: int) -> list[str]:
    stats = result["stats"]
    problems = []
    if result["responses"] != pages:
        problems.append(f"{result['responses']} responses, expected {pages}")
    if stats.get("downloader/response_status_count/200", 0) != pages:
        problems.append(
            f"{stats.get('downloader/response_status_count/200', 0)} HTTP 200, expected {pages}"
        )
    if stats.get("item_scraped_count", 0) != pages:
        problems.append(f"{stats.get('item_scraped_count', 0)} items, expected {pages}")
    for key in ("log_count/ERROR", "log_count/CRITICAL", "spider_exceptions"):
        if stats.get(key):
            problems.append(f"{key} = {stats[key]}")
    if stats.get("finish_reason") != "finished":
        problems.append(f"finish_reason = {stats.get('finish_reason')!r}")
    if not result["elapsed_s"]:
        problems.append("no timing recorded")
    return problems


def check_bare(result: Mapping[str, Any], catalog: list[Product], port: int) -> None:
    problems = _check_stats(result, len(catalog))
    expected = {url: p for url, p in zip(product_urls(port, len(catalog)), catalog, strict=True)}
    seen: set[str] = set()
    for url, title, price in result["scraped"]:
        product = expected.get(url)
        if product is None:
            problems.append(f"unexpected URL {url}")
        elif url in seen:
            problems.append(f"{url} scraped twice")
        elif (title, price) != (product.title, product.price_text):
            problems.append(
                f"{url}: got {title!r} {price!r}, expected {product.title!r} {product.price_text!r}"
            )
        seen.add(url)
    if len(seen) != len(catalog):
        problems.append(f"{len(seen)} distinct pages scraped, expected {len(catalog)}")
    if problems:
        raise BenchFailure("bare crawl: " + "; ".join(problems[:10]))


def check_full(result: Mapping[str, Any], catalog: list[Product], port: int, db_url: str) -> None:
    from pricewatch.db.store import Store

    problems = _check_stats(result, len(catalog))
    stats = result["stats"]
    if stats.get("pricewatch/store/new_observations", 0) != len(catalog):
        problems.append(
            f"{stats.get('pricewatch/store/new_observations', 0)} observations stored, "
            f"expected {len(catalog)}"
        )
    expected = {url: p for url, p in zip(product_urls(port, len(catalog)), catalog, strict=True)}
    with Store.from_url(db_url) as store:
        current = store.current_prices(SHOP)
        runs = store.runs(5)
    if len(current) != len(catalog):
        problems.append(f"{len(current)} current prices in the database, expected {len(catalog)}")
    for row in current:
        product = expected.pop(row.url, None)
        if product is None:
            problems.append(f"unexpected or duplicate listing {row.url}")
            continue
        got = (row.title, row.price, row.currency, row.availability, row.sku)
        want = (product.title, product.price, CURRENCY, product.availability, product.sku)
        if got != want:
            problems.append(f"{row.url}: stored {got}, expected {want}")
    if expected:
        problems.append(
            f"{len(expected)} pages missing from the database, e.g. {next(iter(expected))}"
        )
    if len(runs) != 1:
        problems.append(f"{len(runs)} crawl runs in the database, expected 1")
    else:
        run = runs[0]
        if (run.status, run.failures, run.items_scraped) != ("finished", 0, len(catalog)):
            problems.append(
                f"crawl run {run.id}: status {run.status}, {run.failures} failures "
                f"{run.failures_by_reason}, {run.items_scraped} items"
            )
    if problems:
        raise BenchFailure("full crawl: " + "; ".join(problems[:10]))
