"""Request routing and page rendering for the three demo shops, one module per shop.

Each :class:`Site` turns a parsed request into a :class:`Response` (status, bytes, content
type). Pages are rendered at request time from :mod:`pricewatch.demo.catalog` with the Jinja2
templates under ``pricewatch/demo/site/templates``, so switching the round changes what the
next request sees. Nothing here touches sockets: the HTTP plumbing lives in
:mod:`pricewatch.demo.server`.

* :mod:`.base`: :class:`Request`, :class:`Response`, the :class:`Site` base (robots, sitemap,
  static files, images, cart, 404) and the template environment.
* :mod:`.hongxing`, :mod:`.lantian`, :mod:`.yunshang`: one :class:`Site` subclass per shop.

This module is the registry: :data:`SITES`, in port order.
"""

from __future__ import annotations

from pricewatch.demo.sites.base import (
    SITE_DIR,
    STATIC_DIR,
    STOCK_TEXT,
    Request,
    Response,
    Site,
    yuan,
)
from pricewatch.demo.sites.hongxing import HongxingSite
from pricewatch.demo.sites.lantian import LantianSite
from pricewatch.demo.sites.yunshang import YunshangSite

__all__ = [
    "SITES",
    "SITE_DIR",
    "STATIC_DIR",
    "STOCK_TEXT",
    "HongxingSite",
    "LantianSite",
    "Request",
    "Response",
    "Site",
    "YunshangSite",
    "yuan",
]

#: The site classes in port order (the same order as :data:`pricewatch.demo.catalog.SHOPS`).
SITES: tuple[type[Site], ...] = (HongxingSite, LantianSite, YunshangSite)
