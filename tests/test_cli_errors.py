"""One line per error and documented exit codes (pricewatch/cli/errors.py)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from pricewatch.cli.errors import ExitCode
from pricewatch.cli.main import cli
from pricewatch.db.store import Store
from pricewatch.records import PriceRecord

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="pricewatch")
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["prices", "--since", "last tuesday"], "error: Invalid value for --since: 'last tuesday'"),
        (["nosuchcommand"], "error: No such command 'nosuchcommand'."),
        (["prices", "--colour"], "error: No such option '--colour'."),
        (["extract", "not-a-url"], "error: Invalid value for URLS: 'not-a-url' is not an http(s)"),
        (
            ["crawl", "demo_lantian", "-s", "PRICEWATCH_RETRY_MAX_DELAY=abc"],
            "error: Invalid value for -s: PRICEWATCH_RETRY_MAX_DELAY='abc': expected a number",
        ),
        (
            ["extract", "-s", "CONCURRENT_REQUESTS=many", "http://127.0.0.1:9/"],
            "error: Invalid value for -s: CONCURRENT_REQUESTS='many': expected a number",
        ),
        (
            ["crawl", "demo_lantian", "-s", "ROBOTSTXT_OBEY=perhaps"],
            "error: Invalid value for -s: ROBOTSTXT_OBEY='perhaps': expected 1/0 or true/false",
        ),
        (["crawl"], "error: name at least one shop"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(args: list[str], start: str) -> None:
    code, output = run(*args)
    assert code == ExitCode.USAGE == 2
    assert output.startswith(start), output
    assert len(output.strip().splitlines()) == 1
    assert output.rstrip().endswith("--help')") and "(see 'pricewatch" in output
    assert "Traceback" not in output


def test_exit_codes_are_the_documented_ones() -> None:
    assert {c.name: c.value for c in ExitCode} == {
        "OK": 0,
        "FAILED": 1,
        "USAGE": 2,
        "NOTHING_CRAWLED": 3,
        "INTERRUPTED": 130,
    }
    readme = (ROOT / "README.md").read_text("utf-8")
    for code in ExitCode:
        assert f"| {code.value} |" in readme, f"exit code {code.value} is not in the README"


def test_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'pipe.db'}"
    at = datetime(2026, 11, 1, tzinfo=UTC)
    with Store.from_url(db) as store:
        run_id = store.start_run("acme")
        store.store_batch(
            run_id,
            [
                PriceRecord(
                    shop="acme",
                    url=f"https://acme.example/p/{i}",
                    price=Decimal("9.90"),
                    currency="CNY",
                    fetched_at=at + timedelta(seconds=i),
                )
                for i in range(3000)
            ],
        )
    done = subprocess.run(
        f"{sys.executable} -m pricewatch prices --json | head -1",
        shell=True,
        capture_output=True,
        text=True,
        env={"PRICEWATCH_DB_URL": db, "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
        timeout=120,
    )
    assert done.stdout.count("\n") == 1
    assert done.stderr == ""


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["extract", "-s", 'DOWNLOADER_MIDDLEWARES={"nowhere.Middleware": 1}', "http://x/"],
            "error: the extraction could not start: ModuleNotFoundError: No module named 'nowhere'",
        ),
        (
            ["crawl", "demo_lantian", "-s", 'ITEM_PIPELINES={"nowhere.Pipeline": 1}'],
            "error: demo_lantian: the crawl could not start: ModuleNotFoundError: No module "
            "named 'nowhere'",
        ),
    ],
)
def test_a_crawl_that_cannot_start_is_one_line(tmp_path: Path, args: list[str], line: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pricewatch", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={"PRICEWATCH_DB_URL": f"sqlite:///{tmp_path / 'x.db'}", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == ExitCode.FAILED
    errors = [x for x in done.stderr.splitlines() if x.startswith("error:")]
    assert errors == [line]
    assert "Traceback" not in done.stderr and "not fetched" not in done.stdout
