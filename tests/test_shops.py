"""Whole-repo guards over pricewatch/spiders/shops/ and the shop registry."""

from __future__ import annotations

import importlib
import pkgutil
import textwrap
from pathlib import Path

import pytest

import pricewatch.spiders.shops as shops_pkg
from pricewatch.errors import ShopDefinitionError, UnknownShopError
from pricewatch.platforms.base import ProductSpider
from pricewatch.shops import get_shop, load_shops, shop_for_url

SHOP_MODULES = [
    m.name for m in pkgutil.iter_modules(shops_pkg.__path__) if not m.name.startswith("_")
]


def test_there_are_shops() -> None:
    assert {"demo_hongxing", "demo_lantian", "demo_yunshang"} <= set(SHOP_MODULES)


@pytest.mark.parametrize("module_name", SHOP_MODULES)
def test_shop_file_defines_one_spider_named_after_the_file(module_name: str) -> None:
    module = importlib.import_module(f"pricewatch.spiders.shops.{module_name}")
    spiders = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type)
        and issubclass(obj, ProductSpider)
        and obj.__module__ == module.__name__
    ]
    assert len(spiders) == 1, f"{module_name}.py should define exactly one shop spider"
    assert spiders[0].name == module_name
    spiders[0].check_definition()


@pytest.mark.parametrize("module_name", SHOP_MODULES)
def test_shop_file_is_small(module_name: str) -> None:
    """A shop is attributes on a platform base, not a parser (STYLE.md: ~15 lines)."""
    source = Path(shops_pkg.__path__[0], f"{module_name}.py").read_text("utf-8")
    code = [
        line
        for line in source.splitlines()
        if line.strip() and not line.strip().startswith(("#", '"""', "from ", "import "))
    ]
    assert len(code) <= 30, f"{module_name}.py has {len(code)} lines of code"


def test_registry_lookups() -> None:
    shops = load_shops()
    assert get_shop("demo_lantian", shops).currency == "CNY"
    with pytest.raises(UnknownShopError, match=r"no shop named 'nope'.*demo_hongxing"):
        get_shop("nope", shops)
    assert shop_for_url("http://127.0.0.1:8802/item/LT-1001.html", shops) is shops["demo_lantian"]
    assert shop_for_url("https://unknown.example/p/1", shops) is None


BAD_SHOPS = {
    "no_start": (
        """
        from pricewatch.platforms import StructuredDataSpider
        class NoStart(StructuredDataSpider):
            name = "no_start"
        """,
        "needs 'start_urls' or 'sitemap_urls'",
    ),
    "empty_start": (
        """
        from pricewatch.platforms import StructuredDataSpider
        class EmptyStart(StructuredDataSpider):
            name = "empty_start"
            start_urls = []
        """,
        "needs 'start_urls' or 'sitemap_urls'",
    ),
    "bad_selector": (
        """
        from pricewatch.platforms import StructuredDataSpider
        class BadSelector(StructuredDataSpider):
            name = "bad_selector"
            start_urls = ["https://shop.example/"]
            product_url_pattern = "/p/"
            selectors = {"prize": ".price"}
        """,
        "unknown selector field(s) ['prize']",
    ),
    "bad_currency": (
        """
        from pricewatch.platforms import StructuredDataSpider
        class BadCurrency(StructuredDataSpider):
            name = "bad_currency"
            start_urls = ["https://shop.example/"]
            product_url_pattern = "/p/"
            currency = "yuan"
        """,
        "currency 'yuan' is not an ISO 4217 code",
    ),
    "bad_url": (
        """
        from pricewatch.platforms import StructuredDataSpider
        class BadUrl(StructuredDataSpider):
            name = "bad_url"
            start_urls = ["shop.example/"]
        """,
        "is not an http(s) URL",
    ),
    "bad_regex": (
        """
        from pricewatch.platforms import StructuredDataSpider
        class BadRegex(StructuredDataSpider):
            name = "bad_regex"
            start_urls = ["https://shop.example/"]
            product_url_pattern = "/p/(["
        """,
        "product_url_pattern is not a valid regex",
    ),
    "shopify_no_currency": (
        """
        from pricewatch.platforms import ShopifySpider
        class NoCurrency(ShopifySpider):
            name = "shopify_no_currency"
            start_urls = ["https://shop.example/"]
        """,
        "Shopify shops need 'currency'",
    ),
    "no_discovery": (
        """
        from pricewatch.platforms import StructuredDataSpider
        class NoDiscovery(StructuredDataSpider):
            name = "no_discovery"
            start_urls = ["https://shop.example/"]
        """,
        "set 'product_url_pattern'",
    ),
    "syntax": ("class Broken(:\n    pass\n", "cannot load: SyntaxError"),
}


@pytest.mark.parametrize("slug", sorted(BAD_SHOPS))
def test_malformed_shop_file_is_a_clear_error_naming_it(
    slug: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A malformed shop file stops loading with one message naming the file and the problem."""
    source, message = BAD_SHOPS[slug]
    package = tmp_path / f"badshops_{slug}"  # a fresh package name: imports are cached
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "good.py").write_text(
        "from pricewatch.platforms import StructuredDataSpider\n"
        "class Good(StructuredDataSpider):\n"
        "    name = 'good'\n"
        "    start_urls = ['https://good.example/']\n"
        "    product_url_pattern = '/p/'\n"
    )
    (package / f"{slug}.py").write_text(textwrap.dedent(source))
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ShopDefinitionError) as excinfo:
        load_shops(f"badshops_{slug}")
    assert str(package / f"{slug}.py") in str(excinfo.value)
    assert message in str(excinfo.value)


def test_duplicate_shop_names_are_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "dupshops"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for file in ("a", "b"):
        (package / f"{file}.py").write_text(
            "from pricewatch.platforms import StructuredDataSpider\n"
            f"class S{file}(StructuredDataSpider):\n"
            "    name = 'same'\n"
            "    start_urls = ['https://x.example/']\n"
            "    product_url_pattern = '/p/'\n"
        )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ShopDefinitionError, match="already used"):
        load_shops("dupshops")
