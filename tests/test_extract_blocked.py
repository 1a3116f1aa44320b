"""Anti-bot pages (pricewatch/extract/blocked.py): named as such, never an ordinary page.

Real captures: a Cloudflare challenge served for a product URL (from the page corpus) and
Weibo's "Sina Visitor System" (from the hot-list fixtures). Every other saved product page of
the corpus must not be taken for one, whatever its scripts load.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse

from pricewatch.extract import extract_product
from pricewatch.extract.blocked import blocked_by
from pricewatch.items import CrawlFailure, ProductItem
from pricewatch.pipelines.validate import to_record
from pricewatch.platforms import StructuredDataSpider

FIXTURES = Path(__file__).parent / "fixtures"
CHALLENGE = FIXTURES / "pages" / "gamesmen-logitech-g-rs-wheel-hub-cloudflare-challenge.html"
VISITOR = FIXTURES / "hotlists" / "weibo-summary-2022-01-02.visitor-block.html"
PRODUCT_URL = "https://www.gamesmen.com.au/logitech-g-rs-wheel-hub-for-pc-playstation"


def page(path: Path, url: str = PRODUCT_URL) -> HtmlResponse:
    return HtmlResponse(url, body=path.read_bytes())


def test_a_cloudflare_challenge_is_blocked_not_a_missing_price() -> None:
    response = page(CHALLENGE)
    got = extract_product(response.selector, response.url, body=response.body)
    assert got.blocked == "a Cloudflare challenge"
    assert got.price is None and got.confidence is None
    assert got.error == "blocked: a Cloudflare challenge answered instead of the product page"
    # Nothing of the interstitial passes for the product's.
    assert got.title is None and got.availability == "unknown" and got.availability_by is None
    record = to_record(ProductItem(extraction=got, shop="gamesmen"))
    assert (record.reason, record.detail) == ("blocked", got.error)  # type: ignore[union-attr]


def test_weibos_visitor_system_is_blocked() -> None:
    assert blocked_by(page(VISITOR, "https://s.weibo.com/top/summary").selector) == (
        "Weibo's visitor system"
    )


@pytest.mark.parametrize(
    "path",
    [p for p in sorted((FIXTURES / "pages").glob("*.html")) if p != CHALLENGE],
    ids=lambda p: p.name,
)
def test_no_saved_product_page_is_taken_for_an_anti_bot_page(path: Path) -> None:
    assert blocked_by(page(path, "https://shop.example/p/1").selector) is None


@pytest.mark.parametrize(
    ("html", "blocked"),
    [
        # A shop behind Cloudflare loads its bot beacon on every ordinary page.
        (
            '<title>Kettle</title><script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js">'
            "</script><h1>Kettle</h1>",
            None,
        ),
        ('<title>登录</title><form><input name="captcha"></form>', None),
        (
            "<title> Access  Denied </title><h1>Access Denied</h1>",
            "an anti-bot page ('Access Denied')",
        ),
        ("<title>安全验证</title><div>请完成验证</div>", "an anti-bot page ('安全验证')"),
        ('<script src="https://geo.captcha-delivery.com/captcha/"></script>', "a DataDome captcha"),
        ('<form action="/errors/validateCaptcha"></form>', "Amazon's robot check"),
    ],
)
def test_vendor_markers_and_titles(html: str, blocked: str | None) -> None:
    assert blocked_by(Selector(text=f"<html><head>{html}</head></html>")) == blocked


class ListingShop(StructuredDataSpider):
    name = "listing_shop"
    start_urls = ["https://www.gamesmen.com.au/c/wheels"]
    product_url_pattern = r"/p/\d+$"


def test_a_challenged_listing_page_is_a_blocked_failure() -> None:
    spider = ListingShop()
    [failure] = list(spider.parse(page(CHALLENGE, "https://www.gamesmen.com.au/c/wheels")))
    assert isinstance(failure, CrawlFailure)
    assert (failure.reason, failure.detail) == (
        "blocked",
        "a Cloudflare challenge answered instead of the listing page",
    )
