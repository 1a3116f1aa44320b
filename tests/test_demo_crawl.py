"""End to end over the bundled demo shops: crawl (a subprocess, as the daemon runs it), store,
change the shops, crawl again; ``pricewatch extract`` on every demo product; ``pricewatch demo``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from pricewatch.db.store import Store
from pricewatch.demo import DemoServer, expected


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer(base_port=0) as server:
        yield server


def pricewatch(
    *args: str, db_url: str, timeout: float = 240, cwd: Any = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRICEWATCH_DB_URL": db_url}
    return subprocess.run(
        [sys.executable, "-m", "pricewatch", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def crawl(demo: DemoServer, db_url: str, *slugs: str) -> subprocess.CompletedProcess[str]:
    args = ["crawl", *slugs]
    for slug in slugs:
        args += ["--base-url", f"{slug}={demo.shop(slug).url}"]
    result = pricewatch(*args, db_url=db_url)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def current_by_url(store: Store) -> dict[str, Any]:
    return {p.url: p for p in store.current_prices()}


def assert_matches_expected(store: Store, demo: DemoServer, slug: str, round_: int) -> None:
    stored = {p.url: p for p in store.current_prices(shop=slug)}
    rows = expected(slug, round_)
    assert len(stored) == len(rows), sorted(stored)
    for row in rows:
        url = demo.shop(slug).url_for(row["path"])
        got = stored[url]
        assert got.price == Decimal(row["price"]), url
        assert got.currency == row["currency"]
        assert got.availability == row["availability"], url
        assert got.sku == row["sku"], url
        assert got.title and got.title.startswith(row["title"]), (got.title, row["title"])
        if row["list_price"] is not None:
            assert got.list_price == Decimal(row["list_price"]), url


def test_crawl_two_rounds_tracks_changes(demo: DemoServer, db_url: str) -> None:
    """Round 1 stores every product; round 2 stores only changes, and a removed page is gone."""
    slugs = ("demo_hongxing", "demo_lantian")
    crawl(demo, db_url, *slugs)
    with Store.from_url(db_url) as store:
        for slug in slugs:
            assert_matches_expected(store, demo, slug, 1)
        first_runs = {r.spider: r for r in store.runs()}
        assert {first_runs[s].status for s in slugs} == {"finished"}
        assert all(first_runs[s].failures == 0 for s in slugs)
        # Shops that do not render never start Playwright (no playwright/* stats at all).
        assert not [k for s in slugs for k in first_runs[s].stats or {} if "playwright" in k]

    demo.set_round(2)
    started = datetime.now(UTC)
    crawl(demo, db_url, *slugs)
    with Store.from_url(db_url) as store:
        for slug in slugs:
            assert_matches_expected(store, demo, slug, 2)
        changes = store.changes_since(started)
        changed_urls = {c.url for c in changes}
        gone = store.gone_since(started)
        assert [g.url for g in gone] == [demo.shop("demo_lantian").url_for("/item/LT-1020.html")]
        for slug in slugs:
            before = {r["path"]: r for r in expected(slug, 1)}
            for row in expected(slug, 2):
                old = before[row["path"]]
                moved = (old["price"], old["availability"]) != (row["price"], row["availability"])
                url = demo.shop(slug).url_for(row["path"])
                assert (url in changed_urls) == moved, url
        # Storage grows with changes: one observation per listing plus one per change.
        listings = len(expected("demo_hongxing", 1)) + len(expected("demo_lantian", 1))
        history_rows = sum(
            len(obs) for url in current_by_url(store) for _, obs in store.history(url)
        )
        assert history_rows == listings - 1 + len(changes)  # LT-1020 is gone, not current


@pytest.mark.browser
def test_extract_reads_all_three_demo_shops(demo: DemoServer, tmp_path: Any, chromium: str) -> None:
    """`pricewatch extract --json` gives every demo product's price, in the order given."""
    urls: list[str] = []
    wanted: list[dict[str, Any]] = []
    for slug in ("demo_hongxing", "demo_lantian", "demo_yunshang"):
        for row in expected(slug, 1):
            urls.append(demo.shop(slug).url_for(row["path"]))
            wanted.append(row)
    hosts = [f"--base-url={s.slug}={s.url}" for s in demo.shops]
    result = pricewatch("extract", "--json", *hosts, *urls, db_url=f"sqlite:///{tmp_path}/x.db")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["url"] for line in lines] == urls
    for line, row in zip(lines, wanted, strict=True):
        assert line["error"] is None, line
        assert Decimal(line["price"]) == Decimal(row["price"]), line["url"]
        assert line["currency"] == "CNY"
        assert line["availability"] == row["availability"], line["url"]
        assert line["sku"] == row["sku"], line["url"]
        for key in ("title", "list_price", "gtin", "brand", "extracted_by"):
            assert key in line
    by_shop = {line["shop"]: line["extracted_by"] for line in lines}
    assert by_shop == {
        "demo_hongxing": "json-ld",
        "demo_lantian": "selectors",
        "demo_yunshang": "selectors",
    }


