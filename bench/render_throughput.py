"""Rendering throughput: a page per request (scrapy-playwright's default) vs the page pool.

Renders ``-n`` JavaScript product pages in Chromium twice, each variant in its own subprocess
with the same settings and the same number of open pages (``--concurrency``, i.e.
``PLAYWRIGHT_MAX_PAGES_PER_CONTEXT``):

``new_page``  :class:`~pricewatch.middlewares.pagepool.PagePoolMiddleware` switched off (the
              project's ``DOWNLOADER_MIDDLEWARES`` with the pool set to ``None``): scrapy-playwright
              opens and closes a page for every request.
``reused``    the project's settings: the pool hands finished pages to the next request.

Requests carry :func:`pricewatch.crawl.rendering.render_meta` (wait for ``.price``, images/fonts
aborted), exactly as shop spiders send them; nothing is stored (``ITEM_PIPELINES = {}``).
Each worker first renders one warm-up page (browser launch, first context), then times the
``-n`` pages from the moment they are requested to the last response. Every page must show its
price, or the bench exits 1.

Pages (``--source``):

``demo``       demo_yunshang product pages (``/goods/<id>?n=<i>``: the shop ignores the query,
               so 8 products give any number of distinct URLs). Their script fetches a JSON API
               and renders after a deliberate 200 ms ``setTimeout``.
``generated``  pages from a server in this script, built the same way (external script, JSON
               fetch, an image to abort) with the delay set by ``--delay-ms`` (default 0), to
               see the browser's own cost without the demo's delay.

``--wait function`` replaces the shipped ``wait_for_selector(".price", state="attached")``
with ``wait_for_function`` polling on animation frames, to measure what Playwright's selector
polling costs (it re-checks after 0, 20, 50, 100, 100, then every 500 ms).

Besides pages/s, each variant reports ``cpu ms/page``: CPU used by the worker's whole process
tree (Python, Playwright's node driver, every Chromium process) while the timed pages rendered,
per page. On a shared machine it is steadier than pages/s, and ``1000 * cores / cpu ms/page``
is the ceiling in pages/s once the CPU is the limit. To compare browsers, set
``PRICEWATCH_CHROMIUM`` (e.g. Debian's ``/usr/bin/chromium-headless-shell``).

AutoThrottle is off unless ``--autothrottle``: it paces requests by their latency and would
measure itself rather than rendering. Variants alternate (ABBA) over ``--repeat`` rounds and the
median is reported; the machine is shared, so use ``--repeat 3`` or more for figures.

To run: .venv/bin/python bench/render_throughput.py [-n 60] [--concurrency 4] [--repeat 3]
        [--source demo|generated] [--delay-ms 0] [--wait selector|function] [--autothrottle]

The last line is ``render pages/s new_page=<n> reused=<n> ratio=<reused/new>``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from _procfs import descendant_pids, process_table

VARIANTS = ("new_page", "reused")
POOL = "pricewatch.middlewares.pagepool.PagePoolMiddleware"
YUNSHANG_PRODUCTS = [f"/goods/{30001 + i}" for i in range(8)]


# ----------------------------------------------------------------------------- generated pages

_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>bench product {key}</title></head>
<body><div id="app"><div class="loading">loading</div></div>
<img src="/img/{key}.svg" alt="">
<script src="/app.js"></script></body></html>
"""
_SCRIPT = """(function () {
  var key = location.pathname.split("/").pop();
  fetch("/api/" + key + ".json").then(function (r) { return r.json(); }).then(function (d) {
    setTimeout(function () {
      var box = document.createElement("div");
      var h = document.createElement("h1");
      h.className = "goods-title";
      h.textContent = d.title;
      var p = document.createElement("span");
      p.className = "price";
      p.textContent = "\\u00a5" + d.price;
      box.appendChild(h);
      box.appendChild(p);
      document.getElementById("app").replaceChildren(box);
    }, DELAY);
  });
})();
"""
_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"></svg>'


