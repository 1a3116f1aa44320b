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
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import get_decimal_symbol, get_group_symbol
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)

from pricewatch.money import currency_exponent, format_decimal, format_money, format_percent
from pricewatch.reports.i18n import translations
from pricewatch.reports.period import client_zone

#: Deployment overrides of the packaged templates, relative to the current directory.
OVERRIDE_DIR = Path("reports/templates")
#: Shown for a missing figure.
DASH = "–"


def babel_locale(locale: str) -> str:
    return locale.replace("-", "_")


class Formatters:
    """Locale- and time-zone-bound formatting, shared by the templates and the Excel writer.

    A report shows the same prices many times (tables, charts, changes) and Babel formats one
    in ~0.1 ms, so results are cached per formatter; Babel's locale is parsed once.
    """

    def __init__(self, locale: str, timezone: str) -> None:
        self.locale = babel_locale(locale)
        self.babel = Locale.parse(self.locale)
        self.zone: ZoneInfo = client_zone(timezone)
        self._money: dict[tuple[Decimal, str], str] = {}
        self._fast: dict[str, _FastMoney | None] = {}
        self._times: dict[tuple[datetime, str], str] = {}

    def money(self, amount: Decimal | None, currency: str | None) -> str:
        if amount is None or currency is None:
            return DASH
        key = (amount, currency)
        text = self._money.get(key)
        if text is None:
            if currency not in self._fast:
                self._fast[currency] = _FastMoney.probe(currency, self.locale, self.babel)
            fast = self._fast[currency]
            text = fast(amount) if fast is not None else format_money(amount, currency, self.locale)
            self._money[key] = text
        return text

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
        key = (value, form)
        text = self._times.get(key)
        if text is None:  # crawls store many listings at the same moments
            text = format_datetime(value, form, tzinfo=self.zone, locale=self.babel)
            self._times[key] = text
        return text

    def day(self, value: datetime | None, form: str = "medium") -> str:
        if value is None:
            return DASH
        return format_date(value.astimezone(self.zone), form, locale=self.babel)


class _FastMoney:
    """Babel's money format for one currency and locale, applied without Babel per value.

    Made by :meth:`probe` only when its output equals :func:`pricewatch.money.format_money`
    on a set of probe values (standard 3-digit grouping, a fixed prefix/suffix); otherwise
    the caller keeps using Babel. Half-even rounding and "no minus on zero" as there.
    """

    PROBES = (
        "0",
        "0.004",
        "0.5",
        "7",
        "999.995",
        "1000",
        "1234567.891",
        "-0.001",
        "-5",
        "-12345.6",
    )

    def __init__(
        self, exponent: int, group: str, decimal: str, positive: str, negative: str
    ) -> None:
        self.quantum = Decimal(1).scaleb(-exponent)
        self.spec = f",.{exponent}f"
        self.group, self.decimal = group, decimal
        self.positive, self.negative = positive, negative

    def __call__(self, amount: Decimal) -> str:
        value = Decimal(amount).quantize(self.quantum, rounding=ROUND_HALF_EVEN)
        digits = format(abs(value), self.spec)
        digits = digits.replace(",", "\0").replace(".", self.decimal).replace("\0", self.group)
        return (self.negative if value < 0 else self.positive).replace("#", digits)

    @classmethod
    def probe(cls, currency: str, locale: str, babel: Locale) -> _FastMoney | None:
        try:
            exponent = currency_exponent(currency)
            sample = Decimal("1234567.25")
            number = format(sample, f",.{exponent}f")
            group, decimal = get_group_symbol(babel), get_decimal_symbol(babel)
            shown = number.replace(",", "\0").replace(".", decimal).replace("\0", group)
            positive = format_money(sample, currency, locale)
            negative = format_money(-sample, currency, locale)
            if positive.count(shown) != 1 or negative.count(shown) != 1:
                return None
            fast = cls(
                exponent, group, decimal, positive.replace(shown, "#"), negative.replace(shown, "#")
            )
            ok = all(
                fast(Decimal(v)) == format_money(Decimal(v), currency, locale) for v in cls.PROBES
            )
        except (ValueError, TypeError):
            return None
        return fast if ok else None


def http_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) URL, else None (no ``javascript:`` links from scraped data)."""
    if not url:
        return None
    return url if url[:8].lower().startswith(("http://", "https://")) else None


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
