"""The store pipeline: batches flushed on a timer, heartbeats while waiting, records only.

The crawls run as real ``pricewatch crawl`` processes against a local mock server, with the
database read from the test while the crawl is still waiting on a slow page.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mockserver import MockServer, Reply, product_page
from scrapy.utils.test import get_crawler
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_faults import SHOP, child_env, crawl_command

from pricewatch.db import Store
from pricewatch.db.models import CrawlRun
from pricewatch.items import ProductItem
from pricewatch.pipelines.store import StorePipeline
from pricewatch.spiders.shops.demo_hongxing import DemoHongxingSpider

STALL_S = 6.0


def test_items_are_stored_and_the_run_beats_while_a_page_stalls(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    routes = {
        "/products/quick": Reply(body=product_page("Quick", "19.90")),
        "/products/slow": Reply(body=product_page("Slow", "29.90"), delay=STALL_S),
    }
    with MockServer(routes) as server:
        cmd = crawl_command(
            server.base_url,
            [server.url("/products/quick"), server.url("/products/slow")],
            {"PRICEWATCH_STORE_FLUSH_SECONDS": 0.5, "PRICEWATCH_HEARTBEAT_SECONDS": 0.5},
        )
        started = time.monotonic()
        proc = subprocess.Popen(
            cmd, env=child_env(db_url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        try:
            stored_after = beats = None
            seen_beats: set[object] = set()
            while proc.poll() is None and time.monotonic() - started < STALL_S - 0.5:
                time.sleep(0.2)
                try:
                    with Store.from_url(db_url) as store:
                        prices = store.current_prices()
                        with Session(store.engine) as session:
                            beat = session.scalar(select(CrawlRun.heartbeat_at))
                except Exception:  # the crawl may not have created the database yet
                    continue
                if beat is not None:
                    seen_beats.add(beat)
                if prices and stored_after is None:
                    stored_after = time.monotonic() - started
            beats = len(seen_beats)
            still_running = proc.poll() is None
            output = proc.communicate(timeout=60)[0].decode()
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, output
    # The quick page's price was committed while the slow page still stalled the crawl.
    assert still_running, output
    assert stored_after is not None and stored_after < STALL_S - 0.5, output
    # ... and the run's heartbeat kept moving during the stall (a stuck crawl looks alive
    # only while its process is really there).
    assert beats is not None and beats >= 3, (beats, output)
    with Store.from_url(db_url) as store:
        assert sorted(p.title or "" for p in store.current_prices(shop=SHOP)) == ["Quick", "Slow"]


def test_anything_but_a_record_is_refused(tmp_path: Path) -> None:
    crawler = get_crawler(
        DemoHongxingSpider, {"PRICEWATCH_DB_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    )
    pipeline = StorePipeline.from_crawler(crawler)
    from pricewatch.extract import Extraction

    item = ProductItem(Extraction(url="https://shop.example/p/1"), shop="demo_hongxing")
    with pytest.raises(TypeError, match="validate pipeline"):
        asyncio.run(pipeline.process_item(item))
    with pytest.raises(TypeError, match="got a dict"):
        asyncio.run(pipeline.process_item({"url": "x"}))


def test_crawl_script_runs_from_any_directory(tmp_path: Path) -> None:
    # The crawl child finds pricewatch's settings without scrapy.cfg (the launcher relies on it
    # through SCRAPY_SETTINGS_MODULE, the CLI through its own settings bootstrap).
    proc = subprocess.run(
        [sys.executable, "-m", "pricewatch", "shops", "list"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert SHOP in proc.stdout
