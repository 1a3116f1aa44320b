"""The spider registry: every spider file under ``SPIDER_MODULES``, loaded with clear errors.

One registry serves ``scrapy list`` / ``scrapy crawl`` (through :class:`RegistrySpiderLoader`,
Scrapy's ``SPIDER_LOADER_CLASS``), ``pricewatch shops list`` and the trending-topic sources, so
they always agree. Scrapy's own loader stops at the first broken module with a traceback; this
one imports each file on its own and reports a malformed one as :class:`ShopDefinitionError`
naming the file, so every command can say exactly what to fix.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.util
import inspect
import pkgutil
from collections.abc import Sequence
from types import ModuleType
from typing import Any, Self

from scrapy import Request
from scrapy.settings import BaseSettings

from pricewatch.errors import ShopDefinitionError
from pricewatch.spiders.base import PricewatchSpider

#: The packages spider files live in (``SPIDER_MODULES`` in pricewatch/settings.py).
SPIDER_PACKAGES = ("pricewatch.spiders.shops", "pricewatch.spiders.topics")


def _modules(package: str) -> list[str]:
    pkg = importlib.import_module(package)
    return [
        f"{package}.{info.name}"
        for info in pkgutil.iter_modules(pkg.__path__)
        if not info.name.startswith("_")
    ]


def _spiders_in(module: ModuleType) -> list[type[PricewatchSpider]]:
    return [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, PricewatchSpider)
        and obj.__module__ == module.__name__
        and not getattr(obj, "abstract", False)
        and getattr(obj, "name", None)
    ]


def load_spiders(packages: Sequence[str] = SPIDER_PACKAGES) -> dict[str, type[PricewatchSpider]]:
    """``{name: spider class}`` for every spider file; raises on the first malformed one."""
    spiders: dict[str, type[PricewatchSpider]] = {}
    for package in packages:
        for module_name in _modules(package):
            spec = importlib.util.find_spec(module_name)
            file = spec.origin if spec and spec.origin else module_name.replace(".", "/") + ".py"
            try:
                module = importlib.import_module(module_name)
            except ShopDefinitionError as exc:
                raise ShopDefinitionError(f"{file}: {exc}") from exc
            except Exception as exc:  # a syntax error, a bad import, anything a file can do
                raise ShopDefinitionError(
                    f"{file}: cannot load: {type(exc).__name__}: {exc}"
                ) from exc
            for spider in _spiders_in(module):
                if spider.name in spiders:
                    other = spiders[spider.name].__module__
                    raise ShopDefinitionError(
                        f"{file}: spider name {spider.name!r} already used by {other}"
                    )
                spiders[spider.name] = spider
    return spiders


class RegistrySpiderLoader:
    """Scrapy's spider loader interface over :func:`load_spiders` (``SPIDER_LOADER_CLASS``)."""

    def __init__(self, settings: BaseSettings) -> None:
        packages = settings.getlist("SPIDER_MODULES") or list(SPIDER_PACKAGES)
        self._spiders = load_spiders(packages)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(settings)

    def load(self, spider_name: str) -> type[PricewatchSpider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> builtins.list[str]:
        return sorted(self._spiders)

    def find_by_request(self, request: Request) -> builtins.list[str]:
        return [name for name, cls in self._spiders.items() if cls.handles_request(request)]

    def __repr__(self) -> str:
        return f"RegistrySpiderLoader({self.list()!r})"

    def __getstate__(self) -> Any:
        return {"_spiders": self._spiders}
