"""Redirects that record loops instead of dropping them silently.

With Scrapy's ``RedirectMiddleware``, a redirect back to a URL already fetched goes through the
duplicate filter and vanishes: no response, no error, nothing recorded. Here a redirect target
already in the request's redirect chain is followed once more without the duplicate filter
(shops that set a cookie and redirect to the same page need that), and a second return is a
loop: ``IgnoreRequest("redirect loop: a -> b -> a ...")``, recorded as ``redirect_loop``.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest


class LoopAwareRedirectMiddleware(RedirectMiddleware):
    def _redirect(self, redirected: Request, request: Request, reason: str | int) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        seen = chain.count(redirected.url)
        if seen >= 2:
            path = " -> ".join([*chain, redirected.url][-6:])
            raise IgnoreRequest(f"redirect loop: {path}")
        result = super()._redirect(redirected, request, reason)
        if seen:
            result.dont_filter = True
        return result
