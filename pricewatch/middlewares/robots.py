"""robots.txt for every request, including the ones that arrive while it is being fetched.

Scrapy 2.19's ``RobotsTxtMiddleware`` makes every request that arrives while a shop's
robots.txt is downloading await one shared Deferred; the first awaiter consumes its result and
every later one receives ``None``, i.e. "allow everything". A crawl that starts several requests
at once therefore fetched disallowed pages. (``scrapy/downloadermiddlewares/robotstxt.py``:
``robot_parser`` parks a Deferred in ``self._parsers[netloc]`` at l. 91 and awaits it with
``maybe_deferred_to_future`` at l. 115, whose ``Deferred.asFuture`` callback returns ``None``;
``_parse_robots`` fires it once, l. 132.) Here each waiter gets its own Deferred, fed from the
shared one, so all of them see the parsed rules.

tests/test_middlewares_robots.py fails when Scrapy fixes this (then drop this module and its
``DOWNLOADER_MIDDLEWARES`` entries) or changes what this relies on.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as _ScrapyRobots
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class RobotsTxtMiddleware(_ScrapyRobots):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        mine: Deferred[Any] = Deferred()

        def share(result: Any) -> Any:
            mine.callback(result)
            return result  # keep the result on the shared Deferred for the next waiter

        pending.addBoth(share)
        return await maybe_deferred_to_future(mine)
