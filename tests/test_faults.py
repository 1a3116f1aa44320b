"""Fault handling end to end: what a crawl records for each kind of broken shop.

Every crawl here is the real thing: ``python -m pricewatch crawl demo_hongxing`` in a child
process, pointed at a :class:`~tests.mockserver.MockServer` on 127.0.0.1 with ``--base-url``
and ``--url``, storing into a temporary SQLite file (some tests also into a fresh PostgreSQL
database through the ``db_url`` fixture). The tests then read what was recorded with
:class:`pricewatch.db.store.Store`: the crawl run (status, failures by reason), its failure
rows (URL and reason) and the observations. demo_hongxing is a generic structured-data shop,
so the mock server serves JSON-LD product pages under ``/products/...``.

Three of these found Scrapy 2.19 behaviours pricewatch now works around: robots.txt ignored by
requests waiting for it (pricewatch/middlewares/robots.py), the per-shop concurrency limit not
holding (pricewatch/downloader.py) and redirect loops dropped silently
(pricewatch/middlewares/redirect.py).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from mockserver import (
    Hit,
    MockServer,
    Reply,
    huge,
    product_page,
    redirect,
    retry_after_date,
)

from pricewatch.db.store import FailureInfo, RunInfo, Store

SHOP = "demo_hongxing"
CRAWL_TIMEOUT_S = 60

#: Settings every test crawl runs with: no AutoThrottle start delay, quick backoff, no
#: progress lines, small batches written promptly. Tests override what they exercise.
FAST_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "PRICEWATCH_PROGRESS_INTERVAL": 0,
    "PRICEWATCH_RETRY_BASE_DELAY": 0.1,
    "RETRY_TIMES": 1,
    "DOWNLOAD_TIMEOUT": 10,
    "PRICEWATCH_STORE_FLUSH_SECONDS": 0.2,
}


# ---------------------------------------------------------------------------- helpers


@dataclass
class CrawlResult:
    """A finished ``pricewatch crawl`` child process and what its run recorded."""

    returncode: int
    stdout: str
    stderr: str
    elapsed: float
    run: RunInfo
    failures: list[FailureInfo]

    def reasons(self) -> dict[str, str]:
        """``{url: reason}`` of the run's recorded failures."""
        return {f.url: f.reason for f in self.failures}


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'faults.db'}"


