"""The Jinja2 environment every report template renders in: one per locale and time zone.

* **Templates** come from ``reports/templates/`` under the current directory first (a
  deployment's overrides, file by file), then from the package (``pricewatch/reports/templates``).
* **Autoescaping** is on for every template and every string template except plain-text ones
  (``*.txt``, the e-mail's text part): scraped titles are untrusted HTML.
* **Language**: Jinja's i18n extension with the Babel catalogue of the locale
  (:mod:`pricewatch.reports.i18n`), new-style gettext (``_("%(n)s products", n=3)``).
* **Filters**: ``money(currency)``, ``number(digits)``, ``percent(digits, signed)``
  (:mod:`pricewatch.money`'s locale formatting), ``datetime`` / ``date`` (Babel, in the client's
  time zone), ``http_url`` (only http(s) links survive into ``href``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)

from pricewatch.money import format_decimal, format_money, format_percent
from pricewatch.reports.i18n import translations
from pricewatch.reports.period import client_zone

#: Deployment overrides of the packaged templates, relative to the current directory.
OVERRIDE_DIR = Path("reports/templates")
#: Shown for a missing figure.
DASH = "–"


def babel_locale(locale: str) -> str:
    return locale.replace("-", "_")


class Formatters:
    """Locale- and time-zone-bound formatting, shared by the templates and the Excel writer."""

    def __init__(self, locale: str, timezone: str) -> None:
        self.locale = babel_locale(locale)
        self.zone: ZoneInfo = client_zone(timezone)

    def money(self, amount: Decimal | None, currency: str | None) -> str:
        if amount is None or currency is None:
            return DASH
        return format_money(amount, currency, self.locale)

    def number(self, value: Decimal | int | None, digits: int | None = None) -> str:
        if value is None:
            return DASH
        return format_decimal(Decimal(value), self.locale, digits=digits)

    def percent(self, value: Decimal | None, digits: int = 1, signed: bool = False) -> str:
        if value is None:
            return DASH
        return format_percent(value, self.locale, digits=digits, signed=signed)

    def when(self, value: datetime | None, form: str = "short") -> str:
        if value is None:
            return DASH
        return format_datetime(value, form, tzinfo=self.zone, locale=self.locale)

    def day(self, value: datetime | None, form: str = "medium") -> str:
        if value is None:
            return DASH
        return format_date(value.astimezone(self.zone), form, locale=self.locale)


def http_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) URL, else None (no ``javascript:`` links from scraped data)."""
    if not url:
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


def make_environment(
    locale: str, timezone: str, *, template_dir: Path | None = None
) -> tuple[Environment, Formatters]:
    """The environment for ``locale`` in ``timezone``, and its formatters."""
    loaders: list[Any] = []
    override = template_dir if template_dir is not None else OVERRIDE_DIR
    if override.is_dir():
        loaders.append(FileSystemLoader(str(override)))
    loaders.append(PackageLoader("pricewatch.reports", "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(
            enabled_extensions=("html", "htm", "xml", "svg"),
            disabled_extensions=("txt",),
            default_for_string=True,
            default=True,
        ),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    fmt = Formatters(locale, timezone)
    env.filters.update(
        money=lambda value, currency: fmt.money(value, currency),
        number=fmt.number,
        percent=fmt.percent,
        datetime=fmt.when,
        date=fmt.day,
        http_url=http_url,
    )
    env.globals["html_lang"] = locale
    return env, fmt
