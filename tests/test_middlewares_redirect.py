"""LoopAwareRedirectMiddleware (pricewatch/middlewares/redirect.py): loops become failures.

The middlewares get 302 responses built here (no network); the scheduler's duplicate filter is
Scrapy's ``RFPDupeFilter``, asked the way the scheduler asks it for a redirect request.
"""

from __future__ import annotations

import inspect

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import BaseRedirectMiddleware, RedirectMiddleware
from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from pricewatch.middlewares.redirect import LoopAwareRedirectMiddleware

SHOP = "http://shop.test"


def middleware(cls: type[RedirectMiddleware] = LoopAwareRedirectMiddleware) -> RedirectMiddleware:
    return cls.from_crawler(get_crawler(settings_dict={"REDIRECT_MAX_TIMES": 10}))


def follow(mw: RedirectMiddleware, request: Request, location: str) -> Request:
    """The request ``mw`` makes of a 302 from ``request`` to ``location``."""
    response = Response(request.url, status=302, headers={"Location": location}, request=request)
    redirected = mw.process_response(request, response)
    assert isinstance(redirected, Request)
    return redirected


def test_scrapy_still_drops_a_redirect_back_to_a_fetched_page() -> None:
    mw = middleware(RedirectMiddleware)
    dupefilter = RFPDupeFilter.from_crawler(mw.crawler)
    first = Request(f"{SHOP}/a")
    assert not dupefilter.request_seen(first)
    second = follow(mw, first, "/b")
    assert not dupefilter.request_seen(second)
    back = follow(mw, second, "/a")
    assert not back.dont_filter and dupefilter.request_seen(back), (
        "Scrapy's RedirectMiddleware no longer lets the duplicate filter drop a redirect back "
        "to a fetched page: drop pricewatch/middlewares/redirect.py (check that loops are "
        "still reported) and its DOWNLOADER_MIDDLEWARES entries"
    )


def test_loop_is_followed_once_more_then_raised() -> None:
    mw = middleware()
    a = Request(f"{SHOP}/a")
    b = follow(mw, a, "/b")
    assert not b.dont_filter  # a new page: the duplicate filter decides
    a2 = follow(mw, b, "/a")
    assert a2.dont_filter  # back once: followed, past the duplicate filter
    b2 = follow(mw, a2, "/b")
    assert b2.dont_filter
    assert b2.meta["redirect_urls"] == [f"{SHOP}/a", f"{SHOP}/b", f"{SHOP}/a"]
    with pytest.raises(IgnoreRequest) as raised:
        follow(mw, b2, "/a")
    chain = " -> ".join(f"{SHOP}{p}" for p in ["/a", "/b", "/a", "/b", "/a"])
    assert str(raised.value) == f"redirect loop: {chain}"


def test_redirect_to_itself_once_is_followed() -> None:
    """A shop setting a cookie redirects a page to itself: followed, not filtered."""
    mw = middleware()
    again = follow(mw, Request(f"{SHOP}/c"), "/c")
    assert again.url == f"{SHOP}/c" and again.dont_filter


@pytest.mark.parametrize(
    ("start", "back"),
    [
        pytest.param("/x?b=1&a=2", "/x?a=2&b=1", id="query-order"),
        pytest.param("/x", "/x#reviews", id="fragment"),
        pytest.param("/x?a=1", "/x?a=1#top", id="query-and-fragment"),
    ],
)
def test_urls_with_one_fingerprint_are_one_page(start: str, back: str) -> None:
    mw = middleware()
    first = Request(f"{SHOP}{start}")
    again = follow(mw, first, back)
    assert again.dont_filter  # the duplicate filter would have taken it for `first`
    with pytest.raises(IgnoreRequest, match="redirect loop"):
        follow(mw, again, start)


def test_a_chain_of_new_pages_is_left_to_the_duplicate_filter() -> None:
    mw = middleware()
    request = Request(f"{SHOP}/r0")
    for i in range(1, 5):
        request = follow(mw, request, f"/r{i}")
        assert not request.dont_filter
    assert len(request.meta["pricewatch_redirect_fingerprints"]) == 4


def test_a_chain_begun_by_another_middleware_is_fingerprinted_from_its_urls() -> None:
    """``redirect_urls`` from MetaRefreshMiddleware, without this middleware's fingerprints."""
    mw = middleware()
    refreshed = Request(f"{SHOP}/b", meta={"redirect_urls": [f"{SHOP}/a?y=2&x=1"]})
    back = follow(mw, refreshed, "/a?x=1&y=2")
    assert back.dont_filter
    with pytest.raises(IgnoreRequest, match="redirect loop"):
        follow(mw, follow(mw, back, "/b"), "/a?y=2&x=1")


def test_max_redirect_times_still_applies() -> None:
    mw = LoopAwareRedirectMiddleware.from_crawler(
        get_crawler(settings_dict={"REDIRECT_MAX_TIMES": 2})
    )
    request = follow(mw, follow(mw, Request(f"{SHOP}/r0"), "/r1"), "/r2")
    with pytest.raises(IgnoreRequest, match="max redirections reached"):
        follow(mw, request, "/r3")


def test_the_private_api_the_fix_relies_on() -> None:
    assert RedirectMiddleware._redirect is BaseRedirectMiddleware._redirect
    params = list(inspect.signature(BaseRedirectMiddleware._redirect).parameters)
    assert params == ["self", "redirected", "request", "reason"]
    assert "self._redirect(redirected, request" in inspect.getsource(
        RedirectMiddleware.process_response
    )
