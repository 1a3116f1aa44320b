"""genspider: the URL given decides the shop (product page, listing, sitemap, platform API); the
files pass ruff and ``ruff format --check``; the generated test passes on its fixture."""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from pricewatch.errors import PricewatchError
from pricewatch.genspider import Generated, generate, url_pattern

ROOT = Path(__file__).resolve().parent.parent

PRODUCT = """<html><head><meta charset="gbk"><title>电饭煲 - 示例商城</title></head>
<body><h1>美的 电饭煲 4L</h1><span class="price">￥299.00</span></body></html>"""
LISTING = """<html><body><h1>全部商品</h1>
<a href="/item/A-1.html">一</a><a href="/item/B-2.html">二</a><a href="/item/C-3.html">三</a>
<a href="/about.html">关于</a><a href="/category/all?page=2">下一页</a></body></html>"""
SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://shop.example/products/kettle-1</loc></url>
<url><loc>https://shop.example/products/cup-2</loc></url>
<url><loc>https://shop.example/about</loc></url>
</urlset>"""
SHOPIFY = {
    "products": [
        {
            "handle": "long-handle-" * 8,  # generated lines must wrap
            "title": "Mug",
            "variants": [
                {"id": 40000000000001, "title": "Red", "price": "12.50", "available": True},
                {"id": 40000000000002, "title": "Blue", "price": "0.00", "available": False},
            ],
        }
    ]
}
WOO = [
    {
        "id": 1,
        "name": "保温杯",
        "type": "simple",
        "permalink": "https://woo.example/product/cup/",
        "prices": {"price": "8900", "currency_code": "CNY", "currency_minor_unit": 2},
        "is_in_stock": True,
    },
    {"id": 2, "name": "T恤", "type": "variable", "permalink": "https://woo.example/product/tee/"},
]


def lint(paths: list[Path]) -> None:
    code = [str(p) for p in paths if p.suffix == ".py"]
    config = ["--config", str(ROOT / "pyproject.toml")]
    for command in (["check", *config, *code], ["format", "--check", *config, *code]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command], capture_output=True, text=True, cwd=ROOT
        )
        assert done.returncode == 0, done.stdout + done.stderr


def run_generated_test(result: Generated, monkeypatch: pytest.MonkeyPatch) -> str:
    """Import the generated shop (as the package would) and run its generated test."""
    shop_file, test_file, _ = result.paths
    slug = shop_file.stem
    name = f"pricewatch.spiders.shops.{slug}"
    monkeypatch.delitem(sys.modules, name, raising=False)
    _load(shop_file, name)
    module = _load(test_file, f"generated_test_{slug}")
    tests = [getattr(module, n) for n in dir(module) if n.startswith("test_")]
    assert len(tests) == 1
    tests[0]()
    monkeypatch.delitem(sys.modules, name, raising=False)
    return test_file.read_text("utf-8")


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_product_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://shop.example/item/1001.html"
    result = generate(
        "example_mall",
        url,
        currency="CNY",
        root=tmp_path,
        page=PRODUCT.encode("gbk"),
        encoding="gbk",
    )
    assert result.kind == "product"
    assert result.summary.startswith(f"{url}: a product page (299.00 CNY); the shop starts there")
    lint(result.paths)
    shop = result.paths[0].read_text("utf-8")
    assert f'start_urls = ["{url}"]' in shop  # the URL given, not the host root
    assert 'assert item.price == Decimal("299.00")' in run_generated_test(result, monkeypatch)


def test_product_page_without_price_imports_nothing_unused(tmp_path: Path) -> None:
    page = b"<html><body><h1>Login</h1><a href='/x'>x</a></body></html>"
    result = generate("nopriceshop", "https://shop.example/p/1", root=tmp_path, page=page)
    lint(result.paths)  # F401 would catch an unused Decimal
    assert "Decimal" not in result.paths[1].read_text("utf-8")
    assert "set product_url_pattern" in result.summary


def test_listing_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://shop.example/category/all?page=1"
    result = generate("listing_mall", url, currency="CNY", root=tmp_path, page=LISTING.encode())
    assert result.kind == "listing"
    assert "a listing with 3 product links" in result.summary
    lint(result.paths)
    shop = result.paths[0].read_text("utf-8")
    assert f'start_urls = ["{url}"]' in shop
    assert r'product_url_pattern = r"/item/[^/?#]+\.html$"' in shop
    test = run_generated_test(result, monkeypatch)
    assert '"https://shop.example/item/C-3.html" in products' in test


def test_sitemap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://shop.example/sitemap.xml.gz"
    page = gzip.compress(SITEMAP.encode())
    result = generate("sitemap_mall", url, root=tmp_path, page=page)
    assert result.kind == "sitemap"
    assert result.paths[2].name == "sitemap_mall.xml.gz"
    lint(result.paths)
    shop = result.paths[0].read_text("utf-8")
    assert f'sitemap_urls = ["{url}"]' in shop and "start_urls" not in shop
    test = run_generated_test(result, monkeypatch)
    assert '"https://shop.example/products/cup-2" in urls' in test


def test_shopify_platform_saves_the_api_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = generate(
        "acme_shopify",
        "https://acme.example/collections/all",
        platform="shopify",
        currency="USD",
        root=tmp_path,
        page=json.dumps(SHOPIFY).encode(),
    )
    assert result.kind == "shopify"
    assert [p.name for p in result.paths] == [
        "acme_shopify.py",
        "test_acme_shopify.py",
        "acme_shopify.json",
    ]
    lint(result.paths)
    shop = result.paths[0].read_text("utf-8")
    assert 'start_urls = ["https://acme.example/"]' in shop and 'currency = "USD"' in shop
    test = run_generated_test(result, monkeypatch)
    assert "?variant=40000000000001" in test and 'Decimal("12.50")' in test
    assert "?variant=40000000000002" in test and "is None" in test


def test_woocommerce_platform_saves_the_api_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = generate(
        "acme_woo",
        "https://woo.example/",
        platform="woocommerce",
        root=tmp_path,
        page=json.dumps(WOO).encode(),
    )
    lint(result.paths)
    test = run_generated_test(result, monkeypatch)
    assert '"https://woo.example/product/cup/"' in test and 'Decimal("89.00")' in test
    assert "wp-json/wc/store/v1/products?per_page=100&page=1" in test


@pytest.mark.parametrize(
    ("platform", "page", "message"),
    [
        ("shopify", b"<html>Not found</html>", "no shopify listings in the answer"),
        ("woocommerce", b"{}", "no woocommerce listings in the answer"),
    ],
)
def test_platform_without_an_api_answer_is_one_error(
    tmp_path: Path, platform: str, page: bytes, message: str
) -> None:
    with pytest.raises(PricewatchError, match=message):
        generate(
            "acme_x",
            "https://x.example/",
            platform=platform,
            currency="USD",
            root=tmp_path,
            page=page,
        )


def test_shopify_needs_a_currency(tmp_path: Path) -> None:
    with pytest.raises(PricewatchError, match="Shopify shops need --currency"):
        generate("acme_x", "https://x.example/", platform="shopify", root=tmp_path, page=b"{}")


def test_url_pattern() -> None:
    pattern, matching = url_pattern(
        [
            "https://s.example/p/a.html",
            "https://s.example/p/b.html",
            "https://s.example/about",
            "https://s.example/",
        ]
    )
    assert pattern == r"/p/[^/?#]+\.html$"
    assert matching == ["https://s.example/p/a.html", "https://s.example/p/b.html"]
    assert url_pattern(["https://s.example/only.html"]) == (None, [])


def test_platform_fetches_the_api_not_the_home_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store root without an HTML home page (404) is fine: genspider reads the API."""
    from mockserver import MockServer, Reply

    answer = Reply(body=json.dumps(SHOPIFY), content_type="application/json")
    with MockServer({"/products.json": answer}) as server:
        result = generate(
            "served_shopify", server.base_url, platform="shopify", currency="USD", root=tmp_path
        )
        assert server.hits("/") == 0 and server.hits("/products.json") == 1
    assert json.loads(result.paths[2].read_bytes()) == SHOPIFY
    run_generated_test(result, monkeypatch)


