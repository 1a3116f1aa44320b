"""Locale-aware formatting of prices, numbers and percentages for reports, with Babel (CLDR).

Real outputs (Babel 2.18, CLDR 47)::

    format_money(Decimal("1299"), "CNY", "zh-CN")   -> "¥1,299.00"
    format_money(Decimal("1299"), "CNY", "en")      -> "CN¥1,299.00"
    format_money(Decimal("1299"), "EUR", "en")      -> "€1,299.00"
    format_money(Decimal("1299"), "EUR", "de")      -> "1.299,00\\xa0€"
    format_money(Decimal("1299.5"), "JPY", "en")    -> "¥1,300"
    format_money(Decimal("1.25"), "KWD", "en")      -> "KWD1.250"
    format_percent(Decimal("0.052"), "en", signed=True)  -> "+5.2%"
    format_percent(Decimal("-0.03"), "de", signed=True)  -> "-3,0\\xa0%"

Where a locale puts a space between number and sign it is a no-break space (U+00A0, or
U+202F in French), as Babel writes it; letter symbols get no space ("KWD1.250": Babel does
not apply CLDR's currency spacing). Digits are always Latin.

A price shows the currency's ISO 4217 minor units, as stored (:func:`.currency_exponent`):
JPY none, KWD three. CLDR disagrees for a few currencies (0 digits for IQD, which has 3, and
for AFN, ALL, IRR, KPW, LAK, LBP, MGA, MMK, RSD, SLL, SOS, SYP, YER, which have 2), so
Babel's own currency precision is not used. Values are rounded half-even, like
:func:`.to_minor_units`, at whatever size, and a value that rounds to zero never shows a
minus sign. Decimal (or int) in, ``str`` out: floats are refused. Locales are Babel/CLDR
names with ``_`` or ``-`` (``"en"``, ``"zh-CN"``, ``"zh_CN"``, ``"de-DE"``); an unknown
locale or currency raises ``ValueError`` naming it.
"""

from __future__ import annotations

from copy import copy
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberPattern, get_plus_sign_symbol

from pricewatch.money.currencies import ISO_CURRENCIES
from pricewatch.money.units import _exact_precision, _finite_decimal, currency_exponent

__all__ = ["format_decimal", "format_money", "format_percent"]


def format_money(amount: Decimal, currency: str, locale: str = "en") -> str:
    """``amount`` in ``currency`` (an ISO 4217 code) as ``locale`` writes prices.

    ``format_money(Decimal("1299"), "CNY", "zh-CN")`` is ``"¥1,299.00"``; negative amounts
    (price drops) get the locale's minus: ``"-$5.00"`` in en.
    """
    code = currency.upper() if isinstance(currency, str) else currency
    if code not in ISO_CURRENCIES:
        raise ValueError(f"unknown currency {currency!r}: expected an ISO 4217 code like 'CNY'")
    where = _locale(locale)
    pattern = where.currency_formats["standard"]
    value = _finite_decimal(amount, "amount")
    return _render(pattern, value, where, places=currency_exponent(code), currency=code)


def format_decimal(value: Decimal, locale: str = "en", *, digits: int | None = None) -> str:
    """``value`` with the locale's separators (a price index: ``"1,234.5"``, de ``"1.234,5"``).

    ``digits`` fixes the decimals shown (rounded half-even); ``None`` shows those ``value``
    has, so ``Decimal("103.20")`` is ``"103.20"``.
    """
    where = _locale(locale)
    number = _finite_decimal(value, "value")
    return _render(where.decimal_formats[None], number, where, places=_places(digits))


def format_percent(
    value: Decimal, locale: str = "en", *, digits: int = 1, signed: bool = False
) -> str:
    """The fraction ``value`` as a percentage: ``Decimal("0.052")`` is ``"5.2%"``.

    ``digits`` decimals are shown (rounded half-even). ``signed`` puts the locale's plus sign
    on gains, for changes: ``"+5.2%"``, ``"-3.0%"``; a change that rounds to zero is
    ``"0.0%"``, without a sign.
    """
    where = _locale(locale)
    number = _finite_decimal(value, "value")
    pattern = where.percent_formats[None]
    return _render(pattern, number, where, places=_places(digits), signed=signed)


@lru_cache(maxsize=64)
def _locale(name: str) -> Locale:
    if not isinstance(name, str):
        raise TypeError(f"locale must be a str, got {type(name).__name__}")
    try:
        return Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"unknown locale {name!r}: expected a name like 'en' or 'zh-CN'") from None


def _places(digits: int | None) -> int | None:
    if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int)):
        raise TypeError(f"digits must be an int, got {type(digits).__name__}")
    if digits is not None and digits < 0:
        raise ValueError(f"digits must not be negative, got {digits}")
    return digits


def _render(
    pattern: NumberPattern,
    value: Decimal,
    locale: Locale,
    *,
    places: int | None,
    currency: str | None = None,
    signed: bool = False,
) -> str:
    """``value`` through the locale's ``pattern`` with exactly ``places`` decimals.

    ``places=None`` keeps the digits ``value`` has. Rounding happens here, half-even and at a
    precision that fits ``value``, so Babel only lays out digits that are already final.
    """
    scale = pattern.scale  # a percent pattern shows 0.052 as 5.2
    if places is None:
        places = max(0, -(int(value.as_tuple().exponent) + scale))
    with localcontext() as ctx:  # also covers Babel's own arithmetic in apply()
        ctx.prec = _exact_precision(value, places + scale)
        ctx.rounding = ROUND_HALF_EVEN
        shown = value.scaleb(scale).quantize(Decimal(1).scaleb(-places))
        if shown.is_zero():
            shown = abs(shown)  # "0.00", never "-0.00"
        pattern = copy(pattern)  # Babel's patterns are shared locale data: never mutate them
        pattern.frac_prec = (places, places)
        if signed and shown > 0:
            pattern.prefix = (get_plus_sign_symbol(locale) + pattern.prefix[0], pattern.prefix[1])
        text: str = pattern.apply(
            shown.scaleb(-scale), locale, currency=currency, currency_digits=False
        )
    return text