def test_extract_reports_errors_per_url(demo: DemoServer, tmp_path: Any) -> None:
    """A missing page and a page without a price each get an error; good URLs still work."""
    shop = demo.shop("demo_hongxing")
    urls = [shop.url_for("/products/no-such-thing"), shop.url_for("/cart"), shop.url]
    good = shop.url_for(expected("demo_hongxing", 1)[0]["path"])
    result = pricewatch("extract", "--json", *urls, good, db_url=f"sqlite:///{tmp_path}/x.db")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["url"] for line in lines] == [*urls, good]
    assert lines[0]["price"] is None and lines[0]["error"].startswith("HTTP 404")
    assert lines[1]["error"] == "robots: forbidden by robots.txt"
    assert lines[2]["price"] is None and "no price" in lines[2]["error"]
    assert lines[3]["error"] is None and lines[3]["price"]
    assert result.returncode == 0  # at least one URL worked


def _free_port_block(size: int = 3) -> int:
    for base in range(20_000 + os.getpid() % 20_000, 60_000, 7):
        sockets = []
        try:
            for offset in range(size):
                s = socket.socket()
                s.bind(("127.0.0.1", base + offset))
                sockets.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free block of ports")


@pytest.mark.browser
def test_demo_command_end_to_end(tmp_path: Any, chromium: str) -> None:
    """`pricewatch demo` serves, crawls twice and prints the changes and the gone product,
    captures the hot lists, then writes the client's report with their relevant topics (into
    the current directory's reports/out/: a temporary one here, not the checkout)."""
    port = _free_port_block(10)  # the shops on port..port+2, the hot lists on port+9
    result = pricewatch(
        "demo", "--port", str(port), db_url=f"sqlite:///{tmp_path}/demo.db", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "what changed between the two rounds" in out
    assert "Changes (19)" in out
    assert "gone (HTTP 404): demo_lantian" in out
    assert "44 demo listings tracked" in out
    assert "failed source: weibo: blocked" in out
    assert out.index("trending topics about demo-lanhai") < out.index("the report for demo-lanhai")
    [html] = (tmp_path / "reports" / "out" / "demo-lanhai").glob("*/demo-lanhai-*.html")
    section = html.read_text("utf-8").split("与您商品相关的热门话题")[1].split("<footer>")[0]
    assert "戴森吹风机新品发布" in section and "LH-1003" in section
    assert "本期没有与您商品相关的热门话题" not in section
    assert "家电以旧换新补贴加码" in section.split("多平台热议")[1]  # weibo and baidu


def test_scrapy_commands_work_from_the_repository_root(demo: DemoServer, tmp_path: Any) -> None:
    """`scrapy list` / `scrapy crawl SHOP` use pricewatch's settings through scrapy.cfg."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    scrapy = [sys.executable, "-m", "scrapy"]
    listed = subprocess.run([*scrapy, "list"], cwd=root, capture_output=True, text=True, check=True)
    assert {"demo_hongxing", "demo_lantian", "demo_yunshang"} <= set(listed.stdout.split())
    db_url = f"sqlite:///{tmp_path}/scrapy.db"
    shop = demo.shop("demo_hongxing")
    subprocess.run(
        [
            *scrapy,
            "crawl",
            "demo_hongxing",
            "-a",
            f"base_url={shop.url}",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=root,
        env={**os.environ, "PRICEWATCH_DB_URL": db_url},
        check=True,
        timeout=120,
    )
    with Store.from_url(db_url) as store:
        assert len(store.current_prices()) == len(expected("demo_hongxing", 1))


def test_long_crawls_show_progress(demo: DemoServer, tmp_path: Any) -> None:
    """`pricewatch crawl` prints progress lines while it runs, then a summary line per shop."""
    shop = demo.shop("demo_lantian")
    result = pricewatch(
        "crawl",
        "demo_lantian",
        "--base-url",
        f"demo_lantian={shop.url}",
        "-s",
        "PRICEWATCH_PROGRESS_INTERVAL=0.05",
        "-s",
        "DOWNLOAD_DELAY=0.05",
        db_url=f"sqlite:///{tmp_path}/p.db",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "demo_lantian: " in result.stderr and " pages/s" in result.stderr
    assert result.stdout.startswith("demo_lantian: finished; 29 pages, 25 new prices")


def test_demo_serve_keeps_the_shops_up_until_interrupted(tmp_path: Any) -> None:
    """`pricewatch demo --serve` prints the shop URLs, serves them, switches rounds on SIGUSR1."""
    import signal
    import time
    import urllib.request

    port = _free_port_block()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pricewatch", "demo", "--serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines: list[str] = []
        assert proc.stdout is not None
        while not any(line.startswith("(pid ") for line in lines):
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else "no output"
            lines.append(line)
        assert any(f"http://127.0.0.1:{port + 1}/" in line for line in lines)
        url = f"http://127.0.0.1:{port + 1}/item/LT-1020.html"  # removed in round 2
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
        proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        status = 200
        while status == 200 and time.monotonic() < deadline:
            time.sleep(0.1)
            try:
                urllib.request.urlopen(url, timeout=10).close()
            except urllib.error.HTTPError as exc:
                status = exc.code
        assert status == 404
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    assert proc.returncode == 0