def child_env(db_url: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test's environment without the developer's PRICEWATCH_* variables, plus ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRICEWATCH_")}
    env["PRICEWATCH_DB_URL"] = db_url
    env.update(extra or {})
    return env


def crawl_command(
    base_url: str, urls: Sequence[str], settings: Mapping[str, Any] | None = None
) -> list[str]:
    cmd = [sys.executable, "-m", "pricewatch", "crawl", SHOP, f"--base-url={SHOP}={base_url}"]
    for url in urls:
        cmd += ["--url", url]
    for name, value in {**FAST_SETTINGS, **(settings or {})}.items():
        cmd += ["-s", f"{name}={value}"]
    return cmd


def run_crawl(
    server: MockServer | None,
    paths: Sequence[str],
    db_url: str,
    settings: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    base_url: str | None = None,
    urls: Sequence[str] | None = None,
) -> CrawlResult:
    """Crawl ``paths`` of ``server`` in a child process; return the run it recorded.

    Without a server, ``base_url`` and ``urls`` say where the shop is and what to fetch.
    """
    if server is not None:
        base_url = base_url or server.base_url
        urls = urls or [server.url(p) for p in paths]
    assert base_url is not None and urls is not None
    with Store.from_url(db_url) as store:
        runs_before = {r.id for r in store.runs(limit=1000)}
    cmd = crawl_command(base_url, urls, settings)
    started = time.monotonic()
    proc = subprocess.run(
        cmd,
        env=child_env(db_url, env),
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT_S,
        check=False,
    )
    elapsed = time.monotonic() - started
    with Store.from_url(db_url) as store:
        new_runs = [r for r in store.runs(limit=1000) if r.id not in runs_before]
        assert len(new_runs) == 1, f"expected one new crawl run:\n{proc.stdout}\n{proc.stderr}"
        run = new_runs[0]
        failures = store.failures(run.id)
    return CrawlResult(proc.returncode, proc.stdout, proc.stderr, elapsed, run, failures)


def product_routes(count: int, prefix: str = "p", **reply: Any) -> dict[str, Reply]:
    """``count`` product pages ``/products/{prefix}{i}`` priced 10.00, 11.00, ..."""
    return {
        f"/products/{prefix}{i}": Reply(body=product_page(f"Product {i}", f"{10 + i}.00"), **reply)
        for i in range(count)
    }


def stored_urls(db_url: str) -> set[str]:
    with Store.from_url(db_url) as store:
        return {p.url for p in store.current_prices()}


def free_port() -> int:
    """A port nothing listens on (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------------------- 1. robots.txt

ROBOTS = "User-agent: *\nDisallow: /products/secret\n"


def test_robots_disallowed_url_is_not_fetched(sqlite_url: str) -> None:
    """A product URL robots.txt disallows is never requested and is recorded as `robots`."""
    routes = {"/products/secret": Reply(body=product_page())}
    with MockServer(routes, robots_txt=ROBOTS) as server:
        result = run_crawl(server, ["/products/secret"], sqlite_url)
        assert server.hits("/robots.txt") == 1
        assert server.hits("/products/secret") == 0
    assert result.returncode == 3, result.stderr  # nothing stored: every page failed
    assert result.run.status == "finished"
    assert result.reasons() == {server.url("/products/secret"): "robots"}
    assert result.run.failures_by_reason == {"robots": 1}
    assert stored_urls(sqlite_url) == set()


def test_robots_disallowed_urls_among_others_are_not_fetched(sqlite_url: str) -> None:
    """Disallowed URLs crawled together with allowed ones are all skipped as `robots`."""
    allowed = product_routes(3, "ok")
    secret = product_routes(3, "secret")
    with MockServer({**allowed, **secret}, robots_txt=ROBOTS) as server:
        result = run_crawl(server, [*allowed, *secret], sqlite_url)
        secret_hits = {p: server.hits(p) for p in secret}
    assert result.run.status == "finished"
    assert stored_urls(sqlite_url) == {server.url(p) for p in allowed}
    assert secret_hits == dict.fromkeys(secret, 0)
    assert result.reasons() == {server.url(p): "robots" for p in secret}


def test_robots_can_be_ignored_with_a_setting(sqlite_url: str) -> None:
    """With -s ROBOTSTXT_OBEY=False a disallowed URL is fetched and its price stored."""
    routes = {"/products/secret": Reply(body=product_page(price="42.00"))}
    with MockServer(routes, robots_txt=ROBOTS) as server:
        result = run_crawl(server, ["/products/secret"], sqlite_url, {"ROBOTSTXT_OBEY": False})
        assert server.hits("/robots.txt") == 0
        assert server.hits("/products/secret") == 1
    assert result.run.status == "finished"
    assert result.failures == []
    assert stored_urls(sqlite_url) == {server.url("/products/secret")}


# ---------------------------------------------------------------------------- 2. politeness


def test_project_settings_throttle_and_limit_per_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    """The project settings enable AutoThrottle and cap concurrent requests per shop."""
    from pricewatch.crawl.process import project_settings

    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "pricewatch.settings")
    settings = project_settings()
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is True
    per_domain = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
    assert 0 < per_domain <= settings.getint("CONCURRENT_REQUESTS")
    assert settings.getbool("ROBOTSTXT_OBEY") is True


def test_server_never_sees_more_than_per_domain_concurrency(sqlite_url: str) -> None:
    """Ten slow pages with CONCURRENT_REQUESTS_PER_DOMAIN=2 reach the shop two at a time."""
    routes = product_routes(10, delay=0.3)
    with MockServer(routes) as server:
        result = run_crawl(server, list(routes), sqlite_url, {"CONCURRENT_REQUESTS_PER_DOMAIN": 2})
        max_in_flight = server.max_in_flight
    assert result.run.status == "finished"
    assert len(stored_urls(sqlite_url)) == 10
    # At most 2 (the limit); exactly 2 shows the crawl did run requests in parallel.
    assert max_in_flight == 2


# ---------------------------------------------------------------------------- 3. User-Agent


@pytest.mark.parametrize(
    ("env", "settings", "expected"),
    [
        pytest.param({}, {}, None, id="default"),
        pytest.param({"PRICEWATCH_USER_AGENT": "EnvBot/1.0"}, {}, "EnvBot/1.0", id="env"),
        pytest.param(
            {"PRICEWATCH_USER_AGENT": "EnvBot/1.0"},
            {"USER_AGENT": "CliBot/2.0 (+mailto:ops@example.com)"},
            "CliBot/2.0 (+mailto:ops@example.com)",
            id="setting-beats-env",
        ),
    ],
)
def test_user_agent_is_configurable(
    sqlite_url: str, env: dict[str, str], settings: dict[str, str], expected: str | None
) -> None:
    """Every request (robots.txt too) carries the configured User-Agent; default pricewatch/."""
    routes = {"/products/ua": Reply(body=product_page())}
    with MockServer(routes) as server:
        result = run_crawl(server, ["/products/ua"], sqlite_url, settings, env=env)
        agents = {h.path: h.headers.get("User-Agent", "") for h in server.requests}
    assert result.run.status == "finished"
    assert set(agents) == {"/robots.txt", "/products/ua"}
    for agent in agents.values():
        if expected is None:
            assert agent.startswith("pricewatch/")
        else:
            assert agent == expected


# ---------------------------------------------------------------------------- 4. retries


def test_retry_after_is_honoured_on_429_and_503(sqlite_url: str) -> None:
    """429 (Retry-After 1 s), then 503 (Retry-After as an HTTP date), then 200: stored."""

    def unavailable(hit: Hit) -> Reply:
        # The date is whole seconds: 2 s ahead means a wait of 1 to 2 s.
        return Reply(503, headers={"Retry-After": retry_after_date(2)})

    routes = {
        "/products/busy": [
            Reply(429, headers={"Retry-After": "1"}),
            unavailable,
            Reply(body=product_page(price="88.00")),
        ]
    }
    with MockServer(routes) as server:
        result = run_crawl(server, ["/products/busy"], sqlite_url, {"RETRY_TIMES": 3})
        times = [h.at for h in server.hits_for("/products/busy")]
    assert len(times) == 3
    # Backoff alone would be 0.1 + 0.2 s: the waits came from Retry-After (lower bounds only).
    assert times[1] - times[0] >= 0.9
    assert times[2] - times[0] >= 1.5
    assert result.run.status == "finished"
    assert result.failures == []
    with Store.from_url(sqlite_url) as store:
        [price] = store.current_prices()
    assert (price.url, price.price) == (server.url("/products/busy"), Decimal("88.00"))


def test_retry_after_beyond_max_delay_gives_up(sqlite_url: str) -> None:
    """A Retry-After longer than PRICEWATCH_RETRY_MAX_DELAY is given up as `rate_limited`."""
    routes = {"/products/limited": Reply(429, headers={"Retry-After": "30"})}
    with MockServer(routes) as server:
        result = run_crawl(
            server,
            ["/products/limited"],
            sqlite_url,
            {"PRICEWATCH_RETRY_MAX_DELAY": 2, "RETRY_TIMES": 3},
        )
        assert server.hits("/products/limited") == 1
    assert result.elapsed < 25  # did not wait the 30 s
    assert result.run.status == "finished"
    assert result.reasons() == {server.url("/products/limited"): "rate_limited"}
    assert result.run.failures_by_reason == {"rate_limited": 1}
    assert stored_urls(sqlite_url) == set()


def test_persistent_503_fails_after_retry_times(sqlite_url: str) -> None:
    """A page answering 503 every time is tried 1 + RETRY_TIMES times, then `http_503`."""
    routes = {"/products/down": Reply(503, "<html><body>maintenance</body></html>")}
    with MockServer(routes) as server:
        result = run_crawl(server, ["/products/down"], sqlite_url, {"RETRY_TIMES": 2})
        assert server.hits("/products/down") == 3
    assert result.run.status == "finished"
    assert result.reasons() == {server.url("/products/down"): "http_503"}
    assert stored_urls(sqlite_url) == set()


def test_429_slows_the_whole_shop(sqlite_url: str) -> None:
    """After a 429 (Retry-After 1 s) the shop's other pages wait too; AutoThrottle eases off."""
    pages = {f"/products/s{i}": product_page(f"Slowed {i}", f"{20 + i}.00") for i in range(5)}
    served = {"count": 0}

    def page(hit: Hit) -> Reply:  # one request at a time (CONCURRENT_REQUESTS_PER_DOMAIN=1)
        served["count"] += 1
        if served["count"] == 1:
            return Reply(429, headers={"Retry-After": "1"})
        return Reply(body=pages[hit.path], delay=0.05)

    settings = {
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY_JITTER": 0,
    }
    with MockServer(dict.fromkeys(pages, page)) as server:
        result = run_crawl(server, list(pages), sqlite_url, settings)
        times = sorted(h.at for h in server.requests if h.path.startswith("/products/"))
    assert result.run.status == "finished"
    assert result.failures == []
    assert stored_urls(sqlite_url) == {server.url(p) for p in pages}
    assert len(times) == 6  # five pages and the retry of the one answered 429
    gaps = [b - a for a, b in pairwise(times)]
    # The shop's next page waited for Retry-After too (per-request backoff alone: at once).
    assert gaps[0] >= 0.9, gaps
    # Then AutoThrottle lowers the delay from there step by step (about 1, 0.5, 0.25 s):
    # the slowdown does not snap back to full speed.
    assert min(gaps[1:3]) >= 0.3, gaps
    assert result.run.stats is not None
    assert result.run.stats["pricewatch/retry/slot_slowed"] == 1


# ---------------------------------------------------------------------------- 5-7. downloads


def test_slow_page_times_out(sqlite_url: str) -> None:
    """A page slower than DOWNLOAD_TIMEOUT (no retries) is recorded as `timeout`."""
    routes = {"/products/slow": Reply(body=product_page(), delay=3)}
    with MockServer(routes) as server:
        result = run_crawl(
            server, ["/products/slow"], sqlite_url, {"DOWNLOAD_TIMEOUT": 1, "RETRY_TIMES": 0}
        )
        assert server.hits("/products/slow") == 1
    assert result.run.status == "finished"
    assert result.reasons() == {server.url("/products/slow"): "timeout"}
    assert stored_urls(sqlite_url) == set()


def test_page_above_download_maxsize_is_too_large(sqlite_url: str) -> None:
    """3 MB pages with DOWNLOAD_MAXSIZE=1000000 are cut off as `too_large`, nothing stored."""
    routes = {
        # Content-Length announces the size: refused before the body is read.
        "/products/huge": huge(3_000_000),
        # No Content-Length: cut off once 1 MB has arrived.
        "/products/streamed": huge(3_000_000, stream=True),
    }
    with MockServer(routes) as server:
        result = run_crawl(server, list(routes), sqlite_url, {"DOWNLOAD_MAXSIZE": 1_000_000})
    assert result.run.status == "finished"
    assert result.reasons() == {server.url(p): "too_large" for p in routes}
    assert result.run.failures_by_reason == {"too_large": 2}
    assert stored_urls(sqlite_url) == set()


def test_redirect_loop_is_recorded(sqlite_url: str) -> None:
    """/products/a -> /products/b -> /products/a ... is recorded as `redirect_loop`."""
    routes = {"/products/a": redirect("/products/b"), "/products/b": redirect("/products/a")}
    with MockServer(routes) as server:
        result = run_crawl(server, ["/products/a"], sqlite_url, {"REDIRECT_MAX_TIMES": 5})
    assert result.run.status == "finished"
    assert [f.reason for f in result.failures] == ["redirect_loop"]
    assert result.failures[0].url in {server.url("/products/a"), server.url("/products/b")}


def test_redirect_back_to_the_same_page_once_is_followed(sqlite_url: str) -> None:
    """A shop that redirects a page to itself once (to set a cookie) is read normally."""
    routes: dict[str, Any] = {
        "/products/c": [redirect("/products/c"), Reply(body=product_page("Cookie", price="9.90"))]
    }
    with MockServer(routes) as server:
        result = run_crawl(server, ["/products/c"], sqlite_url)
    assert result.failures == []
    assert stored_urls(sqlite_url) == {server.url("/products/c")}


def test_endless_redirect_chain_is_recorded(sqlite_url: str) -> None:
    """A chain of redirects longer than REDIRECT_MAX_TIMES is recorded as `redirect_loop`."""
    routes: dict[str, Reply] = {
        f"/products/r{i}": redirect(f"/products/r{i + 1}") for i in range(10)
    }
    with MockServer(routes) as server:
        result = run_crawl(server, ["/products/r0"], sqlite_url, {"REDIRECT_MAX_TIMES": 3})
        hits = server.hits()
    assert result.run.status == "finished"
    assert [f.reason for f in result.failures] == ["redirect_loop"]
    assert hits == 1 + 4  # robots.txt, r0 and three redirects
    assert stored_urls(sqlite_url) == set()


# ---------------------------------------------------------------------------- 8-9. prices


def test_page_without_price_is_a_failure_not_a_zero(db_url: str) -> None:
    """Pages with no price or a price of 0 are `no_price` failures with no observation."""
    routes = {
        "/products/noprice": Reply(body=product_page("No price here", price=None)),
        "/products/zero": Reply(body=product_page("Free?", price="0.00")),
        "/products/fine": Reply(body=product_page("Priced", price="19.90")),
    }
    with MockServer(routes) as server:
        result = run_crawl(server, list(routes), db_url)
    assert result.returncode == 1, result.stderr  # stored one price, two pages failed: partial
    assert result.run.status == "finished"
    assert result.reasons() == {
        server.url("/products/noprice"): "no_price",
        server.url("/products/zero"): "no_price",
    }
    assert result.run.failures_by_reason == {"no_price": 2}
    with Store.from_url(db_url) as store:
        prices = store.current_prices()
        assert [(p.url, p.price) for p in prices] == [
            (server.url("/products/fine"), Decimal("19.90"))
        ]
        assert store.history(server.url("/products/noprice")) == []
        assert store.history(server.url("/products/zero")) == []


CHALLENGE_PAGE = (
    Path(__file__).parent
    / "fixtures"
    / "pages"
    / ("gamesmen-logitech-g-rs-wheel-hub-cloudflare-challenge.html")
)


def test_anti_bot_pages_are_blocked_failures_and_the_crawl_says_so(sqlite_url: str) -> None:
    """A shop answering HTTP 200 with a real Cloudflare challenge for every product page:
    `blocked` failures (not `no_price`), nothing stored, exit 3 and a warning with what to
    try; a price stored earlier for the listing stays as it was."""
    challenge = Reply(body=CHALLENGE_PAGE.read_bytes())
    with MockServer({"/products/a": Reply(body=product_page("A", "12.00"))}) as server:
        first = run_crawl(server, ["/products/a"], sqlite_url)
        assert first.returncode == 0, first.stderr
        server.routes.update({"/products/a": challenge, "/products/b": challenge})
        result = run_crawl(server, ["/products/a", "/products/b"], sqlite_url)
    assert result.returncode == 3, result.stderr
    assert result.run.failures_by_reason == {"blocked": 2}
    assert set(result.reasons().values()) == {"blocked"}
    assert "blocked: a Cloudflare challenge answered instead of the product page" in result.stderr
    assert "anti-bot check (blocked: 2)" in result.stderr
    with Store.from_url(sqlite_url) as store:
        assert [(p.url, p.price) for p in store.current_prices()] == [
            (server.url("/products/a"), Decimal("12.00"))
        ]


def test_price_jump_above_90_percent_is_stored_as_suspect(sqlite_url: str) -> None:
    """A price falling from 100.00 to 5.00 between crawls is stored, flagged suspect."""
    price = {"now": "100.00"}

    def page(hit: Hit) -> Reply:
        return Reply(body=product_page("Jumpy", price=price["now"]))

    with MockServer({"/products/jumpy": page}) as server:
        first = run_crawl(server, ["/products/jumpy"], sqlite_url)
        price["now"] = "5.00"
        second = run_crawl(server, ["/products/jumpy"], sqlite_url)
    assert (first.run.status, second.run.status) == ("finished", "finished")
    assert second.run.observations_new == 1
    url = server.url("/products/jumpy")
    with Store.from_url(sqlite_url) as store:
        [current] = store.current_prices()
        [(_, rows)] = store.history(url)
    assert (current.url, current.price, current.suspect) == (url, Decimal("5.00"), True)
    assert [(r.price, r.suspect) for r in rows] == [
        (Decimal("100.00"), False),
        (Decimal("5.00"), True),
    ]


# ---------------------------------------------------------------------------- 10. bad shops

# Malformed shop files (each problem named with its file) are tested on load_shops in
# tests/test_shops.py; here, the crawl command itself.


def test_crawl_of_unknown_shop_is_one_error_line(sqlite_url: str) -> None:
    """`pricewatch crawl nosuchshop` exits 2 (usage) with one `error:` line, no traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "pricewatch", "crawl", "nosuchshop"],
        env=child_env(sqlite_url),
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT_S,
        check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: no shop named 'nosuchshop' (known: ")
    assert SHOP in lines[0]
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------------------- 11. dead shop


def test_dead_shop_is_a_connection_failure(sqlite_url: str) -> None:
    """A shop refusing connections: `connection` failure, run finished, CLI exit code 3."""
    dead = f"http://127.0.0.1:{free_port()}/"
    result = run_crawl(None, [], sqlite_url, base_url=dead, urls=[dead + "products/x"])
    # The crawl completed (finish_reason "finished") but stored nothing: exit 3 for cron.
    assert result.returncode == 3, result.stderr
    assert result.run.status == "finished"
    assert result.reasons() == {dead + "products/x": "connection"}
    assert result.run.failures_by_reason == {"connection": 1}
    assert "demo_hongxing: finished" in result.stdout


# ---------------------------------------------------------------------------- 12. SIGKILL


def count_observations(db_url: str) -> int:
    with Store.from_url(db_url) as store:
        return len(store.current_prices())


def test_sigkill_mid_crawl_keeps_committed_batches(db_url: str, tmp_path: Path) -> None:
    """A crawl killed with SIGKILL keeps its committed batches; the next run reaps it."""
    count = 40
    state = {"delay": 0.2}
    pages = {
        f"/products/k{i}": product_page(f"Kill test {i}", f"{100 + i}.00") for i in range(count)
    }

    def page(hit: Hit) -> Reply:
        return Reply(body=pages[hit.path], delay=state["delay"])

    settings = {
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "PRICEWATCH_STORE_BATCH_SIZE": 5,
        "PRICEWATCH_STORE_FLUSH_SECONDS": 0.2,
    }
    with Store.from_url(db_url) as store:
        store.runs()  # migrate before the child starts writing
    with MockServer(dict.fromkeys(pages, page)) as server:
        urls = [server.url(p) for p in pages]
        log = tmp_path / "killed-crawl.log"
        with log.open("w") as out:
            proc = subprocess.Popen(
                crawl_command(server.base_url, urls, settings),
                env=child_env(db_url),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            try:
                deadline = time.monotonic() + 30
                seen = 0
                while seen == 0 and time.monotonic() < deadline and proc.poll() is None:
                    time.sleep(0.05)
                    seen = count_observations(db_url)
                os.kill(proc.pid, signal.SIGKILL)
            finally:
                proc.kill()
                proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL, log.read_text()
        assert seen > 0, log.read_text()

        with Store.from_url(db_url) as store:
            [killed] = store.runs()
            committed = {p.url for p in store.current_prices()}
            if db_url.startswith("sqlite"):
                with store.engine.connect() as conn:
                    assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert killed.status == "running"
        assert seen <= len(committed) < count  # nothing lost, and it really was mid-crawl

        state["delay"] = 0.0
        second = run_crawl(server, list(pages), db_url, settings)

    assert second.returncode == 0, second.stderr
    assert second.run.status == "finished"
    assert second.run.observations_unchanged == len(committed)
    assert second.run.observations_new == count - len(committed)
    with Store.from_url(db_url) as store:
        reaped = store.run(killed.id)
        assert reaped is not None
        assert reaped.status == "killed"
        assert reaped.finished_at is not None
        assert {p.url for p in store.current_prices()} == set(urls)
        for url in committed:
            [(_, rows)] = store.history(url)
            # Run-length storage: the unchanged price extended the killed run's row.
            assert len(rows) == 1
            assert rows[0].run_id == killed.id
            assert rows[0].last_seen > rows[0].first_seen
