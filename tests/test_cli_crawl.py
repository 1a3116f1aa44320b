"""``pricewatch crawl`` as cron sees it: one line per problem, exit codes, Ctrl-C, --url checks.

Each crawl runs the real command in a subprocess (Twisted's reactor runs once per process)
against a local server standing in for the demo_lantian shop (``--base-url``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from mockserver import MockServer, Reply, product_page

from pricewatch.cli.crawl import _find_served_demo
from pricewatch.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
LISTING = "/category/all?page=1"
FAST = ["-s", "RETRY_TIMES=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_TIMEOUT=5"]


def listing(*paths: str) -> str:
    links = "".join(f'<a class="product-link" href="{p}">{p}</a>' for p in paths)
    return f"<html><body><h1>全部商品</h1>{links}</body></html>"


def crawl(
    db: Path, base_url: str, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pricewatch",
            "crawl",
            "demo_lantian",
            "--base-url",
            f"demo_lantian={base_url}",
            *FAST,
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PRICEWATCH_DB_URL": f"sqlite:///{db}"},
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_dead_shop_is_one_line_per_problem_and_exit_3(tmp_path: Path) -> None:
    done = crawl(tmp_path / "dead.db", f"http://127.0.0.1:{closed_port()}/")
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "Gave up retrying" not in done.stderr
    assert "/category/all?page=1: connection (" in done.stderr
    assert "warning: demo_lantian: nothing stored: the shop did not answer (connection: 1)" in (
        done.stderr
    )
    assert "1 failures (connection: 1)" in done.stdout
    assert len(done.stderr.splitlines()) <= 4  # "crawling", the URL, the warning (+ progress)


def test_no_product_pages_found_warns_and_exits_3(tmp_path: Path) -> None:
    with MockServer({LISTING: Reply(body=listing())}) as server:
        done = crawl(tmp_path / "empty.db", server.base_url)
    assert done.returncode == 3, done.stderr
    assert "nothing stored: no product pages found on the 2 pages fetched" in done.stderr


def test_partial_crawl_exits_1_and_lists_failed_urls(tmp_path: Path) -> None:
    routes = {
        LISTING: Reply(body=listing("/item/AB-1.html", "/item/AB-2.html")),
        "/item/AB-1.html": Reply(body=product_page("保温杯", "99.00")),
        "/item/AB-2.html": Reply(status=500),
    }
    with MockServer(routes) as server:
        done = crawl(tmp_path / "partial.db", server.base_url)
    assert done.returncode == 1, done.stderr
    assert "1 new prices" in done.stdout and "(http_500: 1)" in done.stdout
    assert f"{server.url('/item/AB-2.html')}: http_500" in done.stderr
    assert "nothing stored" not in done.stderr


def test_url_of_another_host_is_a_usage_error() -> None:
    result = CliRunner().invoke(
        cli, ["crawl", "demo_lantian", "--url", "https://elsewhere.example/item/AB-1.html"]
    )
    assert result.exit_code == 2
    assert "is not on demo_lantian's host (127.0.0.1)" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_url_that_answers_404_is_reported(tmp_path: Path) -> None:
    with MockServer({}) as server:
        done = crawl(tmp_path / "404.db", server.base_url, "--url", server.url("/item/AB-9.html"))
    assert done.returncode == 3, done.stderr
    assert f"{server.url('/item/AB-9.html')}: http_404" in done.stderr
    assert "(http_404: 1)" in done.stdout


def test_ctrl_c_says_at_once_what_it_finishes(tmp_path: Path) -> None:
    products = [f"/item/AB-{i}.html" for i in range(40)]
    routes = {LISTING: Reply(body=listing(*products))}
    routes.update({p: Reply(body=product_page(p, "10.00"), delay=3.0) for p in products})
    with MockServer(routes) as server:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pricewatch",
                "crawl",
                "demo_lantian",
                "--base-url",
                f"demo_lantian={server.base_url}",
                *FAST,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PRICEWATCH_DB_URL": f"sqlite:///{tmp_path / 'stop.db'}"},
        )
        deadline = time.monotonic() + 60
        while server.hits() < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.hits() >= 3, "the crawl never reached the product pages"
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        sent = time.monotonic()
        assert process.stderr is not None
        line = ""
        while "stopping" not in line and time.monotonic() - sent < 10:
            line = process.stderr.readline()
        assert time.monotonic() - sent < 2, "the message came late"
        assert line.startswith("stopping, finishing ")
        assert line.rstrip().endswith("requests in flight (Ctrl-C again to stop now)")
        in_flight = int(line.split()[2])
        assert 1 <= in_flight <= 40
        out, _ = process.communicate(timeout=60)
        hits_after = server.hits()
    assert process.returncode == 130
    assert "demo_lantian: shutdown;" in out
    # Nothing new was scheduled: at most the requests in flight were fetched after the signal.
    assert hits_after <= 3 + in_flight


def test_crawl_finds_demo_shops_moved_by_demo_serve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import pricewatch.demo.run as demo_run

    state = tmp_path / "demo-serve.json"
    monkeypatch.setattr(demo_run, "served_file", lambda: state)
    kwargs: dict[str, dict[str, str]] = {"demo_lantian": {}, "demo_hongxing": {"base_url": "x"}}
    _find_served_demo(kwargs)
    assert kwargs["demo_lantian"] == {}  # nothing served
    urls = {"demo_lantian": "http://127.0.0.1:9802/", "demo_hongxing": "http://127.0.0.1:9801/"}
    state.write_text(json.dumps({"pid": os.getpid(), "urls": urls}))
    _find_served_demo(kwargs)
    assert kwargs == {
        "demo_lantian": {"base_url": "http://127.0.0.1:9802/"},
        "demo_hongxing": {"base_url": "x"},  # --base-url given: kept
    }
    state.write_text(json.dumps({"pid": 2**22 + 12345, "urls": urls}))  # no such process
    assert demo_run.served_demo_urls() == {}


def test_crawl_reaches_the_demo_served_on_other_ports(tmp_path: Path) -> None:
    """`demo --serve --port N`, then plain `crawl demo_lantian` crawls the moved shop."""
    import re

    from pricewatch.demo.run import served_demo_urls, served_file

    port = closed_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "pricewatch", "demo", "--serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert serve.stdout is not None
        for line in serve.stdout:
            if line.startswith("(pid "):
                break
        deadline = time.monotonic() + 10
        while not served_demo_urls() and time.monotonic() < deadline:
            time.sleep(0.05)
        lantian = served_demo_urls()["demo_lantian"]
        assert re.fullmatch(rf"http://127\.0\.0\.1:{port + 1}/", lantian)
        done = subprocess.run(
            [sys.executable, "-m", "pricewatch", "crawl", "demo_lantian", *FAST],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            env={**os.environ, "PRICEWATCH_DB_URL": f"sqlite:///{tmp_path / 'moved.db'}"},
        )
        assert done.returncode == 0, done.stderr
        assert f"demo_lantian: at {lantian} (served by 'pricewatch demo --serve')" in done.stderr
        assert " 0 new prices" not in done.stdout
        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=10) == 0
        assert not served_file().exists()
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
