"""Rendering JavaScript shops: crawls and extractions through Chromium, the page pool, the bench.

Browser tests (``@pytest.mark.browser``) run ``python -m pricewatch ...`` in subprocesses (a
fresh reactor and browser each) against the offline demo shops on free ports, with a temporary
SQLite database, and read the results back with :class:`pricewatch.db.Store`. They need
Chromium at ``$PRICEWATCH_CHROMIUM`` (default: Debian's headless shell, else chromium):
without it they are skipped, except under ``CI=true`` where they fail.

The unit tests at the top (:func:`~pricewatch.crawl.rendering.should_abort_request`,
:func:`~pricewatch.crawl.rendering.render_meta`) need no browser; the page pool's unit tests
are in tests/test_middlewares_pagepool.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings

from pricewatch.crawl.rendering import (
    ABORTED_RESOURCE_TYPES,
    render_meta,
    settle,
    should_abort_request,
)
from pricewatch.demo import DemoServer, expected

ROOT = Path(__file__).resolve().parents[1]
YUNSHANG = "demo_yunshang"
POOL = "pricewatch.middlewares.pagepool.PagePoolMiddleware"
#: Seconds one CLI subprocess may take (a crawl of 8 rendered pages takes ~10 s).
CLI_TIMEOUT = 240
_RUN_ID = re.compile(r"\[run (\d+)\]")


# ------------------------------------------------------------------------------ unit tests


@dataclass
class FakePlaywrightRequest:
    resource_type: str


@pytest.mark.parametrize("resource_type", sorted(ABORTED_RESOURCE_TYPES))
def test_should_abort_request_drops_images_fonts_media(resource_type: str) -> None:
    assert should_abort_request(FakePlaywrightRequest(resource_type)) is True


@pytest.mark.parametrize(
    "resource_type",
    ["document", "script", "stylesheet", "xhr", "fetch", "websocket", "manifest", "other"],
)
def test_should_abort_request_keeps_what_renders_the_price(resource_type: str) -> None:
    assert should_abort_request(FakePlaywrightRequest(resource_type)) is False


def test_render_meta_waits_for_the_selector_with_the_configured_timeout() -> None:
    meta = render_meta(".price", Settings({"PRICEWATCH_RENDER_TIMEOUT_MS": "1500"}))
    assert meta["playwright"] is True
    assert meta["pricewatch_render"] is True
    [method] = meta["playwright_page_methods"]
    assert method.method == "wait_for_selector"
    assert method.args == (".price",)
    assert method.kwargs == {"state": "attached", "timeout": 1500.0}


def test_render_meta_defaults() -> None:
    [method] = render_meta("h1", None)["playwright_page_methods"]
    assert method.kwargs["timeout"] == 15_000
    # No selector (listing pages, pages of no known shop): a bounded generic settle.
    meta = render_meta(None, Settings({"PRICEWATCH_RENDER_TIMEOUT_MS": "1500"}))
    assert meta["playwright"] is True
    [settle_method] = meta["playwright_page_methods"]
    assert settle_method.method is settle
    assert settle_method.args == (1500.0,)


def test_render_meta_does_not_ask_for_the_page() -> None:
    # Only the page pool may keep pages open (it sets playwright_include_page itself): with
    # the pool switched off, a kept page would never be closed and rendering would stall once
    # PLAYWRIGHT_MAX_PAGES_PER_CONTEXT pages were open.
    assert "playwright_include_page" not in render_meta(".price", Settings())


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    with DemoServer(base_port=0) as server:
        yield server


class _NeverRendersHandler(BaseHTTPRequestHandler):
    """A product page whose script runs but never shows a ``.price``; 404 for anything else."""

    protocol_version = "HTTP/1.1"
    page = (
        b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>forever loading</title></head>'
        b'<body><div id="app">loading</div><script>setInterval(function () {'
        b'document.getElementById("app").textContent += ".";}, 100);</script></body></html>'
    )

    def do_GET(self) -> None:
        status, body = (200, self.page) if self.path.startswith("/goods/") else (404, b"no\n")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def never_renders() -> Iterator[str]:
    """URL of a page whose price never appears."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NeverRendersHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/goods/99999"
    finally:
        server.shutdown()
        server.server_close()


def run_cli(
    args: list[str],
    chromium: str,
    db_url: str,
    *,
    prefix: list[str] | None = None,
    timeout: float = CLI_TIMEOUT,
) -> subprocess.CompletedProcess[str]:
    """``python -m pricewatch ARGS`` (or ``python PREFIX... ARGS``) with a private database."""
    cmd = [sys.executable, *(prefix or ["-m", "pricewatch"]), *args]
    env = {**os.environ, "PRICEWATCH_DB_URL": db_url, "PRICEWATCH_CHROMIUM": chromium}
    return subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def crawl(
    chromium: str,
    db_url: str,
    demo: DemoServer,
    *extra: str,
    timeout: float = CLI_TIMEOUT,
    exit_code: int = 0,
) -> tuple[subprocess.CompletedProcess[str], int]:
    """Crawl demo_yunshang at the running demo; asserts ``exit_code`` (1: some pages failed)
    and returns the run id."""
    base = demo.shop(YUNSHANG).url
    args = ["crawl", YUNSHANG, "--base-url", f"{YUNSHANG}={base}", *extra]
    proc = run_cli(args, chromium, db_url, timeout=timeout)
    output = f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr[-3000:]}"
    assert proc.returncode == exit_code, output
    match = _RUN_ID.search(proc.stdout)
    assert match, output
    return proc, int(match.group(1))


