"""The launcher: one ``scrapy crawl`` process per job, its log, timeout and recorded outcome.

Jobs crawl the ``demo_hongxing`` shop at a local mock server (``-a base_url=...``), so every
child is a real crawl with the real settings, pipelines and database.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from mockserver import MockServer, Reply, product_page
from test_faults import FAST_SETTINGS, SHOP

from pricewatch.crawl.launcher import CrawlJob, Launcher, crawl_command
from pricewatch.db import Store

HOME = '<a href="/products/kettle">Kettle</a> <a href="/products/slow">Slow</a>'


def _server(slow_delay: float = 0.0) -> MockServer:
    return MockServer(
        {
            "/": Reply(body=HOME),
            "/products/kettle": Reply(body=product_page("Kettle", "99.00")),
            "/products/slow": Reply(body=product_page("Slow", "19.00"), delay=slow_delay),
        }
    )


def _launcher(tmp_path: Path) -> tuple[Launcher, Store]:
    db_url = f"sqlite:///{tmp_path / 'launcher.db'}"
    store = Store.from_url(db_url)
    return Launcher(store, log_dir=tmp_path / "logs", db_url=db_url), store


def test_command_line_passes_settings_and_arguments() -> None:
    job = CrawlJob(
        SHOP,
        settings={"DOWNLOAD_DELAY": 1.5, "ITEM_PIPELINES": {"a.B": 1}, "LOG_LEVEL": "INFO"},
        args={"base_url": "http://127.0.0.1:1"},
    )
    cmd = crawl_command(job, 7, "sqlite:///x.db")
    assert cmd[1:5] == ["-m", "scrapy", "crawl", SHOP]
    assert "DOWNLOAD_DELAY=1.5" in cmd and 'ITEM_PIPELINES={"a.B": 1}' in cmd
    assert "PRICEWATCH_RUN_ID=7" in cmd and "PRICEWATCH_DB_URL=sqlite:///x.db" in cmd
    assert cmd[-2:] == ["-a", "base_url=http://127.0.0.1:1"]


def test_a_job_runs_its_crawl_and_records_the_outcome(tmp_path: Path) -> None:
    launcher, store = _launcher(tmp_path)
    with _server() as server:
        result = launcher.run(
            CrawlJob(SHOP, settings=FAST_SETTINGS, args={"base_url": server.base_url})
        )
    assert result.ok, result.log_file.read_text()
    assert (result.run.status, result.exit_code) == ("finished", 0)
    assert result.run.log_file == str(result.log_file)
    assert result.log_file.name == f"{SHOP}-{result.run.id}.log"
    assert result.run.items_scraped == 2  # the child took over the launcher's run
    assert len(store.runs()) == 1
    assert sorted(p.title or "" for p in store.current_prices()) == ["Kettle", "Slow"]


def test_a_job_past_its_timeout_is_stopped_and_recorded_timed_out(tmp_path: Path) -> None:
    launcher, store = _launcher(tmp_path)
    with _server(slow_delay=30) as server:
        started = time.monotonic()
        result = launcher.run(
            CrawlJob(
                SHOP,
                settings={**FAST_SETTINGS, "DOWNLOAD_TIMEOUT": 60},
                args={"base_url": server.base_url},
                timeout=4,
                grace=5,
            )
        )
        elapsed = time.monotonic() - started
    assert result.timed_out and result.run.status == "timed_out"
    assert result.run.error is not None and "timed out after 4s" in result.run.error
    assert elapsed < 4 + 5 + 15  # terminated (then killed at worst), not left to finish
    # The page that answered in time was stored before the stop.
    assert [p.title for p in store.current_prices()] == ["Kettle"]


def test_a_crashing_job_is_recorded_failed_with_the_log_line(tmp_path: Path) -> None:
    launcher, _ = _launcher(tmp_path)
    result = launcher.run(CrawlJob("no_such_spider"))
    assert result.exit_code not in (0, None)
    assert result.run.status == "failed"
    assert result.run.error is not None and "no_such_spider" in result.run.error
    assert "no_such_spider" in result.log_file.read_text()


def test_a_job_killed_from_outside_is_recorded_killed(tmp_path: Path) -> None:
    launcher, store = _launcher(tmp_path)
    with _server(slow_delay=30) as server:
        running = launcher.start(
            CrawlJob(
                SHOP,
                settings={**FAST_SETTINGS, "DOWNLOAD_TIMEOUT": 60},
                args={"base_url": server.base_url},
            )
        )
        deadline = time.monotonic() + 30
        while not store.current_prices() and time.monotonic() < deadline:
            time.sleep(0.2)
        os.kill(running.pid, signal.SIGKILL)
        result = running.wait()
    assert (result.exit_code, result.run.status) == (-signal.SIGKILL, "killed")
    assert result.run.error == "crawl process killed by SIGKILL"
    # The next job still runs.
    with _server() as server:
        again = launcher.run(
            CrawlJob(SHOP, settings=FAST_SETTINGS, args={"base_url": server.base_url})
        )
    assert again.ok
