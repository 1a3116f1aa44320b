"""Crawl throughput: a bare Scrapy spider vs. the full pricewatch path, on the same local shop.

To run: .venv/bin/python bench/crawl_throughput.py [--pages 2000] [--repeat 1]

What happens in one run:

1. A generated shop of ``--pages`` product pages (20-60 KB of HTML each: navigation, inline CSS
   and JS, related-product cards, a schema.org ``Product`` JSON-LD block, ``<h1 class="title">``
   and ``<span class="price">¥1,299.00</span>``) is rendered once, in memory, inside a separate
   server process (multiprocessing, so it runs on the other core). The server is a minimal
   asyncio HTTP/1.1 keep-alive server on 127.0.0.1 that answers from a dict of pre-built
   responses (gzip-compressed when the client accepts it, as shops do); it is not the
   bottleneck: its CPU use during each crawl is printed next to the crawl's figures.
2. Each variant crawls exactly the same product URLs (a start URL list, no listing pages) in
   its own child process (Twisted's reactor cannot restart), with the same concurrency:
   ``CONCURRENT_REQUESTS = CONCURRENT_REQUESTS_PER_DOMAIN = 32``, AutoThrottle off,
   robots.txt not fetched, ``LOG_LEVEL = WARNING``:

   * ``bare``: a plain ``scrapy.Spider`` with Scrapy's default settings, two CSS selectors
     (title, price text), no pipelines, no extraction library;
   * ``full``: a :class:`pricewatch.platforms.StructuredDataSpider` subclass given the URLs
     through its ``urls`` argument, run by :func:`pricewatch.runner.run_crawls` with the
     project's settings (download handler, middlewares, extensions) and the project's
     ``ValidatePipeline`` + ``StorePipeline`` writing to a fresh SQLite file in a temp dir.

3. Each child measures its own throughput: pages/s = responses / (time of the spider_closed
   signal - time of the first response). The interval therefore excludes interpreter start,
   imports, the database migration and the first connection, and includes the pipelines'
   final flush (Scrapy closes pipelines before it sends spider_closed) and a final
   ``gc.collect()`` (parsed pages held by reference cycles would otherwise be freed, and paid
   for, after the clock stops, flattering whichever variant leaves more garbage behind). Over
   the same interval it measures its CPU time (all threads, so the store's writer thread
   counts): pages per CPU-second is much less sensitive than pages/s to other load on a
   shared machine. It also
   reports its peak RSS (``getrusage(RUSAGE_SELF).ru_maxrss``) and, separately, the RSS of
   the helper processes it started (read from /proc at spider_closed: the full path's
   scrapy-playwright download handlers start Playwright's node driver), plus how long the
   process took and how long until its first response.
4. The parent checks correctness and exits 1 when a crawl is broken: the server answered
   exactly one request per page, every page came back with status 200, no errors were
   logged, the bare spider's titles and price texts equal the generated ones, and the full
   run's database (``Store.current_prices``) holds one listing per page with exactly the
   generated title, price, currency, availability and SKU, in a finished run without failures.

``--repeat K`` runs bare, full, bare, full, ... K times each and reports the medians. The last
line is ``pages/s bare=<n> full=<n> ratio=<full/bare>``; the target is ratio >= 0.7, reported
but not enforced (the machine may be noisy).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import gzip
import html
import json
import multiprocessing
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

SpiderT = TypeVar("SpiderT")

DEFAULT_PAGES = 2000
DEFAULT_SEED = 20240601
CONCURRENCY = 32
TARGET_RATIO = 0.7
SHOP = "bench"
CURRENCY = "CNY"
CHILD_TIMEOUT_S = 900

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

_AVAILABILITY = (
    # (schema.org value, pricewatch value, visible text, weight)
    ("https://schema.org/InStock", "in_stock", "现货 In stock", 85),
    ("https://schema.org/OutOfStock", "out_of_stock", "暂时缺货 Out of stock", 10),
    ("https://schema.org/PreOrder", "preorder", "预售 Pre-order", 5),
)
_BRANDS = ("星河", "Lantern", "云尚", "Hongxing", "北辰", "Acme", "青木", "Nordlys")
_KINDS = (
    "无线降噪耳机",
    "Mechanical Keyboard",
    "智能手表",
    "Espresso Machine",
    "空气净化器",
    "Trail Running Shoes",
    "电动牙刷",
    "4K Monitor",
    "保温杯",
    "Robot Vacuum",
)
_WORDS = tuple(
    " ".join(
        (
            "轻薄 高性能 长续航 快充 防水 降噪 蓝牙 5.3 铝合金 机身 人体工学 静音 大容量 智能",
            "premium durable lightweight wireless ergonomic compact stainless recycled warranty",
            "official genuine free shipping 包邮 正品 保障 七天 无理由 退换",
        )
    ).split()
)


# --------------------------------------------------------------------------------------------
# The generated shop


@dataclass(frozen=True, slots=True)
class Product:
    index: int
    sku: str
    title: str
    price: Decimal
    schema_availability: str
    availability: str
    availability_text: str

    @property
    def path(self) -> str:
        return product_path(self.index)

    @property
    def price_text(self) -> str:
        return f"¥{self.price:,.2f}"


def product_path(index: int) -> str:
    return f"/item/{index:06d}.html"


def product_urls(port: int, pages: int) -> list[str]:
    return [f"http://127.0.0.1:{port}{product_path(i)}" for i in range(pages)]


def make_catalog(pages: int, seed: int = DEFAULT_SEED) -> list[Product]:
    """The shop's products; deterministic for a given ``pages`` and ``seed``."""
    rng = random.Random(seed)
    weights = [a[3] for a in _AVAILABILITY]
    products = []
    for index in range(pages):
        brand, kind = rng.choice(_BRANDS), rng.choice(_KINDS)
        model = f"{rng.choice('ABCDEFGHKMNPRSTX')}{rng.randint(1, 99)}"
        schema, value, text, _ = rng.choices(_AVAILABILITY, weights)[0]
        products.append(
            Product(
                index=index,
                sku=f"BN-{index:06d}",
                title=f"{brand} {kind} {model} ({rng.choice(_WORDS)})",
                price=Decimal(rng.randint(990, 1_999_900)) / 100,
                schema_availability=schema,
                availability=value,
                availability_text=text,
            )
        )
    return products


