"""The daemon as a real process with real signals, crawling a local shop on second-level schedules.

Each test starts ``pricewatch daemon`` with its own schedule files, state directory, log
directory and SQLite database, against ``demo_hongxing`` served by a mock server
(``args = { base_url = ... }``), and watches what it records.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from mockserver import MockServer, Reply, product_page
from test_faults import FAST_SETTINGS, SHOP, child_env

from pricewatch.daemon.state import StateFile
from pricewatch.db import Store

HOME = '<a href="/products/kettle">Kettle</a>'


class Daemon:
    """One ``pricewatch daemon`` process and its directories."""

    def __init__(self, tmp: Path, db_url: str, *extra: str) -> None:
        self.tmp, self.db_url = tmp, db_url
        self.schedules = tmp / "schedules"
        self.state_dir = tmp / "state"
        self.stderr = tmp / "daemon.log"
        self.extra = extra
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Daemon:
        cmd = [
            sys.executable, "-m", "pricewatch", "daemon",
            "--schedules", str(self.schedules),
            "--state-dir", str(self.state_dir),
            "--log-dir", str(self.tmp / "logs"),
            "--stop-grace", "5s",
            *self.extra,
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd,
            env=child_env(self.db_url),
            stdout=subprocess.DEVNULL,
            stderr=self.stderr.open("ab"),
            cwd=self.tmp,
        )
        return self

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def stop(self, timeout: float = 60) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def log(self) -> str:
        return self.stderr.read_text(errors="replace") if self.stderr.exists() else ""

    def state(self) -> Any:
        return StateFile.read(self.state_dir)

    def runs(self) -> list[Any]:
        with Store.from_url(self.db_url) as store:
            return list(reversed(store.runs(limit=1000)))

    def wait(self, what: str, check: Callable[[], bool], timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                pytest.fail(
                    f"daemon exited ({self.proc.returncode}) waiting for {what}:\n{self.log()}"
                )
            try:
                if check():
                    return
            except Exception:
                pass  # the database or state file may not exist yet
            time.sleep(0.3)
        pytest.fail(f"timed out waiting for {what}:\n{self.log()}")

    def status(self) -> tuple[int, dict[str, Any]]:
        proc = subprocess.run(
            [sys.executable, "-m", "pricewatch", "status", "--json", "--state-dir",
             str(self.state_dir)],
            env=child_env(self.db_url), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        return proc.returncode, json.loads(proc.stdout)


def finished(daemon: Daemon) -> int:
    return sum(r.status == "finished" for r in daemon.runs())


def run(daemon: Daemon, run_id: int) -> Any:
    return next(r for r in daemon.runs() if r.id == run_id)


def crawl_job(name: str, base_url: str, every: str = "3s", **extra: str) -> str:
    settings = ", ".join(f"{k} = {json.dumps(v)}" for k, v in FAST_SETTINGS.items())
    lines = [
        "[[job]]",
        f'name = "{name}"',
        f'crawl = ["{SHOP}"]',
        f'every = "{every}"',
        f"settings = {{ {settings} }}",
        f'args = {{ base_url = "{base_url}" }}',
        *(f"{k} = {json.dumps(v)}" for k, v in extra.items()),
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def shop() -> Iterator[MockServer]:
    routes = {
        "/": Reply(body=HOME),
        "/products/kettle": Reply(body=product_page("Kettle", "99.00")),
    }
    with MockServer(routes) as server:
        yield server


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[Daemon]:
    d = Daemon(tmp_path, f"sqlite:///{tmp_path / 'daemon.db'}")
    d.schedules.mkdir()
    yield d
    if d.proc is not None and d.proc.poll() is None:
        d.proc.kill()
        d.proc.wait()


def test_jobs_run_and_are_recorded_status_shows_them_sigterm_is_graceful(
    daemon: Daemon, shop: MockServer
) -> None:
    (daemon.schedules / "shops.toml").write_text(crawl_job("kettles", shop.base_url))
    daemon.start()
    daemon.wait(
        "two finished crawls", lambda: sum(r.status == "finished" for r in daemon.runs()) >= 2
    )
    code, report = daemon.status()
    assert code == 0 and report["daemon"]["state"] == "up", report
    job = report["jobs"]["kettles"]
    assert job["last_outcome"] == "ok" and job["next_run_at"] and job["runs"] >= 2
    assert report["shops"][SHOP]["listings"] == 1
    runs = daemon.runs()
    assert all(r.log_file and Path(r.log_file).exists() for r in runs if r.status == "finished")
    assert daemon.stop() == 0, daemon.log()
    assert "daemon stopped" in daemon.log()
    assert daemon.state().stopped_at is not None
    code, report = daemon.status()
    assert code == 1 and report["daemon"]["state"] == "down"
    # Every run that started was closed (none left "running").
    assert all(r.status != "running" for r in daemon.runs())


def test_a_hanging_crawl_times_out_a_killed_one_is_recorded_and_the_next_run_happens(
    daemon: Daemon,
) -> None:
    routes = {"/": Reply(body=HOME), "/products/kettle": Reply(body=product_page(), delay=60)}
    with MockServer(routes) as server:
        (daemon.schedules / "hang.toml").write_text(
            crawl_job("hang", server.base_url, every="2s", timeout="3s")
        )
        daemon.start()
        daemon.wait("a timed-out run", lambda: any(r.status == "timed_out" for r in daemon.runs()))
        first = next(r for r in daemon.runs() if r.status == "timed_out")
        assert first.error is not None and "timed out after 3s" in first.error
        # The next run happens, and killing it from outside is recorded as killed.
        daemon.wait(
            "a later run with a pid",
            lambda: any(r.id > first.id and r.status == "running" and r.pid for r in daemon.runs()),
        )
        victim = next(r for r in daemon.runs() if r.id > first.id and r.status == "running")
        assert victim.pid is not None
        os.kill(victim.pid, signal.SIGKILL)
        daemon.wait("the killed run recorded", lambda: run(daemon, victim.id).status == "killed")
        daemon.wait(
            "a run after the killed one", lambda: any(r.id > victim.id for r in daemon.runs())
        )
        assert daemon.state().jobs["hang"].last_outcome in ("killed", "timed_out")
        assert daemon.stop() == 0


def test_sighup_reloads_and_a_bad_file_keeps_the_running_schedule(
    daemon: Daemon, shop: MockServer
) -> None:
    (daemon.schedules / "a.toml").write_text(crawl_job("a", shop.base_url, every="1h"))
    daemon.start()
    daemon.wait("job a scheduled", lambda: daemon.state().jobs["a"].next_run_at is not None)
    (daemon.schedules / "b.toml").write_text(crawl_job("b", shop.base_url, every="2s"))
    daemon.signal(signal.SIGHUP)
    daemon.wait("job b run after the reload", lambda: daemon.state().jobs["b"].runs >= 1)
    (daemon.schedules / "c.toml").write_text('[[job]]\nname = "c"\ncrawl = ["nosuchshop"]\n')
    reload = subprocess.run(  # the command sends the SIGHUP itself
        [sys.executable, "-m", "pricewatch", "schedules", "reload", "--state-dir",
         str(daemon.state_dir)],
        env=child_env(daemon.db_url), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert reload.returncode == 0, reload.stderr
    assert f"asked daemon {daemon.proc.pid} to reload" in reload.stdout  # type: ignore[union-attr]
    daemon.wait("the refused reload logged", lambda: "reload refused" in daemon.log())
    assert "c.toml: job 'c': crawl: unknown shop 'nosuchshop'" in daemon.log()
    runs_b = daemon.state().jobs["b"].runs
    daemon.wait(
        "job b still running on the old schedule", lambda: daemon.state().jobs["b"].runs > runs_b
    )
    assert set(daemon.state().jobs) == {"a", "b"}
    assert daemon.stop() == 0


def test_a_bad_schedule_is_refused_at_start(daemon: Daemon) -> None:
    (daemon.schedules / "bad.toml").write_text(
        '[[job]]\nname = "x"\ncrawl = ["demo_hongxing"]\ncron = "61 * * * *"\n'
    )
    daemon.start()
    assert daemon.proc is not None
    assert daemon.proc.wait(timeout=60) == 1
    log = daemon.log()
    assert "bad.toml: job 'x': cron: '61 * * * *'" in log
    assert not (daemon.state_dir / "daemon.json").exists()


def test_a_restart_runs_a_missed_job_once_and_repeats_nothing(
    daemon: Daemon, shop: MockServer
) -> None:
    (daemon.schedules / "shops.toml").write_text(crawl_job("kettles", shop.base_url, every="4s"))
    daemon.start()
    daemon.wait("a finished crawl", lambda: any(r.status == "finished" for r in daemon.runs()))
    assert daemon.stop() == 0
    before = len(daemon.runs())
    due = daemon.state().jobs["kettles"].next_run_at
    assert due is not None
    time.sleep(max(0.0, due.timestamp() - time.time()) + 9)  # at least two runs missed
    daemon.start()
    daemon.wait("the catch-up run", lambda: len(daemon.runs()) > before)
    time.sleep(2.5)  # the next regular run is 4 s after the catch-up one
    assert daemon.stop() == 0
    new = [r.started_at.timestamp() for r in daemon.runs()[before:]]
    # One catch-up run for the missed ones (coalesced), the rest on the 4 s cadence.
    assert all(b - a >= 3 for a, b in pairwise(new)), new
    assert "missed its run" in daemon.log()


def test_metrics_endpoint(daemon: Daemon, shop: MockServer) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    daemon.extra = ("--metrics", f"127.0.0.1:{port}")
    (daemon.schedules / "shops.toml").write_text(crawl_job("kettles", shop.base_url, every="2s"))
    daemon.start()
    daemon.wait("a finished crawl", lambda: any(r.status == "finished" for r in daemon.runs()))

    def scrape() -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
            return resp.read().decode()

    daemon.wait(
        "job metrics", lambda: 'pricewatch_job_runs_total{job="kettles",outcome="ok"}' in scrape()
    )
    text = scrape()
    assert f'pricewatch_crawl_runs_total{{outcome="ok",spider="{SHOP}"}}' in text
    assert f'pricewatch_last_success_timestamp_seconds{{spider="{SHOP}"}}' in text
    assert "pricewatch_jobs_waiting 0.0" in text
    assert daemon.stop() == 0


def test_the_daemon_crawls_the_demo_shops_under_a_process_cap(daemon: Daemon) -> None:
    from pricewatch.demo import DemoServer, expected

    with DemoServer(base_port=0) as demo:
        urls = {s.slug: s.url for s in demo.shops}
        jobs = "".join(
            crawl_job(slug, urls[slug], every="2s").replace(f'["{SHOP}"]', f'["{slug}"]')
            for slug in ("demo_hongxing", "demo_lantian")
        )
        (daemon.schedules / "demo.toml").write_text(jobs)
        daemon.extra = ("--max-processes", "1")
        daemon.start()

        def both_crawled() -> bool:
            done = {r.spider for r in daemon.runs() if r.status == "finished"}
            return {"demo_hongxing", "demo_lantian"} <= done

        daemon.wait("both demo shops crawled", both_crawled)
        assert daemon.stop() == 0
    with Store.from_url(daemon.db_url) as store:
        for slug in ("demo_hongxing", "demo_lantian"):
            assert len(store.current_prices(shop=slug)) == len(expected(slug)), slug
    # One crawl process at a time: no two runs overlapped.
    spans = sorted((r.started_at, r.finished_at) for r in daemon.runs() if r.finished_at)
    assert all(later[0] >= earlier[1] for earlier, later in pairwise(spans)), spans
