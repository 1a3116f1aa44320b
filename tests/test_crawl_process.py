"""pricewatch.crawl.process: ``pricewatch extract --timeout`` answers in bounded time.

A page that stalls must give a ``timeout`` error after about ``--timeout`` seconds, fetched
once (no retries), while the other URLs of the same call are still read. Crawls keep their
retries: the timeouts only apply to ``run_extract``. Each extraction runs in a subprocess
(Twisted's reactor starts once per process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pricewatch.cli.main import cli
from pricewatch.crawl.process import interactive_timeouts, project_settings
from tests.mockserver import MockServer, Reply

PAGE = (
    Path(__file__).parent / "fixtures" / "pages" / "bookstoscrape-sharp-objects.html"
).read_bytes()


def extract(*args: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "PRICEWATCH_DB_URL": f"sqlite:///{tmp_path}/x.db"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pricewatch", "extract", "--json", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result, time.monotonic() - started


def test_a_stalled_page_is_a_timeout_error_and_is_not_retried(tmp_path: Path) -> None:
    routes = {
        "/stalls": Reply(body="<html>late</html>", delay=8),
        "/book": Reply(body=PAGE, content_type="text/html"),
    }
    with MockServer(routes, robots_txt="User-agent: *\nAllow: /\n") as server:
        result, elapsed = extract(
            "--timeout", "1.5", server.url("/stalls"), server.url("/book"), tmp_path=tmp_path
        )
        hits = server.hits("/stalls")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["url"] for line in lines] == [server.url("/stalls"), server.url("/book")]
    assert lines[0]["price"] is None
    assert lines[0]["error"].startswith("timeout: "), lines[0]
    assert lines[1]["error"] is None and lines[1]["price"] == "47.82"
    assert hits == 1  # no retry after the timeout
    assert elapsed < 7, elapsed  # well before the page would have answered (8 s)
    assert result.returncode == 0  # one URL worked


def test_only_failures_exit_non_zero(tmp_path: Path) -> None:
    with MockServer({"/stalls": Reply(body="x", delay=5)}, robots_txt="") as server:
        result, _ = extract("--timeout", "1", server.url("/stalls"), tmp_path=tmp_path)
    assert result.returncode != 0
    assert json.loads(result.stdout)["error"].startswith("timeout: ")


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_timeout_must_be_a_positive_number(value: str) -> None:
    result = CliRunner().invoke(cli, ["extract", "--timeout", value, "http://x.example/"])
    assert result.exit_code == 2
    assert "--timeout" in result.output


def test_interactive_timeouts_bound_every_wait_and_drop_retries() -> None:
    settings = interactive_timeouts(2.5)
    assert settings["DOWNLOAD_TIMEOUT"] == 2.5
    assert settings["DNS_TIMEOUT"] == 2.5
    assert settings["RETRY_ENABLED"] is False
    assert settings["PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT"] == 2500
    assert settings["PRICEWATCH_RENDER_TIMEOUT_MS"] == 2500
    # A long timeout never lengthens the project's shorter waits.
    relaxed = interactive_timeouts(600)
    assert relaxed["DNS_TIMEOUT"] == project_settings().getfloat("DNS_TIMEOUT")
    with pytest.raises(ValueError, match="positive"):
        interactive_timeouts(0)


def test_crawls_keep_their_retries() -> None:
    assert project_settings().getbool("RETRY_ENABLED")
    assert project_settings().getint("RETRY_TIMES") > 0