@pytest.mark.parametrize(
    ("slug", "url", "message"),
    [
        ("Bad-Slug", "https://x.example/", "shop slug 'Bad-Slug'"),
        ("class", "https://x.example/", "shop slug 'class'"),
        ("good", "ftp://x.example/", "is not an http(s) URL"),
    ],
)
def test_genspider_rejects_bad_input(tmp_path: Path, slug: str, url: str, message: str) -> None:
    with pytest.raises(PricewatchError, match=re.escape(message)):
        generate(slug, url, root=tmp_path, page=b"<html></html>")


def test_command_says_what_it_took_the_url_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner
    from mockserver import MockServer, Reply

    from pricewatch import genspider as genspider_module
    from pricewatch.cli.main import cli

    monkeypatch.setattr(genspider_module, "REPO_ROOT", tmp_path)
    with MockServer({"/category/all": Reply(body=LISTING)}) as server:
        url = server.url("/category/all")
        result = CliRunner().invoke(cli, ["genspider", "cli_mall", url, "--currency", "cny"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (
        lines[0] == f"{url}: a listing with 3 product links (/item/[^/?#]+\\.html$); the shop "
        "starts there"
    )
    assert lines[1:] == [
        f"wrote {tmp_path / 'pricewatch/spiders/shops/cli_mall.py'}",
        f"wrote {tmp_path / 'tests/shops/test_cli_mall.py'}",
        f"wrote {tmp_path / 'tests/fixtures/shops/cli_mall.html'}",
    ]
