"""The measured crawls: the bare spider and the full pricewatch path, each run in a child process.

``crawl_throughput.py --mode bare|full`` (started by the benchmark, once per run) lands in
:func:`child_main`, which crawls the shop's product URLs and writes its figures to ``--out``
as JSON. Both variants get :data:`COMMON_SETTINGS`:

* :func:`run_bare`: a plain ``scrapy.Spider`` on Scrapy's defaults, two CSS selectors (title,
  price text), no pipelines, no extraction library;
* :func:`run_full`: a :class:`pricewatch.platforms.StructuredDataSpider` subclass given the
  URLs through its ``urls`` argument, run by pricewatch's ``run_crawls`` on the project's
  settings, with ``ValidatePipeline`` + ``StorePipeline`` writing to the SQLite file ``--db``.

:func:`_timed` adds the clock to either spider: pages/s = responses / (spider_closed - first
response), and the process's CPU time (all threads) over the same interval. At spider_closed
it runs ``gc.collect()`` first (parsed pages held by reference cycles would otherwise be freed,
and paid for, after the clock stops) and reads the RSS of the helper processes the crawl
started (:func:`descendants`). :func:`child_main` adds the peak RSS (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from _procfs import descendant_pids, process_table

from throughput.shop import CURRENCY, SHOP, product_urls

SpiderT = TypeVar("SpiderT")

CONCURRENCY = 32

#: Settings both variants share (the full variant puts them over the project's settings).
COMMON_SETTINGS: dict[str, Any] = {
    "CONCURRENT_REQUESTS": CONCURRENCY,
    "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "ROBOTSTXT_OBEY": False,
    "LOG_LEVEL": "WARNING",
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
}


def descendants() -> dict[str, int]:
    """``{"name[pid]": RSS KiB}`` of every live descendant process of this one (Linux /proc)."""
    found: dict[str, int] = {}
    for child in descendant_pids(os.getpid(), process_table()):
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        rss = fields.get("VmRSS", "0 kB").split()[0]
        try:
            argv0 = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")[0].decode()
        except OSError:
            argv0 = ""
        name = Path(argv0).name or fields.get("Name", "?").strip()
        found[f"{name}[{child}]"] = int(rss)
    return found


def _timed(spider_cls: type[SpiderT]) -> type[SpiderT]:
    """Add the benchmark's clock to a spider class: first response and close, in its stats."""
    from scrapy import signals

    class Timed(spider_cls):  # type: ignore[valid-type, misc]
        abstract = True  # for ProductSpider: this intermediate class is no shop

        @classmethod
        def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
            spider = super().from_crawler(crawler, *args, **kwargs)

            def response_received() -> None:
                if crawler.stats.get_value("bench/first_response") is None:
                    # time.monotonic is CLOCK_MONOTONIC: comparable with the parent's clock.
                    crawler.stats.set_value("bench/first_response", time.monotonic())
                    crawler.stats.set_value("bench/first_response_cpu", time.process_time())

            def spider_closed() -> None:
                # Parsed pages caught in reference cycles (Scrapy's response <-> selector) wait
                # for the cyclic GC: free them now, so every variant pays for all its pages.
                gc.collect()
                crawler.stats.set_value("bench/closed", time.monotonic())
                crawler.stats.set_value("bench/closed_cpu", time.process_time())
                # Helper processes still run now (download handlers close later).
                helpers = descendants()
                crawler.stats.set_value("bench/helpers", " ".join(sorted(helpers)))
                crawler.stats.set_value("bench/helpers_rss_kib", sum(helpers.values()))

            crawler.signals.connect(response_received, signal=signals.response_received)
            crawler.signals.connect(spider_closed, signal=signals.spider_closed)
            # Signal receivers are weak references: keep these alive with the spider.
            spider.bench_receivers = (response_received, spider_closed)
            return spider

    return Timed


def run_bare(
    urls: list[str], extra: Mapping[str, Any]
) -> tuple[dict[str, Any], list[list[str | None]]]:
    """Scrapy's defaults + the common settings; CSS title and price, nothing else."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    scraped: list[list[str | None]] = []

    class BareSpider(scrapy.Spider):
        name = "bare"
        start_urls = urls

        def parse(self, response: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
            title = response.css("h1.title::text").get()
            price = response.css("span.price::text").get()
            scraped.append([response.url, title, price])
            yield {"url": response.url, "title": title, "price": price}

    process = CrawlerProcess({**COMMON_SETTINGS, **extra})
    crawler = process.create_crawler(_timed(BareSpider))
    process.crawl(crawler)
    process.start()
    return dict(crawler.stats.get_stats()), scraped


def run_full(urls: list[str], db_url: str, extra: Mapping[str, Any]) -> dict[str, Any]:
    """The pricewatch path: project settings, a StructuredDataSpider, validate + store."""
    from pricewatch.crawl.process import run_crawls
    from pricewatch.platforms import StructuredDataSpider

    class BenchShop(StructuredDataSpider):
        abstract = True

    shop = _timed(BenchShop)
    shop.name = SHOP
    shop.start_urls = ["http://127.0.0.1/"]
    shop.currency = CURRENCY
    shop.product_url_pattern = r"/item/\d+\.html$"
    shop.abstract = False
    shop.check_definition()

    overrides = {
        **COMMON_SETTINGS,
        "PRICEWATCH_PROGRESS_INTERVAL": 0,
        "PRICEWATCH_DB_URL": db_url,
        **extra,
    }
    stats = run_crawls([shop], settings=overrides, spider_kwargs={SHOP: {"urls": ",".join(urls)}})
    return stats[SHOP]


def parse_settings(pairs: list[str]) -> dict[str, Any]:
    """``["CONCURRENT_ITEMS=16", "USER_AGENT=x"]`` -> settings (values as JSON when they parse)."""
    settings: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"--set {pair!r}: expected NAME=VALUE")
        try:
            settings[name] = json.loads(raw)
        except ValueError:
            settings[name] = raw
    return settings


def child_main(args: argparse.Namespace) -> int:
    urls = product_urls(args.port, args.pages)
    scraped: list[list[str | None]] = []
    extra = parse_settings(args.set)
    if args.mode == "bare":
        stats, scraped = run_bare(urls, extra)
    else:
        stats = run_full(urls, args.db, extra)
    first, closed = stats.get("bench/first_response"), stats.get("bench/closed")
    responses = int(stats.get("response_received_count", 0))
    elapsed = (closed - first) if first is not None and closed is not None else None
    cpu_first, cpu_closed = stats.get("bench/first_response_cpu"), stats.get("bench/closed_cpu")
    cpu = (cpu_closed - cpu_first) if cpu_first is not None and cpu_closed is not None else None
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "mode": args.mode,
        "responses": responses,
        "first_response": first,
        "elapsed_s": elapsed,
        "pages_per_s": responses / elapsed if elapsed else 0.0,
        # CPU seconds of the whole process (all threads) over the same interval.
        "cpu_s": cpu,
        "pages_per_cpu_s": responses / cpu if cpu else 0.0,
        "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        # Helper processes this crawl started (none for Scrapy alone), seen at spider_closed.
        "helpers": stats.get("bench/helpers", ""),
        "helpers_rss_kib": stats.get("bench/helpers_rss_kib", 0),
        # CPU of the helpers (and anything else) this process started and reaped.
        "children_cpu_s": children.ru_utime + children.ru_stime,
        "stats": {k: v for k, v in stats.items() if isinstance(v, int | float | str)},
        "scraped": scraped,
    }
    Path(args.out).write_text(json.dumps(result, default=str))
    return 0
