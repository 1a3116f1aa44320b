"""Money: exact prices and ISO 4217 currencies, from page text to storage to reports.

Everything that reads, stores or shows a price goes through this package. Structured-data
readers use :func:`parse_amount` for plain numbers and :func:`normalize_currency` for
``priceCurrency``; shop selectors and the heuristic use :func:`parse_price` on visible text.
Storage uses :func:`to_minor_units` / :func:`from_minor_units`; reports use
:func:`format_money`, :func:`format_decimal` and :func:`format_percent`. Amounts are
``Decimal``, never ``float``.

Modules, one concern each: :mod:`.currencies` (ISO codes, minor units, symbol tables,
:class:`Money`), :mod:`.symbols` (finding currency signs in text), :mod:`.text` (folding
fullwidth forms), :mod:`.resolve` (which currency a sign or hint means), :mod:`.region` (the
currency of a page's country, for shared signs), :mod:`.parse`
(reading prices and amounts), :mod:`.units` (minor units), :mod:`.format` (locale-aware
output with Babel). Import from this package; names with a leading underscore are shared
between its modules only.
"""

from pricewatch.money.currencies import ISO_CURRENCIES, Money
from pricewatch.money.format import format_decimal, format_money, format_percent
from pricewatch.money.parse import parse_amount, parse_price
from pricewatch.money.region import region_currency
from pricewatch.money.resolve import normalize_currency
from pricewatch.money.units import currency_exponent, from_minor_units, to_minor_units

__all__ = [
    "ISO_CURRENCIES",
    "Money",
    "currency_exponent",
    "format_decimal",
    "format_money",
    "format_percent",
    "from_minor_units",
    "normalize_currency",
    "parse_amount",
    "parse_price",
    "region_currency",
    "to_minor_units",
]
