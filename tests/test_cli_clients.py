"""``pricewatch clients | catalog | match | fx`` round trips, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pricewatch.cli.main import cli
from pricewatch.db.store import Store
from pricewatch.records import PriceRecord, utcnow

SHOP = "http://127.0.0.1:9811"
PHILIPS = "6901234100020"  # a valid EAN-13


@pytest.fixture
def db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PRICEWATCH_DB_URL", db_url)
    return db_url


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input)


def ok(*args: str) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def json_lines(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def add_lanhai() -> None:
    ok(
        "clients",
        "add",
        "lanhai",
        "--name",
        "蓝海电器",
        "--email",
        "boss@lanhai.cn,ops@lanhai.cn",
        "--locale",
        "zh-CN",
        "--currency",
        "CNY",
        "--timezone",
        "Asia/Shanghai",
        "--undercut-threshold",
        "3%",
    )


def test_clients_round_trip(db: str) -> None:
    assert "no clients yet" in ok("clients", "list").output
    add_lanhai()
    listed = ok("clients", "list")
    assert "lanhai" in listed.output and "蓝海电器" in listed.output
    shown = json.loads(ok("clients", "show", "lanhai", "--json").stdout)
    assert shown["emails"] == ["boss@lanhai.cn", "ops@lanhai.cn"]
    assert (shown["locale"], shown["currency"], shown["timezone"]) == (
        "zh-CN",
        "CNY",
        "Asia/Shanghai",
    )
    assert shown["undercut_threshold"] == "3%"
    assert "undercut threshold  3%" in ok("clients", "show", "lanhai").output

    ok("clients", "edit", "lanhai", "--timezone", "Europe/Berlin", "--slug", "lanhai-eu")
    assert json_lines(ok("clients", "list", "--json"))[0]["timezone"] == "Europe/Berlin"

    refused = run("clients", "remove", "lanhai-eu", input="n\n")
    assert refused.exit_code == 1 and "error: client lanhai-eu kept" in refused.stderr
    assert "lanhai-eu" in ok("clients", "list").output
    ok("clients", "remove", "lanhai-eu", "--yes")
    assert "no clients yet" in ok("clients", "list").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "nope"], "error: --email: 'nope' is not an e-mail address"),
        (["--currency", "ABC"], "error: --currency: 'ABC' is not an ISO 4217 currency code"),
        (["--locale", "fr"], "error: --locale: 'fr' is not one of zh-CN, en"),
        (["--timezone", "Moon/Base"], "error: --timezone: 'Moon/Base' is not an IANA time zone"),
        (["--undercut-threshold", "lots"], "error: --undercut-threshold: 'lots' is not a"),
    ],
)
def test_clients_add_errors_are_one_line_and_store_nothing(
    db: str, args: list[str], message: str
) -> None:
    base = {"--name": "X", "--email": "x@x.cn", "--currency": "CNY"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = run("clients", "add", "x", *[v for pair in base.items() for v in pair])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(message)
    assert "no clients yet" in ok("clients", "list").output


def test_unknown_client_and_duplicate(db: str) -> None:
    add_lanhai()
    again = run("clients", "add", "lanhai", "--name", "X", "--email", "x@x.cn", "--currency", "CNY")
    assert again.exit_code == 1 and "error: a client 'lanhai' already exists" in again.stderr
    for args in (
        ["clients", "show", "ghost"],
        ["catalog", "show", "ghost"],
        ["match", "review", "ghost"],
        ["clients", "edit", "ghost", "--name", "G"],
    ):
        result = run(*args)
        assert result.exit_code == 1
        assert result.stderr.strip() == "error: no client 'ghost' (known: lanhai)"


def seed_shop(url: str) -> None:
    with Store.from_url(url) as store:
        run_id = store.start_run("demo_like")
        store.store_batch(
            run_id,
            [
                PriceRecord(
                    shop="demo_like",
                    url=f"{SHOP}/p/{key}",
                    title=title,
                    price=Decimal(p),
                    currency="CNY",
                    fetched_at=utcnow(),
                    gtin=gtin,
                )
                for key, title, p, gtin in [
                    ("1", "索尼 SONY WH-1000XM5 头戴式无线降噪耳机", "2499", None),
                    ("2", "九阳 Joyoung 破壁豆浆机 DJ13B-D08D 免滤", "329", None),
                    ("3", "飞利浦 电动牙刷 HX9911", "1299", PHILIPS),
                ]
            ],
        )


def test_catalog_and_match_round_trip(db: str, tmp_path: Path) -> None:
    seed_shop(db)
    add_lanhai()
    rows = [
        ["货号", "商品名称", "售价", "最低价", "条码", "竞品链接"],
        ["A1", "索尼 WH-1000XM5 降噪耳机", "￥2,599.00", "2399", "", f"{SHOP}/p/1"],
        ["A2", "九阳破壁豆浆机 DJ13B-D08D", "339元", "", "", ""],
        ["A3", "飞利浦 HX9911 电动牙刷", "1399", "", PHILIPS, ""],
        ["A4", "坏行", "免费", "", "", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "商品.csv"
    path.write_bytes(buffer.getvalue().encode("gbk"))

    bad = run("catalog", "import", "lanhai", str(path))
    assert bad.exit_code == 1
    assert bad.stderr.splitlines() == [
        "商品.csv: row 5, column 售价: '免费' is not a price",
        "error: 商品.csv: 1 bad row, nothing imported "
        "(fix them, or --skip-bad to import the 3 good ones)",
    ]
    assert "no products yet" in ok("catalog", "show", "lanhai").output

    imported = ok("catalog", "import", "lanhai", str(path), "--skip-bad")
    assert "read 商品.csv (gb18030): 3 products" in imported.stdout
    assert "added 3, updated 0, unchanged 0, removed 0" in imported.stdout
    assert "confirmed matches by gtin 1, url 1 (2 new)" in imported.stdout
    assert "skipped row 5, column 售价: '免费' is not a price" in imported.stderr
    products = {p["sku"]: p for p in json_lines(ok("catalog", "show", "lanhai", "--json"))}
    assert products["A1"]["price"] == "2599.00" and products["A1"]["min_price"] == "2399.00"
    assert products["A1"]["competitor_urls"] == [f"{SHOP}/p/1"]
    assert products["A1"]["matches"] == 1
    table = ok("catalog", "show", "lanhai").output
    assert "2,599.00 CNY" in table or "2599.00 CNY" in table

    suggested = ok("match", "suggest", "lanhai")
    assert "1 suggestion at score 60 or more (1 new)" in suggested.stdout
    review = json_lines(ok("match", "review", "lanhai", "--json"))
    assert [(m["sku"], m["url"], m["method"]) for m in review] == [("A2", f"{SHOP}/p/2", "fuzzy")]
    assert float(str(review[0]["score"])) >= 80  # the shared model number DJ13B-D08D
    table = ok("match", "review", "lanhai").output
    assert "DJ13B-D08D" in table
    assert "339.00 CNY" in table and "329.00 CNY" in table  # own price, their price

    confirmed = ok("match", "confirm", str(review[0]["id"]), "--client", "lanhai")
    assert f"confirmed match {review[0]['id']}: A2" in confirmed.stdout
    assert "no suggested matches" in ok("match", "review", "lanhai").output
    everything = json_lines(ok("match", "review", "lanhai", "--status", "all", "--json"))
    assert {(m["sku"], m["status"]) for m in everything} == {
        ("A1", "confirmed"),
        ("A2", "confirmed"),
        ("A3", "confirmed"),
    }
    rejected = ok("match", "reject", str(review[0]["id"]))
    assert "rejected match" in rejected.stdout
    missing = run("match", "confirm", "424242")
    assert missing.exit_code == 1 and "error: no match 424242" in missing.stderr
    not_int = run("match", "confirm", "abc")
    assert not_int.exit_code == 2
    added = ok("match", "add", "lanhai", "A3", f"{SHOP}/p/99", "--base-url", f"demo_like={SHOP}")
    assert "confirmed match" in added.stdout and f"A3 ↔ demo_like {SHOP}/p/99" in added.stdout
    assert f"new listing for the next crawl of demo_like: {SHOP}/p/99" in added.stdout
    bad_url = run("match", "add", "lanhai", "A3", "not-a-url")
    assert bad_url.exit_code == 2 and "is not an http(s) URL" in bad_url.output


def test_fx(db: str) -> None:
    assert "no exchange rates" in ok("fx", "list").output
    assert ok("fx", "set", "usd", "CNY", "7.12").stdout.strip() == "1 USD = 7.12 CNY"
    ok("fx", "set", "USD", "CNY", "7.15")
    ok("fx", "set", "EUR", "CNY", "7.70")
    lines = ok("fx", "list").stdout.splitlines()
    assert [line.split("   ")[0] for line in lines] == ["1 EUR = 7.70 CNY", "1 USD = 7.15 CNY"]
    for args, message in [
        (["XYZ", "CNY", "1"], "error: BASE: 'XYZ' is not an ISO 4217 currency code"),
        (["USD", "USD", "1"], "error: BASE and QUOTE are both USD"),
        (["USD", "CNY", "0"], "error: RATE '0' is not a positive number"),
        (["USD", "CNY", "seven"], "error: RATE 'seven' is not a positive number"),
    ]:
        result = run("fx", "set", *args)
        assert result.exit_code == 1 and result.stderr.startswith(message), result.output


def test_long_lists_of_new_listings_and_unknown_hosts_are_summed_up(
    db: str, tmp_path: Path
) -> None:
    seed_shop(db)
    add_lanhai()
    lines = ["sku,title,competitor_urls"]
    lines += [f"N{i},thing {i},{SHOP}/new/{i} https://nowhere.example/{i}" for i in range(30)]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = ok("catalog", "import", "lanhai", str(path))
    new = [x for x in result.stdout.splitlines() if x.startswith("new listing")]
    assert len(new) == 20 and "... and 10 more" in result.stdout
    assert result.stderr.strip().splitlines() == [
        "warning: 30 catalogue URLs: no shop for nowhere.example: add one "
        "(pricewatch genspider SLUG URL) or say which with --base-url SHOP=URL "
        "(e.g. N0: https://nowhere.example/0)"
    ]