def open_store(db_url: str) -> Any:
    from pricewatch.db import Store

    return Store.from_url(db_url)


def expected_by_url(demo: DemoServer) -> dict[str, dict[str, Any]]:
    shop = demo.shop(YUNSHANG)
    return {shop.url_for(row["path"]): row for row in expected(YUNSHANG, 1)}


def assert_stored_as_expected(store: Any, demo: DemoServer, urls: set[str] | None = None) -> None:
    want = expected_by_url(demo)
    if urls is not None:
        want = {url: row for url, row in want.items() if url in urls}
    got = {p.url: p for p in store.current_prices(shop=YUNSHANG)}
    assert sorted(got) == sorted(want)
    for url, row in want.items():
        price = got[url]
        assert price.price == Decimal(row["price"]), url
        assert price.list_price == (Decimal(row["list_price"]) if row["list_price"] else None), url
        assert price.currency == row["currency"], url
        assert price.availability == row["availability"], url


# ------------------------------------------------------------------------------ crawls


@dataclass
class CrawlResult:
    proc: subprocess.CompletedProcess[str]
    run_id: int
    db_url: str


@pytest.fixture(scope="module")
def yunshang_crawl(
    chromium: str, demo: DemoServer, tmp_path_factory: pytest.TempPathFactory
) -> CrawlResult:
    """One crawl of demo_yunshang with the project's settings, shared by the tests below."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('crawl') / 'pricewatch.db'}"
    proc, run_id = crawl(chromium, db_url, demo)
    return CrawlResult(proc, run_id, db_url)


@pytest.mark.browser
def test_crawl_stores_every_rendered_product(yunshang_crawl: CrawlResult, demo: DemoServer) -> None:
    with open_store(yunshang_crawl.db_url) as store:
        assert_stored_as_expected(store, demo)
        run = store.run(yunshang_crawl.run_id)
    assert run is not None
    assert run.status == "finished"
    assert run.failures == 0 and run.failures_by_reason == {}
    assert run.observations_new == len(expected(YUNSHANG, 1)) == 8


@pytest.mark.browser
def test_crawl_reuses_pages_and_aborts_images(
    yunshang_crawl: CrawlResult, demo: DemoServer
) -> None:
    with open_store(yunshang_crawl.db_url) as store:
        run = store.run(yunshang_crawl.run_id)
    assert run is not None and run.stats is not None
    stats = run.stats
    assert stats["pricewatch/render/pages_reused"] > 0
    # 8 product pages rendered through at most PLAYWRIGHT_MAX_PAGES_PER_CONTEXT (4) pages.
    assert stats["playwright/page_count"] <= 4
    assert stats["playwright/page_count"] + stats["pricewatch/render/pages_reused"] == 8
    # Every product page has one image; scrapy-playwright counts what the hook aborted.
    assert stats["playwright/request_count/aborted"] >= 8
    assert stats["playwright/request_count/aborted"] == stats.get(
        "playwright/request_count/resource_type/image"
    )
    assert not [r for r in demo.request_log if r.path.startswith("/images/")]


@pytest.mark.browser
def test_page_pool_bounds_open_pages(chromium: str, demo: DemoServer, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'pricewatch.db'}"
    _, run_id = crawl(chromium, db_url, demo, "-s", "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT=2")
    with open_store(db_url) as store:
        assert_stored_as_expected(store, demo)
        run = store.run(run_id)
    assert run is not None and run.stats is not None
    assert run.status == "finished" and run.failures == 0
    assert 1 <= run.stats["playwright/page_count/max_concurrent"] <= 2
    assert run.stats["playwright/page_count"] <= 2
    assert run.stats["pricewatch/render/pages_reused"] >= 6


@pytest.mark.browser
def test_crawl_without_the_page_pool_opens_and_closes_a_page_per_request(
    chromium: str, demo: DemoServer, tmp_path: Path
) -> None:
    from pricewatch import settings

    # The whole dict: a -s DOWNLOADER_MIDDLEWARES replaces the project's instead of merging.
    middlewares = {**settings.DOWNLOADER_MIDDLEWARES, POOL: None}
    db_url = f"sqlite:///{tmp_path / 'pricewatch.db'}"
    _, run_id = crawl(
        chromium,
        db_url,
        demo,
        "-s",
        f"DOWNLOADER_MIDDLEWARES={json.dumps(middlewares)}",
        # Pages kept open with nobody to close them used to stall this crawl after 4 pages
        # for good (CLOSESPIDER_TIMEOUT cannot end it: it waits for the stuck downloads).
        timeout=120,
    )
    with open_store(db_url) as store:
        assert_stored_as_expected(store, demo)
        run = store.run(run_id)
    assert run is not None and run.stats is not None
    assert run.status == "finished" and run.failures == 0
    assert run.stats["playwright/page_count"] == run.stats["playwright/page_count/closed"] == 8
    assert "pricewatch/render/pages_reused" not in run.stats


@pytest.mark.browser
def test_price_that_never_renders_is_a_render_timeout(
    chromium: str, demo: DemoServer, never_renders: str, tmp_path: Path
) -> None:
    shop = demo.shop(YUNSHANG)
    good = [shop.url_for(row["path"]) for row in expected(YUNSHANG, 1)[:2]]
    db_url = f"sqlite:///{tmp_path / 'pricewatch.db'}"
    urls = [arg for url in [*good, never_renders] for arg in ("--url", url)]
    _, run_id = crawl(
        chromium, db_url, demo, *urls, "-s", "PRICEWATCH_RENDER_TIMEOUT_MS=1500", exit_code=1
    )
    with open_store(db_url) as store:
        run = store.run(run_id)
        failures = store.failures(run_id)
        assert_stored_as_expected(store, demo, urls=set(good))
        assert never_renders not in store.listing_urls(YUNSHANG)
    assert run is not None
    assert run.status == "finished"
    assert run.failures_by_reason == {"render_timeout": 1}
    assert [(f.url, f.reason) for f in failures] == [(never_renders, "render_timeout")]
    assert "1500" in (failures[0].detail or "")  # Playwright names the timeout it gave up at


# ------------------------------------------------------------------------------ extract

# The demo listens on free ports, but ``extract`` finds a URL's shop by the host:port of the
# shop file's start URL (127.0.0.1:8803 for demo_yunshang). This runs the real CLI after
# pointing that start URL at the running demo, as if the demo listened where the file says.
_EXTRACT_AS_DEMO_SHOP = (
    "import sys\n"
    "from pricewatch.spiders.shops.demo_yunshang import DemoYunshangSpider\n"
    "DemoYunshangSpider.start_urls = [sys.argv[1]]\n"
    "from pricewatch.cli.main import main\n"
    "main(sys.argv[2:])\n"
)


@pytest.mark.browser
@pytest.mark.parametrize("flags", [["--render"], []], ids=["render", "shop-says-render"])
def test_extract_renders_javascript_prices(
    flags: list[str], chromium: str, demo: DemoServer, tmp_path: Path
) -> None:
    shop = demo.shop(YUNSHANG)
    row = expected(YUNSHANG, 1)[3]
    url = shop.url_for(row["path"])
    with urllib.request.urlopen(url, timeout=10) as resp:
        shell = resp.read().decode("utf-8")
    assert 'class="price"' not in shell and row["price"] not in shell  # only JS shows it

    proc = run_cli(
        ["extract", *flags, "--json", url],
        chromium,
        f"sqlite:///{tmp_path / 'pricewatch.db'}",
        prefix=["-c", _EXTRACT_AS_DEMO_SHOP, shop.url],
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    [line] = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    result = json.loads(line)
    assert result["shop"] == YUNSHANG
    assert result["error"] is None
    assert Decimal(result["price"]) == Decimal(row["price"])
    assert result["currency"] == "CNY"
    assert result["availability"] == row["availability"]


@pytest.mark.browser
def test_extract_render_of_an_unknown_shop_waits_for_the_price(
    chromium: str, demo: DemoServer, tmp_path: Path
) -> None:
    row = expected(YUNSHANG, 1)[3]
    url = demo.shop(YUNSHANG).url_for(row["path"])  # a free port: no shop file matches it
    proc = run_cli(
        ["extract", "--render", "--json", url], chromium, f"sqlite:///{tmp_path / 'pw.db'}"
    )
    [line] = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    result = json.loads(line)
    assert result["shop"] == "adhoc"
    assert result["price"] is not None and Decimal(result["price"]) == Decimal(row["price"])


# ------------------------------------------------------------------------------ bench


@pytest.mark.browser
def test_render_throughput_bench_smoke(chromium: str) -> None:
    proc = subprocess.run(
        [sys.executable, "bench/render_throughput.py", "-n", "3", "--concurrency", "2"],
        cwd=ROOT,
        env={**os.environ, "PRICEWATCH_CHROMIUM": chromium},
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    last = proc.stdout.strip().splitlines()[-1]
    match = re.fullmatch(
        r"render pages/s new_page=(\d+\.\d\d) reused=(\d+\.\d\d) ratio=(\d+\.\d\d)", last
    )
    assert match, proc.stdout
    assert float(match.group(1)) > 0 and float(match.group(2)) > 0
    # Warm-up page + 3 pages through 2 open pages: the pool opened 2 and reused them twice.
    assert re.search(r"^  reused .* pages opened 2 reused 2 max open 2 ", proc.stdout, re.M)
    assert re.search(r"^  new_page .* pages opened 4 reused 0 max open 2 ", proc.stdout, re.M)
