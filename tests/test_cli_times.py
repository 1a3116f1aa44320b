"""``--since`` and table times in one zone: local unless --utc or an explicit offset."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pricewatch.cli.main import cli
from pricewatch.cli.times import parse_since, zone_label
from pricewatch.db.store import Store
from pricewatch.records import PriceRecord


@pytest.fixture
def shanghai(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_naive_times_are_local(shanghai: None) -> None:
    assert parse_since("2026-12-01T21:40") == datetime(2026, 12, 1, 13, 40, tzinfo=UTC)
    assert parse_since("2026-12-01 21:40") == datetime(2026, 12, 1, 13, 40, tzinfo=UTC)
    assert parse_since("2026-12-01") == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert parse_since("2026-12-01T21:40", zone=UTC) == datetime(2026, 12, 1, 21, 40, tzinfo=UTC)
    # an explicit offset means what it says, whatever the zone
    assert parse_since("2026-12-01T21:40+02:00") == datetime(2026, 12, 1, 19, 40, tzinfo=UTC)
    assert parse_since("2026-12-01T21:40Z", zone=None) == datetime(2026, 12, 1, 21, 40, tzinfo=UTC)
    assert zone_label(datetime.now().astimezone().tzinfo) == "CST, UTC+08:00"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "ago"),
    [
        ("10m", timedelta(minutes=10)),
        ("12h", timedelta(hours=12)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
    ],
)
def test_ages(text: str, ago: timedelta) -> None:
    before = datetime.now(UTC)
    since = parse_since(text)
    assert before - ago - timedelta(seconds=5) < since <= datetime.now(UTC) - ago


def test_bad_since_is_a_usage_error() -> None:
    with pytest.raises(click.BadParameter, match="10m, 12h, 7d, 2w"):
        parse_since("yesterday-ish")


def test_since_finds_what_the_table_shows(
    shanghai: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case: a change shown at 21:44 local is found with --since 21:40 local."""
    db = f"sqlite:///{tmp_path / 'tz.db'}"
    monkeypatch.setenv("PRICEWATCH_DB_URL", db)
    first, second = (
        datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 13, 44, tzinfo=UTC),
    )
    with Store.from_url(db) as store:
        for at, price in ((first, "99.00"), (second, "89.00")):
            run = store.start_run("acme")
            store.store_batch(
                run,
                [PriceRecord("acme", "https://acme.example/p/1", Decimal(price), "CNY", at)],
            )
    runner = CliRunner()
    table = runner.invoke(cli, ["prices", "--since", "2026-12-01T21:40"])
    assert table.exit_code == 0, table.output
    assert "2026-12-01 21:44" in table.output
    assert "times CST, UTC+08:00" in table.output
    later = runner.invoke(cli, ["prices", "--since", "2026-12-01T21:45", "--json"])
    assert later.output.strip() == ""
    utc = runner.invoke(cli, ["prices", "--since", "2026-12-01T13:40", "--utc"])
    assert "2026-12-01 13:44" in utc.output and "times UTC" in utc.output
    current = runner.invoke(cli, ["prices"]).output
    assert "2026-12-01 21:44" in current and "CST, UTC+08:00" in current
    (line,) = runner.invoke(cli, ["prices", "--json"]).output.splitlines()
    assert json.loads(line)["since"] == "2026-12-01T13:44:00+00:00"
