"""Offline demo shops that ``pricewatch demo`` and the test suite crawl.

Three shops with different extraction challenges run on 127.0.0.1:

* ``demo_hongxing`` (红星数码): schema.org Product JSON-LD, one multi-variant product.
* ``demo_lantian`` (蓝天百货): GBK pages, prices only in markup, paginated listing.
* ``demo_yunshang`` (云上优选): prices rendered by JavaScript from a JSON API.

:func:`expected` says what a correct crawl extracts, per shop and round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pricewatch.demo.catalog import SHOPS, changes, expected, gone_paths

if TYPE_CHECKING:
    from pricewatch.demo.server import DemoServer, DemoShop, RequestRecord

__all__ = ["SHOPS", "DemoServer", "DemoShop", "RequestRecord", "changes", "expected", "gone_paths"]

_SERVER_NAMES = {"DemoServer", "DemoShop", "RequestRecord"}


def __getattr__(name: str) -> Any:
    # Imported lazily so `python -m pricewatch.demo.server` does not find the module already
    # imported by its own package (runpy warns about that).
    if name in _SERVER_NAMES:
        from pricewatch.demo import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
