"""Price parsing: price strings from product pages into an exact amount plus an ISO code.

:func:`parse_price` reads visible text (shop selectors, the heuristic); :func:`parse_amount`
reads plain numbers from structured data. It builds on price-parser for reading numbers
(decimal and thousands separators) and replaces its currency detection, which misses the
Chinese forms our users see every day (``元``, ``人民币``, ``RMB``, ``￥99起``) and confuses
``CAN$``, ``US $`` and friends. It also picks the number next to the currency sign instead of
the first number in the text, takes the low end of ranges, reads fullwidth digits and
punctuation, and treats zero or negative amounts as "no price". No settings control this
module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from price_parser import Price

from pricewatch.money.currencies import Money
from pricewatch.money.resolve import _currency, _hint_currency
from pricewatch.money.symbols import _find_symbols
from pricewatch.money.text import _clean
from pricewatch.money.units import currency_exponent

__all__ = ["parse_amount", "parse_price"]


# ---------------------------------------------------------------------------------------------
# Choosing and reading the number

_HAS_DIGIT = re.compile(r"\d")
# A number: "1,299.00", "1.299,00", "1'299.00", ".75", or with spaces between thousands
# ("1 299,00", "3 250 000"). Spaces count only between groups of exactly three digits before
# any decimal part, so "¥59.90 2000人付款" stays 59.90 and "$2.00 100 - $2.75" stays 2.00.
# "119. 95" and "1.837, 32" (a space after the separator) are price-parser cases kept working.
_NUMBER = re.compile(
    r"\d{1,3}(?:\s\d{3})+(?!\d)(?:[.,]\d+)?"
    r"|\.?\d(?:[.,]\s(?=\d\d(?!\d))|[\d.,'])*"
)
_PERCENT_AFTER = re.compile(r"\s?%")
# Between the two ends of a range: "99-199元", "99 ~ 199", "26 to 50 €", "от 10 до 20 руб".
_RANGE_BETWEEN = re.compile(r"\s?(?:[-~–—]|至|到)\s?|\s(?:to|bis|a|à|до)\s", re.I)
# "35€ 99", "1250€600": price-parser reads a lone euro sign as the decimal separator.
_EURO_CENTS_AFTER = re.compile(r"\s?€(?:\s\d\d|\d+)(?!\d)")
_THREE_DECIMALS = re.compile(r"[\d, ]*\.\d{3}")
_CJK_UNIT = re.compile(r"[\u3400-\u9fff]")
_TEN_THOUSAND = "万"
_MINUS = "-−"


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for m in _NUMBER.finditer(text):
        value = m.group().rstrip(".,' ")
        tokens.append(_Token(m.start(), m.start() + len(value)))
    return tokens


def _prefix_anchor(text: str, match: re.Match[str]) -> int:
    """Where a number written after this sign starts ("US$:12.99", "€ 1", "¥99")."""
    pos = match.end()
    if text.startswith(" ", pos):
        pos += 1
    if text.startswith(":", pos):
        pos += 1
        if text.startswith(" ", pos):
            pos += 1
    return pos


def _suffix_anchor(text: str, match: re.Match[str]) -> int:
    """Where a number written before this sign ends ("99元", "1 299,00 €", "50,- Kč")."""
    pos = match.start()
    if pos and text[pos - 1] == " ":
        pos -= 1
    dashes = pos
    while dashes and text[dashes - 1] == "-":
        dashes -= 1
    if dashes < pos and dashes and text[dashes - 1] in ".,":
        pos = dashes - 1
    return pos


def _choose(
    text: str, tokens: list[_Token], strong: list[re.Match[str]], weak: list[re.Match[str]]
) -> tuple[_Token, re.Match[str] | None] | None:
    """The price among the numbers: the first one next to a currency sign, else the first one.

    Returns the token and the sign written before it (needed to spot a minus before the sign),
    or ``None`` when every number is a percentage.
    """
    for matches in (strong, weak):
        prefixes = {_prefix_anchor(text, m): m for m in matches}
        suffixes = {_suffix_anchor(text, m) for m in matches}
        for index, token in enumerate(tokens):
            if token.start in prefixes:
                return token, prefixes[token.start]
            if token.end in suffixes:
                # "99-199元", "99 ~ 199 €": a range with the sign at the end; take the low end.
                if index and _RANGE_BETWEEN.fullmatch(text, tokens[index - 1].end, token.start):
                    return tokens[index - 1], None
                return token, None
    for token in tokens:
        if not _PERCENT_AFTER.match(text, token.end):  # "-30%" is a discount, not a price
            return token, None
    return None


def _is_negative(text: str, token: _Token, sign: re.Match[str] | None) -> bool:
    # "-5.00", "-¥5", "Refund: -$5" are credits, not prices; "A-5" or "99-199" are not minus.
    lead = sign.start() if sign is not None else token.start
    if not lead or text[lead - 1] not in _MINUS:
        return False
    return lead == 1 or not text[lead - 2].isalnum()


def parse_price(
    text: str | None,
    currency_hint: str | None = None,
    *,
    decimal_separator: str | None = None,
    region: str | None = None,
) -> Money | None:
    """Read a price such as ``"￥1,299.00"``, ``"1.299,00 €"`` or ``"99-199元"``.

    ``currency_hint`` is the shop's currency (an ISO code or a symbol) or text found near the
    price; it is used when the text names no currency and to tell which ``$``, ``kr`` or ``¥``
    is meant (``"$"`` with hint ``"CAD"`` is CAD, ``"¥"`` with hint ``"JPY"`` is JPY).
    ``decimal_separator`` (``"."``, ``","``) overrides the guess, as in price-parser.
    ``region`` is the currency of the page's country (its ``lang`` or host,
    :func:`~pricewatch.money.region_currency`): it only decides which currency a shared sign
    means (``$`` on a ``.tw`` page is TWD, ``元`` on a ``zh-TW`` page is TWD); unlike the hint
    it never gives a currency to a bare number.

    Ranges give their low end; zero, negative and digit-less texts give ``None``. Never raises
    for a string ``text``.
    """
    if decimal_separator not in (None, ".", ",", "€"):
        raise ValueError(f"unsupported decimal_separator {decimal_separator!r}")
    if not isinstance(text, str):
        return None
    cleaned = _clean(text)
    tokens = _tokens(cleaned) if _HAS_DIGIT.search(cleaned) else []
    if not tokens:
        return None
    strong, weak = _find_symbols(cleaned)
    chosen = _choose(cleaned, tokens, strong, weak)
    if chosen is None or _is_negative(cleaned, *chosen):
        return None
    token = chosen[0]

    end = token.end
    if cleaned.count("€") == 1 and (cents := _EURO_CENTS_AFTER.match(cleaned, end)):
        end = cents.end()
    number = cleaned[token.start : end]
    # "¥99 200人付款": a space group glued to a Chinese word is a count, not thousands.
    if (
        " " in number
        and _CJK_UNIT.match(cleaned, end)
        and cleaned[end] != _TEN_THOUSAND
        and not any(m.start() == end for m in strong)  # "1 299元" is thousands
    ):
        number = number.split(" ", 1)[0]
    hint, hint_strong = _hint_currency(currency_hint)
    currency = _currency(strong, weak, hint, hint_strong, region)
    if (
        decimal_separator is None
        and currency is not None
        and currency_exponent(currency) == 3
        and _THREE_DECIMALS.fullmatch(number)
    ):
        # "1.250 KD" is 1.25 dinars (fils have three digits), not 1,250 as price-parser guesses.
        decimal_separator = "."
    amount = Price.fromstring(number, decimal_separator=decimal_separator).amount
    if amount is None or not amount.is_finite() or amount <= 0:
        return None
    if cleaned.startswith(_TEN_THOUSAND, end):  # "1.2万" is 12,000
        amount = amount * 10_000
    return Money(amount, currency)


# ---------------------------------------------------------------------------------------------
# Plain amounts

_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_COMMA_GROUPS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DOT_GROUPS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+")
_COMMA_DECIMAL = re.compile(r"[+-]?\d+,\d{1,2}")


def parse_amount(value: object) -> Decimal | None:
    """An exact number from a structured-data value (JSON-LD ``price``, ``data-price``...).

    Accepts ``Decimal``, ``int``, ``float`` (read through its shortest repr, so ``12.5`` is
    ``Decimal("12.5")``) and numeric strings: ``"1299.00"``, ``" 12.5 "``, ``"1,299.00"``,
    ``"1.299,00"``, ``"12,50"``. A single dot is always a decimal point, as schema.org
    requires. Returns ``None`` for bools, NaN, infinities and anything else (e.g. ``"¥99"``:
    use :func:`parse_price` for text). Zero and negative values are returned; whether they
    are a price is the caller's call.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        return number if number.is_finite() else None
    if not isinstance(value, str):
        return None
    text = _clean(value).replace(" ", "")
    if _PLAIN.fullmatch(text):
        pass
    elif _COMMA_GROUPS.fullmatch(text):
        text = text.replace(",", "")
    elif _DOT_GROUPS.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    elif _COMMA_DECIMAL.fullmatch(text):
        text = text.replace(",", ".")
    else:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the patterns only let numbers through
        return None
