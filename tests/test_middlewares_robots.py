"""RobotsTxtMiddleware (pricewatch/middlewares/robots.py): rules for every waiting request.

The middlewares run on the running asyncio loop (``asyncio.run``) with a fake engine whose
robots.txt download waits until the test releases it, so several requests are waiting for it at
once, as in a crawl that starts many requests of a shop together. No network is involved.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobots
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.robotstxt import RobotParser
from scrapy.utils.test import get_crawler
from twisted.internet.defer import Deferred

from pricewatch.middlewares.robots import RobotsTxtMiddleware

ROBOTS = b"User-agent: *\nDisallow: /secret\n"


class FakeEngine:
    """``engine.download_async`` for robots.txt: answers once ``released`` is set."""

    def __init__(self, body: bytes | None) -> None:
        self.body = body
        self.released = asyncio.Event()
        self.fetched: list[str] = []

    async def download_async(self, request: Request) -> Response:
        self.fetched.append(request.url)
        await self.released.wait()
        if self.body is None:
            raise ConnectionRefusedError("robots.txt unreachable")
        return TextResponse(request.url, body=self.body, request=request)


async def verdict(mw: ScrapyRobots, url: str) -> str:
    try:
        await mw.process_request(Request(url))
    except IgnoreRequest:
        return "forbidden"
    return "allowed"


def verdicts(
    mw_cls: type[ScrapyRobots], paths: list[str], robots: bytes | None = ROBOTS
) -> tuple[list[str], list[str], Any]:
    """Verdicts for ``paths`` of one shop requested together; robots.txt fetches; parser."""

    async def scenario() -> tuple[list[str], list[str], Any]:
        crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True})
        engine = FakeEngine(robots)
        crawler.engine = engine  # type: ignore[assignment]
        mw = mw_cls.from_crawler(crawler)
        waiting = [asyncio.ensure_future(verdict(mw, f"http://shop.test{p}")) for p in paths]
        await asyncio.sleep(0.01)  # every request is waiting for robots.txt now
        # What pricewatch's override relies on: a pending fetch is a Deferred in _parsers.
        assert isinstance(mw._parsers["shop.test"], Deferred)
        engine.released.set()
        results = await asyncio.gather(*waiting)
        return list(results), engine.fetched, mw._parsers["shop.test"]

    return asyncio.run(scenario())


SECRETS = ["/secret/1", "/secret/2", "/secret/3", "/secret/4"]


def test_scrapy_robots_still_lets_later_waiters_through() -> None:
    results, fetched, _ = verdicts(ScrapyRobots, SECRETS)
    assert fetched == ["http://shop.test/robots.txt"]
    assert "allowed" in results, (
        "Scrapy fixed RobotsTxtMiddleware: every request waiting for robots.txt now gets its "
        "rules: drop pricewatch/middlewares/robots.py and its DOWNLOADER_MIDDLEWARES entries"
    )


def test_every_waiting_request_gets_the_rules() -> None:
    results, fetched, parser = verdicts(RobotsTxtMiddleware, [*SECRETS, "/ok", "/secret/5"])
    assert results == ["forbidden"] * 4 + ["allowed", "forbidden"]
    assert fetched == ["http://shop.test/robots.txt"]  # one fetch for all of them
    assert isinstance(parser, RobotParser)


def test_unreachable_robots_txt_allows_every_waiting_request() -> None:
    results, fetched, parser = verdicts(RobotsTxtMiddleware, SECRETS, robots=None)
    assert results == ["allowed"] * 4  # Scrapy's rule: no robots.txt, no restrictions
    assert fetched == ["http://shop.test/robots.txt"]
    assert parser is None


def test_requests_after_the_fetch_use_the_parsed_rules() -> None:
    async def scenario() -> list[str]:
        crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True})
        engine = FakeEngine(ROBOTS)
        engine.released.set()
        crawler.engine = engine  # type: ignore[assignment]
        mw = RobotsTxtMiddleware.from_crawler(crawler)
        first = await verdict(mw, "http://shop.test/secret/1")
        later = await verdict(mw, "http://shop.test/secret/2")
        assert len(engine.fetched) == 1
        return [first, later]

    assert asyncio.run(scenario()) == ["forbidden", "forbidden"]


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("robot_parser", ["self", "request"]),
        ("_parse_robots", ["self", "response", "netloc", "request"]),
        ("_robots_error", ["self", "exc", "netloc"]),
    ],
)
def test_the_private_api_the_fix_relies_on(method: str, params: list[str]) -> None:
    assert list(inspect.signature(getattr(ScrapyRobots, method)).parameters) == params


def test_robot_parser_is_a_coroutine_over_a_dict_of_parsers() -> None:
    assert inspect.iscoroutinefunction(ScrapyRobots.robot_parser)
    mw = ScrapyRobots(get_crawler(settings_dict={"ROBOTSTXT_OBEY": True}))
    assert mw._parsers == {}  # netloc -> RobotParser | pending Deferred | None
