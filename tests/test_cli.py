"""The pricewatch command line: help everywhere, one-line errors, reading commands, genspider."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pricewatch.cli.main import cli, parse_settings, parse_since
from pricewatch.config import ConfigError, load_config
from pricewatch.db.store import Store
from pricewatch.records import GoneRecord, PriceRecord


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            out += all_commands(command, (*prefix, name))
        else:
            out.append((*prefix, name))
    return out


@pytest.mark.parametrize("command", all_commands(cli), ids=lambda c: " ".join(c) or "pricewatch")
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PRICEWATCH_DB_URL", url)
    return url


def acme(path: str, title: str, price: str, at: datetime, **fields: object) -> PriceRecord:
    return PriceRecord(
        url=f"https://acme.example{path}",
        shop="acme",
        title=title,
        price=Decimal(price),
        currency="CNY",
        extracted_by="json-ld",
        fetched_at=at,
        **fields,  # type: ignore[arg-type]
    )


def seed(url: str) -> datetime:
    """Two crawls of one shop: a price cut, a stock change, a product gone."""
    t0 = datetime(2026, 11, 1, 8, tzinfo=UTC)
    t1 = t0 + timedelta(days=1)
    crawls = [
        [
            acme("/p/1", "保温杯", "99.00", t0, sku="CUP-1", availability="in_stock"),
            acme("/p/2", "Kettle", "259.00", t0, sku="KET-2", availability="in_stock"),
            acme("/p/3", "Lamp", "59.00", t0, availability="in_stock"),
        ],
        [
            acme("/p/1", "保温杯", "89.00", t1, sku="CUP-1", availability="in_stock"),
            acme("/p/2", "Kettle", "259.00", t1, sku="KET-2", availability="out_of_stock"),
            GoneRecord(url="https://acme.example/p/3", shop="acme", http_status=404, fetched_at=t1),
        ],
    ]
    with Store.from_url(url) as store:
        for items in crawls:
            run = store.start_run("acme")
            store.store_batch(run, items)
            store.finish_run(run, status="finished", stats={})
    return t0


def test_prices_table_and_json(db: str) -> None:
    seed(db)
    result = CliRunner().invoke(cli, ["prices"])
    assert result.exit_code == 0, result.output
    assert "保温杯" in result.output and "89.00 CNY" in result.output
    assert "Lamp" not in result.output  # gone listings are not current
    lines = [
        json.loads(x) for x in CliRunner().invoke(cli, ["prices", "--json"]).output.splitlines()
    ]
    assert {(x["url"], x["price"], x["availability"]) for x in lines} == {
        ("https://acme.example/p/1", "89.00", "in_stock"),
        ("https://acme.example/p/2", "259.00", "out_of_stock"),
    }


def test_prices_since_shows_changes(db: str) -> None:
    t0 = seed(db)
    since = (t0 + timedelta(hours=12)).isoformat()
    result = CliRunner().invoke(cli, ["prices", "--since", since, "--json"])
    changes = {json.loads(x)["url"]: json.loads(x) for x in result.output.splitlines()}
    assert changes["https://acme.example/p/1"]["old_price"] == "99.00"
    assert changes["https://acme.example/p/1"]["new_price"] == "89.00"
    assert changes["https://acme.example/p/2"]["new_availability"] == "out_of_stock"
    table = CliRunner().invoke(cli, ["prices", "--since", since]).output
    assert "-10.1%" in table and "in_stock → out_of_stock" in table


def test_history_by_url_and_sku(db: str) -> None:
    seed(db)
    by_sku = CliRunner().invoke(cli, ["history", "CUP-1", "--json"])
    data = json.loads(by_sku.output)
    assert [o["price"] for o in data["observations"]] == ["99.00", "89.00"]
    gone = CliRunner().invoke(cli, ["history", "https://acme.example/p/3"])
    assert "gone since" in gone.output
    missing = CliRunner().invoke(cli, ["history", "nope"])
    assert missing.exit_code == 1
    assert missing.output.strip() == "error: no listing with URL or SKU 'nope'"


def test_db_upgrade(db: str) -> None:
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0
    assert result.output.startswith(f"database {db} at revision ")


def test_unknown_shop_is_one_line_error() -> None:
    result = CliRunner().invoke(cli, ["crawl", "nosuchshop"])
    assert result.exit_code == 2  # a bad command line
    assert result.output.startswith("error: no shop named 'nosuchshop' (known: ")
    assert "Traceback" not in result.output
    for args in (["--shop", "nosuchshop"], ["--base-url", "nosuchshop=http://127.0.0.1:9/"]):
        result = CliRunner().invoke(cli, ["extract", *args, "http://127.0.0.1:9/p/1"])
        assert result.exit_code == 2, result.output
        assert result.output.startswith("error: no shop named 'nosuchshop' (known: ")


def test_unexpected_errors_point_at_debug(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("disk on fire")

    seed(db)
    monkeypatch.setattr(Store, "current_prices", boom)
    result = CliRunner().invoke(cli, ["prices"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: RuntimeError: disk on fire (run with --debug for the traceback)"
    )
    debug = CliRunner().invoke(cli, ["--debug", "prices"])
    assert "Traceback" in debug.output


def test_bad_options_are_usage_errors() -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["crawl"]).exit_code == 2
    assert runner.invoke(cli, ["prices", "--since", "last tuesday"]).exit_code == 2
    assert runner.invoke(cli, ["crawl", "demo_lantian", "-s", "NOEQUALS"]).exit_code == 2
    bad_url = runner.invoke(cli, ["crawl", "demo_lantian", "--base-url", "demo_lantian=nowhere"])
    assert bad_url.exit_code == 2
    assert runner.invoke(cli, ["extract", "--currency", "zzz", "http://x/"]).exit_code == 2


def test_parse_helpers() -> None:
    assert parse_settings(["A=1", "B=x=y"]) == {"A": "1", "B": "x=y"}
    assert parse_since("2026-11-01").tzinfo is not None
    assert datetime.now(UTC) - parse_since("7d") > timedelta(days=6, hours=23)


def test_env_settings_are_validated() -> None:
    config = load_config({"PRICEWATCH_USER_AGENT": "acme-bot/1", "PRICEWATCH_OBEY_ROBOTS": "0"})
    assert config.scrapy_settings() == {"USER_AGENT": "acme-bot/1", "ROBOTSTXT_OBEY": False}
    with pytest.raises(ConfigError, match="PRICEWATCH_OBEY_ROBOTS='maybe'"):
        load_config({"PRICEWATCH_OBEY_ROBOTS": "maybe"})
    with pytest.raises(ConfigError, match="PRICEWATCH_LOG_LEVEL"):
        load_config({"PRICEWATCH_LOG_LEVEL": "LOUD"})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PRICEWATCH_DB_URL": "nonsense"}, "error: database URL 'nonsense' is not valid"),
        (
            {"PRICEWATCH_DB_URL": "postgresql://nobody@127.0.0.1:9/x"},
            "error: cannot use the database: connection failed",
        ),
    ],
)
def test_bad_database_configuration_is_one_line(
    env: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["prices"])
    assert result.exit_code == 1
    assert result.output.startswith(message)
    assert len(result.output.strip().splitlines()) == 1
