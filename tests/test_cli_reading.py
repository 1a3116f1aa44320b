"""The reading commands: prices --shop, history URL matching, runs, extract's output format."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from pricewatch.cli.crawl import EXTRACT_KEYS, extraction_json
from pricewatch.cli.main import cli
from pricewatch.db.store import Store
from pricewatch.extract import Extraction
from pricewatch.records import FailureRecord, PriceRecord

AT = datetime(2026, 11, 1, 8, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'reading.db'}"
    monkeypatch.setenv("PRICEWATCH_DB_URL", url)
    return url


def price(url: str, amount: str = "10.00", shop: str = "demo_lantian") -> PriceRecord:
    return PriceRecord(shop=shop, url=url, price=Decimal(amount), currency="CNY", fetched_at=AT)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="pricewatch")
    return result.exit_code, result.output


def test_prices_of_an_unknown_shop_say_so(db: str) -> None:
    with Store.from_url(db) as store:
        store.store_batch(store.start_run("demo_lantian"), [price("https://a.example/p/1")])
    code, output = run("prices", "--shop", "nosuchshop")
    assert code == 1
    assert output.startswith("error: no shop named 'nosuchshop' (known: ")
    code, output = run("prices", "--shop", "demo_hongxing")  # known, never crawled
    assert (code, output.strip()) == (
        0,
        "no prices stored for demo_hongxing yet: run 'pricewatch crawl demo_hongxing'",
    )


def test_history_matches_trailing_slash_and_shopify_variants(db: str) -> None:
    with Store.from_url(db) as store:
        store.store_batch(
            store.start_run("demo_lantian"),
            [
                price("https://a.example/item/cup/"),
                price("https://s.example/products/mug?variant=1", "12.50"),
                price("https://s.example/products/mug?variant=2", "13.00"),
                price("https://s.example/products/mug_xl?variant=3", "14.00"),
            ],
        )

    def urls(arg: str) -> list[str]:
        code, output = run("history", arg, "--json")
        assert code == 0, output
        return [json.loads(line)["url"] for line in output.splitlines()]

    assert urls("https://a.example/item/cup") == ["https://a.example/item/cup/"]
    assert urls("https://a.example/item/cup/") == ["https://a.example/item/cup/"]
    # no ?variant=: every variant of that product, not of mug_xl (LIKE's _ is escaped)
    assert urls("https://s.example/products/mug") == [
        "https://s.example/products/mug?variant=1",
        "https://s.example/products/mug?variant=2",
    ]
    assert urls("https://s.example/products/mug?variant=2") == [
        "https://s.example/products/mug?variant=2"
    ]


def test_runs_and_runs_show_list_failures_by_reason(db: str) -> None:
    with Store.from_url(db) as store:
        run_id = store.start_run("demo_lantian")
        store.store_batch(run_id, [price("https://a.example/p/1")])
        store.record_failures(
            run_id,
            [
                FailureRecord("demo_lantian", "https://a.example/p/2", "no_price", "no price"),
                FailureRecord("demo_lantian", "https://a.example/p/3", "http_503", "HTTP 503"),
                FailureRecord("demo_lantian", "https://a.example/p/4", "no_price", None),
            ],
        )
        store.finish_run(run_id, status="finished", stats={})
    code, output = run("runs")
    assert code == 0, output
    assert "demo_lantian" in output and "3 (http_503: 1, no_price: 2)" in output
    code, output = run("runs", "--shop", "demo_lantian", "--json")
    assert code == 0 and [json.loads(line)["id"] for line in output.splitlines()] == [run_id]
    assert run("runs", "--shop", "demo_hongxing") == (
        0,
        "no runs of demo_hongxing yet: run 'pricewatch crawl demo_hongxing'\n",
    )
    code, output = run("runs", "show", str(run_id))
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == f"run {run_id}: demo_lantian, finished"
    assert lines[lines.index("http_503 (1):") + 1] == "  https://a.example/p/3  HTTP 503"
    assert lines[lines.index("no_price (2):") + 1 :] == [
        "  https://a.example/p/2  no price",
        "  https://a.example/p/4",
    ]
    data = json.loads(run("runs", "show", str(run_id), "--json")[1])
    assert [f["reason"] for f in data["failed_urls"]] == ["no_price", "http_503", "no_price"]
    assert run("runs", "show", "999") == (1, "error: no crawl run 999 (see 'pricewatch runs')\n")


def test_extract_json_keys_in_readme_order_and_prices_with_their_decimals() -> None:
    extraction = Extraction(
        url="https://x.example/p",
        price=Decimal("19.5"),
        list_price=Decimal("25"),
        currency="USD",
        error=None,
    )
    data = extraction_json(extraction, "adhoc")
    assert list(data) == list(EXTRACT_KEYS)
    assert (data["price"], data["list_price"]) == ("19.50", "25.00")
    yen = extraction_json(Extraction(url="u", price=Decimal("1280"), currency="JPY"), None)
    assert yen["price"] == "1280"
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    documented = readme.split("prints one JSON object per URL, in the order given:")[1]
    documented = documented.split("It fetches")[0]
    names = [w.strip("`,( ") for w in documented.replace("\n", " ").split("`") if w.strip()]
    keys_in_readme = [n for n in names if n in EXTRACT_KEYS or ", " in n]
    flat = [k.strip() for n in keys_in_readme for k in n.split(",") if k.strip()]
    assert [k for k in flat if k in EXTRACT_KEYS] == list(EXTRACT_KEYS)
