"""Generic shops: product pages with schema.org / OpenGraph data, or shop selectors.

This is :class:`~pricewatch.platforms.base.ProductSpider` under the name shop files use; see
its docstring for the attributes. A shop file usually needs only ``name``, ``start_urls``,
``product_url_pattern`` (or ``product_links``) and ``next_page``.
"""

from __future__ import annotations

from typing import ClassVar

from pricewatch.platforms.base import ProductSpider


class StructuredDataSpider(ProductSpider):
    abstract: ClassVar[bool] = True


class RenderedSpider(ProductSpider):
    """A shop whose prices appear only after JavaScript runs.

    Same attributes as :class:`ProductSpider`; ``render`` is on, and the page is read once
    ``wait_for`` (default ``selectors["price"]``) is attached. Listing pages are fetched
    without the browser unless ``render_listings = True``.
    """

    abstract: ClassVar[bool] = True
    render: ClassVar[bool] = True
    render_listings: ClassVar[bool | None] = False
