"""Redirects that record loops instead of dropping them silently.

With Scrapy's ``RedirectMiddleware``, a redirect back to a page already fetched goes through the
duplicate filter and vanishes: no response, no error, nothing recorded (Scrapy 2.19's
``BaseRedirectMiddleware._redirect`` copies ``dont_filter`` from the redirecting request at
l. 108, so the target meets the scheduler's ``RFPDupeFilter``). Here a redirect target already
in the request's redirect chain is followed once more without the duplicate filter (shops that
set a cookie and redirect to the same page need that), and a second return is a loop:
``IgnoreRequest("redirect loop: a -> b -> a ...")``, recorded as ``redirect_loop``.

"The same page" means what the duplicate filter means by it: the same request fingerprint
(``crawler.request_fingerprinter``, by default the canonical URL without its fragment, plus the
method and body), so ``/x?b=1&a=2`` and ``/x?a=2&b=1`` or ``/x#top`` are one page. The chain's
fingerprints travel in ``meta["pricewatch_redirect_fingerprints"]`` next to Scrapy's
``redirect_urls``; a chain this middleware did not build all of (a ``MetaRefreshMiddleware``
step) is fingerprinted again from ``redirect_urls``.

tests/test_middlewares_redirect.py fails when Scrapy stops dropping such redirects (then this
module may go) or changes ``_redirect``.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest

FINGERPRINTS = "pricewatch_redirect_fingerprints"


class LoopAwareRedirectMiddleware(RedirectMiddleware):
    crawler: Crawler

    def _chain_fingerprints(self, request: Request) -> list[bytes]:
        """Fingerprints of the redirect chain that led to ``request``, ``request`` last."""
        fingerprint = self.crawler.request_fingerprinter.fingerprint
        urls: list[str] = request.meta.get("redirect_urls", [])
        known: list[bytes] = request.meta.get(FINGERPRINTS, [])
        if len(known) != len(urls):
            known = [fingerprint(request.replace(url=url)) for url in urls]
        return [*known, fingerprint(request)]

    def _redirect(self, redirected: Request, request: Request, reason: str | int) -> Request:
        chain = self._chain_fingerprints(request)
        seen = chain.count(self.crawler.request_fingerprinter.fingerprint(redirected))
        if seen >= 2:
            urls = [*request.meta.get("redirect_urls", []), request.url, redirected.url]
            raise IgnoreRequest(f"redirect loop: {' -> '.join(urls[-6:])}")
        result = super()._redirect(redirected, request, reason)
        result.meta[FINGERPRINTS] = chain
        if seen:
            result.dont_filter = True
        return result
