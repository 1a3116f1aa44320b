"""A shop's reading rules: how its product pages are read, as one value.

Spiders build it from a shop's class attributes (:meth:`ProductSpider.reading_rules`) and
``pricewatch extract`` uses the same value (with ``--currency`` / ``--render`` applied), so a page
is read the same way by a crawl and by a one-off extraction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from scrapy.http import TextResponse

from pricewatch.extract.page import Extraction, extract_product


@dataclass(frozen=True)
class ReadingRules:
    """Selectors, the shop's currency and whether (and until what) pages are rendered."""

    #: ``{"price": ".price", ...}`` CSS or XPath, only for what structured data does not give.
    selectors: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: ISO 4217 code used when a page does not say (and to read ``¥`` as JPY).
    currency: str | None = None
    #: Product pages need a browser to show their prices.
    render: bool = False
    #: Selector a rendered page must show before it is read (default: the price selector).
    wait_for: str | None = None

    @property
    def wait_selector(self) -> str | None:
        return self.wait_for or self.selectors.get("price")

    def read(self, response: TextResponse) -> Extraction:
        """Extract one fetched product page."""
        return extract_product(
            response.selector,
            response.url,
            body=response.body,
            encoding=response.encoding,
            selectors=self.selectors,
            currency=self.currency,
        )