def _noise(rng: random.Random, words: int) -> str:
    return html.escape(" ".join(rng.choice(_WORDS) for _ in range(words)))


def render_product_page(product: Product, catalog: list[Product], seed: int) -> str:
    """A product page of 20-60 KB that looks like a real shop's (much markup, little content)."""
    rng = random.Random(seed * 1_000_003 + product.index)
    target = rng.randint(20_000, 60_000)
    title, sku = html.escape(product.title), product.sku
    image = f"https://img.example.cn/p/{sku}"
    ld = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "sku": sku,
        "gtin13": f"69{product.index:011d}",
        "brand": {"@type": "Brand", "name": product.title.split()[0]},
        "image": [f"{image}/main.jpg"],
        "description": " ".join(rng.choice(_WORDS) for _ in range(30)),
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": f"{rng.uniform(3.5, 5):.1f}",
            "reviewCount": rng.randint(0, 5000),
        },
        "offers": {
            "@type": "Offer",
            "url": f"http://shop.example.cn{product.path}",
            "price": f"{product.price:.2f}",
            "priceCurrency": CURRENCY,
            "availability": product.schema_availability,
            "itemCondition": "https://schema.org/NewCondition",
            "seller": {"@type": "Organization", "name": "Bench Shop 基准商城"},
        },
    }
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i + 1, "name": name, "item": f"/c/{i}"}
            for i, name in enumerate(("首页", "数码", product.title.split()[1]))
        ],
    }
    config = {"page": "item", "sku": sku, "exp": [rng.randint(1, 9999) for _ in range(3)]}
    font = "-apple-system,'PingFang SC','Microsoft YaHei',sans-serif"
    head = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{title} - 基准商城 Bench Shop</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="description" content="{_noise(rng, 25)}">',
        '<meta property="og:type" content="product">',
        f'<meta property="og:title" content="{title}">',
        f'<meta property="og:image" content="{image}/main.jpg">',
        f'<link rel="canonical" href="http://shop.example.cn{product.path}">',
        f'<link rel="stylesheet" href="/static/app.{product.index % 7}.css">',
        "<style>",
        *(
            f".c{i}{{margin:{i % 7}px {i % 5}px;padding:0 {i % 3}px;"
            f"color:#{i * 2654435761 % 0xFFFFFF:06x};font:{12 + i % 6}px/1.4 {font}}}"
            for i in range(60)
        ),
        "</style>",
        f"<script>window.__CFG__={json.dumps(config)};",
        "(function(){var s=document.createElement('script');s.async=true;",
        f"s.src='/static/track.js?v={rng.randint(1, 99)}';document.head.appendChild(s);}})();",
        "</script>",
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>',
        f'<script type="application/ld+json">{json.dumps(breadcrumbs, ensure_ascii=False)}'
        "</script>",
        "</head>",
        '<body class="page-item">',
        "<!-- header -->",
        '<header class="site-header"><a class="logo" href="/">基准商城</a>',
        '<form class="search" action="/search"><input name="q" placeholder="搜索商品">',
        "<button>搜索</button></form>",
        '<ul class="nav">',
        *(
            f'<li class="nav-item nav-item--{i}"><a class="nav-link" '
            f'href="/c/{i}?from=nav&amp;spm=a1z10.{i}.0.0">{_noise(rng, 2)}</a></li>'
            for i in range(40)
        ),
        "</ul></header>",
        '<nav class="breadcrumb"><a href="/">首页</a> &gt; <a href="/c/1">数码</a> &gt; '
        f"<span>{title}</span></nav>",
        f'<main class="product-main" data-sku="{sku}">',
        '<div class="gallery">',
        *(
            f'<img class="thumb" src="{image}/{i}.jpg" alt="{title} {i}" loading="lazy">'
            for i in range(8)
        ),
        "</div>",
        '<div class="summary">',
        f'<h1 class="title">{title}</h1>',
        f'<div class="price-box"><span class="price">{product.price_text}</span>',
        f'<span class="promo">{_noise(rng, 6)}</span></div>',
        f'<div class="stock">{product.availability_text}</div>',
        f'<div class="sku">商品编号：{sku}</div>',
        '<button class="buy" data-action="add-to-cart">加入购物车</button>',
        "</div>",
        '<section class="description">',
        "",
    ]
    foot = [
        "</section>",
        "</main>",
        '<footer class="site-footer">',
        '<div class="links">',
        *(f'<a href="/help/{i}">{_noise(rng, 2)}</a>' for i in range(24)),
        "</div>",
        '<p class="copyright">© 2024 基准商城 Bench Shop · 京ICP备00000000号</p>',
        "</footer>",
        f'<script src="/static/vendor.{product.index % 5}.js" defer></script>',
        "<script>document.querySelectorAll('.thumb').forEach(function(t){",
        "t.addEventListener('click',function(){});});</script>",
        "</body>",
        "</html>",
        "",
    ]
    top, bottom = "\n".join(head), "\n".join(foot)
    parts = [top]
    size = len(top.encode()) + len(bottom.encode())
    while size < target:
        if rng.random() < 0.3:
            chunk = f'<p class="c{rng.randint(0, 59)}">{_noise(rng, rng.randint(20, 60))}</p>\n'
        else:
            other = catalog[rng.randrange(len(catalog))]
            chunk = (
                f'<div class="card c{rng.randint(0, 59)}" data-id="{other.sku}">'
                f'<a href="{other.path}"><img src="https://img.example.cn/p/{other.sku}/s.jpg" '
                f'alt="" width="160" height="160"><span class="card-title">'
                f"{html.escape(other.title)}</span></a>"
                f'<span class="card-price">{other.price_text}</span>'
                f'<span class="card-tags">{_noise(rng, 4)}</span></div>\n'
            )
        parts.append(chunk)
        size += len(chunk.encode())
    parts.append(bottom)
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# The server (runs in its own process)


