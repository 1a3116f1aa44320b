"""The shipped schedules/example.toml, run unattended by a real daemon against the real demo.

``pricewatch demo --serve`` (on the demo's own ports, as the example expects) serves the shops
and hot lists and seeds the demo client; the daemon runs the example's jobs on a second-level
cadence (the only change made to the file) and must crawl every shop, capture the hot lists and
write the client's report by itself.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_faults import child_env

from pricewatch.daemon.state import StateFile
from pricewatch.db import Store

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "schedules" / "example.toml"
DEMO_PORTS = (8801, 8802, 8803, 8810)


def _ports_free() -> bool:
    for port in DEMO_PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def fast(text: str) -> str:
    """The example with every job every 4 s and no daily window (nothing else changed)."""
    text = re.sub(r'^(cron|every) = "[^"]*"', 'every = "4s"', text, flags=re.M)
    return re.sub(r"^(window|jitter) = .*$", "", text, flags=re.M)


@pytest.mark.browser
def test_the_example_schedules_crawl_capture_and_report_unattended(
    chromium: str, tmp_path: Path
) -> None:
    if not _ports_free():
        pytest.fail(f"the example schedules need the demo's ports {DEMO_PORTS} free")
    db_url = f"sqlite:///{tmp_path / 'example.db'}"
    env = child_env(db_url, {"PRICEWATCH_CHROMIUM": chromium})
    schedules = tmp_path / "schedules"
    schedules.mkdir()
    (schedules / "example.toml").write_text(fast(EXAMPLE.read_text("utf-8")), "utf-8")
    demo = subprocess.Popen(
        [sys.executable, "-m", "pricewatch", "demo", "--serve"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    daemon = None
    try:
        assert demo.stdout is not None
        for line in demo.stdout:
            if line.startswith(b"demo client:"):
                break
        else:
            pytest.fail("demo --serve ended before seeding the demo client")
        check = subprocess.run(
            [sys.executable, "-m", "pricewatch", "schedules", "check", str(schedules)],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert check.returncode == 0, check.stderr
        log = (tmp_path / "daemon.log").open("wb")
        daemon = subprocess.Popen(
            [sys.executable, "-m", "pricewatch", "daemon", "--schedules", str(schedules),
             "--state-dir", str(tmp_path / "state"), "--log-dir", str(tmp_path / "logs")],
            env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        jobs = {
            "demo-electronics", "demo-daily-goods", "demo-weibo", "demo-zhihu", "demo-baidu",
            "demo-lanhai-daily-report",
        }  # fmt: skip
        deadline = time.monotonic() + 300
        done: set[str] = set()
        while time.monotonic() < deadline and done != jobs:
            assert daemon.poll() is None, (tmp_path / "daemon.log").read_text()
            state = StateFile.read(tmp_path / "state")
            done = {name for name, job in state.jobs.items() if job.last_outcome == "ok"}
            time.sleep(1)
        assert done == jobs, (
            (tmp_path / "daemon.log").read_text(),
            StateFile.read(tmp_path / "state").jobs,
        )
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=90) == 0
    finally:
        for proc in (daemon, demo):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
    with Store.from_url(db_url) as store:
        finished = {r.spider for r in store.runs(limit=500) if r.status == "finished"}
        assert {"demo_hongxing", "demo_lantian", "demo_yunshang"} <= finished
        assert {"weibo", "zhihu", "baidu"} <= finished
        assert {s.source for s in store.topic_sources() if s.last_success} >= {"zhihu", "baidu"}
        assert store.reports(client="demo-lanhai")
    reports = list((tmp_path / "reports" / "out" / "demo-lanhai").glob("*/*"))
    assert {p.suffix for p in reports} >= {".html", ".xlsx"}, reports