def _generated_handler(delay_ms: int) -> type[BaseHTTPRequestHandler]:
    script = _SCRIPT.replace("DELAY", str(int(delay_ms))).encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            key = path.rsplit("/", 1)[-1].split(".", 1)[0]
            if path.startswith("/p/"):
                self._send(200, "text/html; charset=utf-8", _PAGE.format(key=key).encode())
            elif path == "/app.js":
                self._send(200, "text/javascript; charset=utf-8", script)
            elif path.startswith("/api/"):
                body = json.dumps({"title": f"product {key}", "price": f"{int(key) + 10}.00"})
                self._send(200, "application/json", body.encode())
            elif path.startswith("/img/"):
                self._send(200, "image/svg+xml", _SVG)
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found\n")

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve_pages(source: str, n: int, delay_ms: int) -> Iterator[list[str]]:
    """Start the page server; yield ``n + 1`` distinct product URLs (the first is the warm-up)."""
    if source == "demo":
        from pricewatch.demo import DemoServer

        with DemoServer(base_port=0) as demo:
            shop = demo.shop("demo_yunshang")
            yield [
                shop.url_for(f"{YUNSHANG_PRODUCTS[i % len(YUNSHANG_PRODUCTS)]}?n={i}")
                for i in range(n + 1)
            ]
        return
    server = ThreadingHTTPServer(("127.0.0.1", 0), _generated_handler(delay_ms))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        port = server.server_address[1]
        yield [f"http://127.0.0.1:{port}/p/{i}" for i in range(n + 1)]
    finally:
        server.shutdown()
        server.server_close()


# ----------------------------------------------------------------------------- worker


def tree_cpu_seconds(root: int) -> float | None:
    """CPU seconds used so far by ``root`` and its descendants (Linux ``/proc``; else None).

    Counts live processes plus the children they reaped, so Chromium renderers that exited
    (closed pages) are included through the process that waited for them.
    """
    try:
        tick = os.sysconf("SC_CLK_TCK")
        table = process_table()
        tree = (root, *descendant_pids(root, table))
        # After "(comm)": state ppid ... utime(12) stime(13) cutime(14) cstime(15)
        ticks = sum(int(x) for pid in tree if pid in table for x in table[pid][11:15])
    except (OSError, ValueError, IndexError):
        return None
    return ticks / tick