def _response(status: str, body: bytes, content_type: str, encoding: str | None = None) -> bytes:
    headers = [
        f"HTTP/1.1 {status}",
        "Server: pricewatch-bench",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
        "Cache-Control: max-age=60",
        "Vary: Accept-Encoding",
    ]
    if encoding:
        headers.append(f"Content-Encoding: {encoding}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode("latin-1") + body


class _Responses:
    """Pre-built responses by request target: (identity, gzip)."""

    def __init__(self, pages: int, seed: int) -> None:
        catalog = make_catalog(pages, seed)
        self.by_path: dict[bytes, tuple[bytes, bytes]] = {}
        self.html_bytes = 0
        for product in catalog:
            body = render_product_page(product, catalog, seed).encode()
            self.html_bytes += len(body)
            self.by_path[product.path.encode()] = (
                _response("200 OK", body, "text/html; charset=utf-8"),
                _response(
                    "200 OK",
                    gzip.compress(body, compresslevel=5, mtime=0),
                    "text/html; charset=utf-8",
                    "gzip",
                ),
            )
        robots = _response("200 OK", b"User-agent: *\nAllow: /\n", "text/plain")
        self.by_path[b"/robots.txt"] = (robots, robots)
        missing = _response("404 Not Found", b"<h1>404</h1>", "text/html; charset=utf-8")
        self.not_found = (missing, missing)


class _HttpProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive; GET/HEAD only, answers from :class:`_Responses`."""

    def __init__(self, responses: _Responses, counter: list[int]) -> None:
        self.responses = responses
        self.counter = counter
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > 65536:
                    self.transport.close()
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            request_line, _, raw_headers = head.partition(b"\r\n")
            headers = raw_headers.lower()
            method, _, rest = request_line.partition(b" ")
            target = rest.rpartition(b" ")[0].split(b"?", 1)[0]
            if method not in (b"GET", b"HEAD"):
                self.transport.write(_response("405 Method Not Allowed", b"", "text/plain"))
                self.transport.close()
                return
            identity, gzipped = self.responses.by_path.get(target, self.responses.not_found)
            accepts_gzip = any(
                line.startswith(b"accept-encoding:") and b"gzip" in line
                for line in headers.split(b"\r\n")
            )
            response = gzipped if accepts_gzip else identity
            if method == b"HEAD":
                response = response[: response.index(b"\r\n\r\n") + 4]
            self.transport.write(response)
            self.counter[0] += 1
            if b"connection: close" in headers:
                self.transport.close()
                return


def serve(pages: int, seed: int, conn: Connection) -> None:
    """Server process: render the shop, listen, report the port, then answer ``conn``."""
    responses = _Responses(pages, seed)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        counter = [0]
        server = await loop.create_server(
            lambda: _HttpProtocol(responses, counter), "127.0.0.1", 0, backlog=1024
        )
        port = server.sockets[0].getsockname()[1]
        done = loop.create_future()

        def command() -> None:
            try:
                message = conn.recv()
            except EOFError:  # the parent went away
                message = "stop"
            if message == "stats":
                usage = resource.getrusage(resource.RUSAGE_SELF)
                conn.send({"cpu_s": usage.ru_utime + usage.ru_stime, "requests": counter[0]})
            elif not done.done():
                done.set_result(None)

        loop.add_reader(conn.fileno(), command)
        conn.send({"port": port, "html_bytes": responses.html_bytes})
        async with server:
            await done

    asyncio.run(main())


class ShopServer:
    """The shop in a child process; ``stats()`` returns its CPU seconds and requests served."""

    def __init__(self, pages: int, seed: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_conn = context.Pipe()
        self._process = context.Process(
            target=serve, args=(pages, seed, child_conn), name="bench-shop", daemon=True
        )

    def __enter__(self) -> ShopServer:
        self._process.start()
        if not self._conn.poll(300):
            raise RuntimeError("the shop server did not start")
        hello = self._conn.recv()
        self.port: int = hello["port"]
        self.html_bytes: int = hello["html_bytes"]
        return self

    def stats(self) -> dict[str, float]:
        self._conn.send("stats")
        return self._conn.recv()

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self._conn.send("stop")
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()


# --------------------------------------------------------------------------------------------
# The crawling children


def descendants(pid: int | None = None) -> dict[str, int]:
    """``{"name[pid]": RSS KiB}`` of every live descendant process of ``pid`` (Linux /proc)."""
    root = os.getpid() if pid is None else pid
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may contain spaces, so split after the last ")".
        ppid = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: dict[str, int] = {}
    todo = list(children.get(root, []))
    while todo:
        child = todo.pop()
        todo.extend(children.get(child, []))
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
    from pricewatch.platforms import StructuredDataSpider
    from pricewatch.runner import run_crawls

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


# --------------------------------------------------------------------------------------------
# Correctness


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


# --------------------------------------------------------------------------------------------
# The parent


def run_child(
    mode: str, port: int, pages: int, workdir: Path, run: int, settings: list[str]
) -> tuple[dict[str, Any], str]:
    out = workdir / f"{mode}-{run}.json"
    db_url = f"sqlite:///{workdir / f'full-{run}.db'}"
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--mode",
        mode,
        "--port",
        str(port),
        "--pages",
        str(pages),
        "--out",
        str(out),
        "--db",
        db_url,
        *(f"--set={setting}" for setting in settings),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRICEWATCH_")}
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, timeout=CHILD_TIMEOUT_S, check=False)
    if proc.returncode != 0:
        raise BenchFailure(f"{mode} crawl process exited with status {proc.returncode}")
    result = json.loads(out.read_text())
    result["process_s"] = time.monotonic() - started
    result["startup_s"] = (result["first_response"] or started) - started
    return result, db_url


def describe(run: str, result: Mapping[str, Any], server_cpu: float) -> str:
    helpers = result["helpers"].split()
    helper_note = (
        f" + {len(helpers)} helper process(es) {result['helpers_rss_kib'] / 1024:.0f} MiB"
        f" ({', '.join(h.partition('[')[0] for h in helpers)})"
        if helpers
        else ""
    )
    return (
        f"{run}: {result['pages_per_s']:.1f} pages/s "
        f"({result['responses']} pages in {result['elapsed_s']:.2f}s, "
        f"{result['pages_per_cpu_s']:.1f} pages per CPU-second); "
        f"peak RSS {result['maxrss_kib'] / 1024:.1f} MiB{helper_note}; "
        f"process {result['process_s']:.1f}s (first response after "
        f"{result['startup_s']:.1f}s), children {result['children_cpu_s']:.1f}s CPU; "
        f"server {server_cpu / result['elapsed_s'] * 100:.0f}% of a core; correct"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES, help="product pages to crawl")
    parser.add_argument("--repeat", type=int, default=1, help="runs per variant (median)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="Scrapy setting for both variants (VALUE read as JSON if it parses); repeatable",
    )
    parser.add_argument(
        "--full-set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="like --set, for the full variant only (to try a change to pricewatch/settings.py)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=("bare", "full"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pages < 1 or args.repeat < 1:
        parser.error("--pages and --repeat must be at least 1")
    try:
        parse_settings(args.set + args.full_set)
    except ValueError as exc:
        parser.error(str(exc))
    if args.mode:
        return child_main(args)

    catalog = make_catalog(args.pages, args.seed)
    results: dict[str, list[dict[str, Any]]] = {"bare": [], "full": []}
    t0 = time.perf_counter()
    with (
        ShopServer(args.pages, args.seed) as server,
        tempfile.TemporaryDirectory(prefix="pricewatch-bench-") as tmp,
    ):
        print(
            f"shop: {args.pages} product pages, {server.html_bytes / args.pages / 1024:.1f} KiB "
            f"of HTML per page on average, http://127.0.0.1:{server.port}/ "
            f"(ready in {time.perf_counter() - t0:.1f}s); concurrency {CONCURRENCY}",
            flush=True,
        )
        try:
            for run in range(args.repeat):
                for mode in ("bare", "full"):
                    before = server.stats()
                    result, db_url = run_child(
                        mode,
                        server.port,
                        args.pages,
                        Path(tmp),
                        run,
                        args.set + (args.full_set if mode == "full" else []),
                    )
                    after = server.stats()
                    served = after["requests"] - before["requests"]
                    if served != args.pages:
                        raise BenchFailure(
                            f"{mode} crawl: the server answered {served} requests for "
                            f"{args.pages} pages"
                        )
                    if mode == "bare":
                        check_bare(result, catalog, server.port)
                    else:
                        check_full(result, catalog, server.port, db_url)
                    results[mode].append(result)
                    server_cpu = after["cpu_s"] - before["cpu_s"]
                    print(describe(f"run {run + 1}/{args.repeat} {mode}", result, server_cpu))
        except BenchFailure as exc:
            print(f"BENCHMARK FAILED: {exc}", file=sys.stderr, flush=True)
            return 1

    def median(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in results[mode])

    bare, full = median("bare", "pages_per_s"), median("full", "pages_per_s")
    ratio = full / bare if bare else 0.0
    bare_cpu, full_cpu = median("bare", "pages_per_cpu_s"), median("full", "pages_per_cpu_s")
    print(
        f"pages per CPU-second bare={bare_cpu:.1f} full={full_cpu:.1f} "
        f"ratio={full_cpu / bare_cpu if bare_cpu else 0.0:.2f}"
    )
    peak = {mode: max(r["maxrss_kib"] for r in results[mode]) / 1024 for mode in results}
    helpers = {mode: max(r["helpers_rss_kib"] for r in results[mode]) / 1024 for mode in results}
    print(
        f"peak RSS bare={peak['bare']:.1f} MiB full={peak['full']:.1f} MiB "
        f"(crawl processes; their helper processes: bare={helpers['bare']:.0f} MiB "
        f"full={helpers['full']:.0f} MiB)"
    )
    met = "met" if ratio >= TARGET_RATIO else "NOT met"
    print(f"target ratio >= {TARGET_RATIO}: {met} (median of {args.repeat} run(s) per variant)")
    print(f"pages/s bare={bare:.1f} full={full:.1f} ratio={ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
