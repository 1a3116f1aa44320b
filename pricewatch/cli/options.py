"""Command-line values shared by commands, checked before anything runs.

``-s NAME=VALUE`` (Scrapy/pricewatch settings, typed like the setting's default),
``--base-url SHOP=URL``, shop names and URLs given on the command line. Each bad value is a
Click usage error: one line naming the option and the value, exit code 2, and nothing fetched
or stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import click

if TYPE_CHECKING:
    from pricewatch.platforms.base import ProductSpider

_BOOL_WORDS = ("0", "1", "true", "false")

F = TypeVar("F", bound=Callable[..., Any])


def fetch_options(base_url_help: str) -> Callable[[F], F]:
    """``--base-url SHOP=URL``, ``-s NAME=VALUE`` and ``-v``: the options of commands that fetch."""

    def decorate(fn: F) -> F:
        for option in reversed(
            [
                click.option(
                    "--base-url",
                    "base_urls",
                    multiple=True,
                    metavar="SHOP=URL",
                    help=base_url_help,
                ),
                click.option(
                    "-s",
                    "settings",
                    multiple=True,
                    metavar="NAME=VALUE",
                    help="Scrapy/pricewatch setting.",
                ),
                click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log (INFO)."),
            ]
        ):
            fn = option(fn)
        return fn

    return decorate


def parse_settings(pairs: Sequence[str]) -> dict[str, str]:
    """``-s NAME=VALUE`` options (as ``scrapy crawl -s``)."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r}: expected NAME=VALUE", param_hint="-s")
        out[name.strip()] = value
    return out


def _setting_error(default: Any, value: str) -> str | None:
    """Why ``value`` cannot stand for a setting whose default is ``default`` (None: it can)."""
    if isinstance(default, bool):
        return None if value.strip().lower() in _BOOL_WORDS else "expected 1/0 or true/false"
    if isinstance(default, int | float):
        # Scrapy reads some int-valued defaults as floats (DOWNLOAD_DELAY = 0): any number.
        try:
            number = float(value)
        except ValueError:
            return "expected a number"
        return "expected a number at least 0" if number < 0 else None
    if isinstance(default, dict | list):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, type(default)):
            kind = "object" if isinstance(default, dict) else "array"
            return f"expected a JSON {kind}"
    return None


def checked_settings(pairs: Sequence[str]) -> dict[str, str]:
    """``-s`` options, each value checked against the type of the setting's default."""
    from pricewatch.crawl.process import project_settings

    settings = parse_settings(pairs)
    defaults = project_settings()
    for name, value in settings.items():
        problem = _setting_error(defaults.get(name), value)
        if problem:
            raise click.BadParameter(f"{name}={value!r}: {problem}", param_hint="-s")
    return settings


def check_url(url: str, param_hint: str) -> str:
    """``url`` if it is an absolute http(s) URL, else a usage error naming it."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(
            f"{url!r} is not an http(s) URL (e.g. https://shop.example/p/1)",
            param_hint=param_hint,
        )
    return url.strip()


def named_shop(name: str, known: dict[str, type[ProductSpider]]) -> type[ProductSpider]:
    """The shop class called ``name``; an unknown name is a usage error listing the known ones."""
    from pricewatch.errors import UnknownShopError
    from pricewatch.shops import get_shop

    try:
        return get_shop(name, known)
    except UnknownShopError as exc:
        raise click.UsageError(str(exc)) from None


def shop_urls(pairs: Sequence[str]) -> dict[str, str]:
    """``--base-url SHOP=URL`` options."""
    out = {}
    for pair in pairs:
        name, _, url = pair.partition("=")
        parts = urlsplit(url)
        if not name or parts.scheme not in ("http", "https") or not parts.netloc:
            raise click.BadParameter(
                f"{pair!r}: expected SHOP=http://host:port/", param_hint="--base-url"
            )
        out[name] = url
    return out