def run_worker(
    variant: str, urls: list[str], concurrency: int, autothrottle: bool, wait: str = "selector"
) -> dict:
    """Render ``urls`` (the first one is the warm-up) in this process; return the figures."""
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import Response
    from scrapy_playwright.page import PageMethod
    from twisted.python.failure import Failure

    from pricewatch import settings as project
    from pricewatch.crawl.process import project_settings
    from pricewatch.crawl.rendering import PLAYWRIGHT_DOWNLOAD_HANDLERS, render_meta

    overrides: dict[str, Any] = {
        "ITEM_PIPELINES": {},
        "LOG_LEVEL": "WARNING",
        "PRICEWATCH_PROGRESS_INTERVAL": 0,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": max(project.CONCURRENT_REQUESTS_PER_DOMAIN, concurrency),
        "AUTOTHROTTLE_ENABLED": autothrottle,
    }
    if variant == "new_page":
        # The whole dict: a -s/cmdline DOWNLOADER_MIDDLEWARES replaces the project's, it does
        # not merge with it (the backoff retry middleware would silently go too).
        overrides["DOWNLOADER_MIDDLEWARES"] = {**project.DOWNLOADER_MIDDLEWARES, POOL: None}
    result: dict[str, Any] = {"variant": variant, "pages": len(urls) - 1}

    class BenchSpider(scrapy.Spider):
        name = "bench_render"
        # Rendering crawls get scrapy-playwright as handler (shops do it in update_settings).
        custom_settings = {"DOWNLOAD_HANDLERS": PLAYWRIGHT_DOWNLOAD_HANDLERS}

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.t0 = 0.0
            self.t_last = 0.0
            self.ok = 0
            self.failed: list[str] = []
            self.latencies: list[float] = []
            self.cpu0: float | None = None
            self.cpu: float | None = None

        def _request(self, url: str, callback: Any) -> scrapy.Request:
            meta = render_meta(".price", self.settings)
            if wait == "function":
                timeout = self.settings.getfloat("PRICEWATCH_RENDER_TIMEOUT_MS")
                meta["playwright_page_methods"] = [
                    PageMethod(
                        "wait_for_function",
                        "s => document.querySelector(s) !== null",
                        arg=".price",
                        polling="raf",
                        timeout=timeout,
                    )
                ]
            return scrapy.Request(
                url, callback=callback, errback=self.on_error, meta=meta, dont_filter=True
            )

        async def start(self) -> AsyncIterator[Any]:
            yield self._request(urls[0], self.after_warmup)

        async def _close_page(self, response: Response) -> None:
            # Only set if something asked scrapy-playwright for the page without the pool to
            # take it back: close it, or the page-per-request baseline would run out of pages.
            page = response.meta.pop("playwright_page", None)
            if page is not None:
                await page.close()

        async def after_warmup(self, response: Response) -> AsyncIterator[Any]:
            await self._close_page(response)
            if not response.css(".price"):
                self.failed.append(f"{response.url}: warm-up page shows no price")
                return
            self.t0 = time.perf_counter()
            self.cpu0 = tree_cpu_seconds(os.getpid())
            for url in urls[1:]:
                yield self._request(url, self.parse_page)

        async def parse_page(self, response: Response) -> None:
            await self._close_page(response)
            self.t_last = time.perf_counter()
            self.latencies.append(float(response.meta.get("download_latency") or 0.0))
            if response.css(".price"):
                self.ok += 1
            else:
                self.failed.append(f"{response.url}: no price")
            self._maybe_done()

        def _maybe_done(self) -> None:
            if self.ok + len(self.failed) == len(urls) - 1 and self.cpu0 is not None:
                now = tree_cpu_seconds(os.getpid())
                self.cpu = None if now is None else now - self.cpu0

        async def on_error(self, failure: Failure) -> None:
            request = getattr(failure, "request", None)
            page = request.meta.pop("playwright_page", None) if request is not None else None
            if page is not None and not page.is_closed():
                await page.close()
            url = request.url if request is not None else "?"
            self.failed.append(f"{url}: {type(failure.value).__name__}: {failure.value}")
            self._maybe_done()

    process = CrawlerProcess(project_settings(overrides))
    crawler = process.create_crawler(BenchSpider)
    process.crawl(crawler)
    started = time.perf_counter()
    process.start()
    spider = crawler.spider
    assert isinstance(spider, BenchSpider)
    stats = crawler.stats.get_stats()
    elapsed = spider.t_last - spider.t0 if spider.t0 and spider.t_last else 0.0
    lat = sorted(spider.latencies) or [0.0]
    result.update(
        ok=spider.ok,
        failed=spider.failed[:10],
        failed_count=len(spider.failed),
        elapsed_s=round(elapsed, 3),
        pages_per_s=round(spider.ok / elapsed, 2) if elapsed > 0 else 0.0,
        process_s=round(time.perf_counter() - started, 2),
        # CPU of Python + Playwright's driver + Chromium while the timed pages rendered.
        cpu_ms_per_page=round(spider.cpu * 1000 / max(1, spider.ok)) if spider.cpu else None,
        latency_ms={
            "mean": round(statistics.fmean(lat) * 1000),
            "p50": round(lat[len(lat) // 2] * 1000),
            "p90": round(lat[int(len(lat) * 0.9)] * 1000),
        },
        stats={
            k: stats.get(k)
            for k in (
                "playwright/page_count",
                "playwright/page_count/closed",
                "playwright/page_count/max_concurrent",
                "playwright/request_count/aborted",
                "pricewatch/render/pages_reused",
            )
        },
    )
    return result


# ----------------------------------------------------------------------------- driver


def run_variant(variant: str, urls: list[str], args: argparse.Namespace) -> dict:
    """One variant in a fresh subprocess (its own reactor and browser)."""
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--worker",
        variant,
        "--concurrency",
        str(args.concurrency),
        "--wait",
        args.wait,
        *(["--autothrottle"] if args.autothrottle else []),
    ]
    with tempfile.TemporaryDirectory(prefix="pricewatch-bench-") as tmp:
        env = {**os.environ, "PRICEWATCH_DB_URL": f"sqlite:///{tmp}/unused.db"}
        proc = subprocess.run(
            cmd,
            input=json.dumps(urls),
            capture_output=True,
            text=True,
            env=env,
            timeout=args.timeout,
            check=False,
        )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"{variant} worker failed (exit {proc.returncode})")
    return json.loads(lines[-1])


def describe(r: dict) -> str:
    s = r["stats"]
    return (
        f"  {r['variant']:<9} {r['pages_per_s']:6.2f} pages/s  {r['ok']}/{r['pages']} pages in "
        f"{r['elapsed_s']:.2f}s  render latency p50 {r['latency_ms']['p50']} ms "
        f"p90 {r['latency_ms']['p90']} ms  pages opened {s['playwright/page_count']} "
        f"reused {s['pricewatch/render/pages_reused'] or 0} "
        f"max open {s['playwright/page_count/max_concurrent']} "
        f"aborted {s['playwright/request_count/aborted'] or 0}  "
        f"cpu {r['cpu_ms_per_page']} ms/page  (process {r['process_s']}s)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--pages", type=int, default=60, help="pages per variant")
    parser.add_argument(
        "--concurrency", type=int, default=4, help="open pages (PLAYWRIGHT_MAX_PAGES_PER_CONTEXT)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="rounds per variant (median)")
    parser.add_argument("--source", choices=["demo", "generated"], default="demo")
    parser.add_argument("--delay-ms", type=int, default=0, help="render delay of generated pages")
    parser.add_argument(
        "--wait",
        choices=["selector", "function"],
        default="selector",
        help="selector: render_meta as shipped; function: wait_for_function (raf polling)",
    )
    parser.add_argument("--autothrottle", action="store_true", help="keep AutoThrottle on")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per variant run")
    parser.add_argument("--worker", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        urls = json.loads(sys.stdin.read())
        result = run_worker(args.worker, urls, args.concurrency, args.autothrottle, args.wait)
        print(json.dumps(result), flush=True)
        return 0 if result["failed_count"] == 0 else 1

    runs: dict[str, list[dict]] = {v: [] for v in VARIANTS}
    source = args.source + (f" (delay {args.delay_ms} ms)" if args.source == "generated" else "")
    print(
        f"rendering {args.pages} pages from {source}, {args.concurrency} open pages, "
        f"wait {args.wait}, autothrottle {'on' if args.autothrottle else 'off'}, "
        f"{args.repeat} round(s)",
        flush=True,
    )
    with serve_pages(args.source, args.pages, args.delay_ms) as urls:
        for i in range(args.repeat):
            order = VARIANTS if i % 2 == 0 else VARIANTS[::-1]
            for variant in order:
                result = run_variant(variant, urls, args)
                runs[variant].append(result)
                print(describe(result), flush=True)
    rate = {v: statistics.median(r["pages_per_s"] for r in runs[v]) for v in VARIANTS}
    for v in VARIANTS:
        print(f"{v}: median {rate[v]:.2f} pages/s over {len(runs[v])} run(s)")
    ratio = rate["reused"] / rate["new_page"] if rate["new_page"] else 0.0
    print(
        f"render pages/s new_page={rate['new_page']:.2f} reused={rate['reused']:.2f} "
        f"ratio={ratio:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
