"""Currency resolution: which ISO code a symbol, a shop's hint or a page's text means.

:func:`normalize_currency` reads one symbol, name or code (``priceCurrency``, a shop's
setting). The private helpers serve :func:`~pricewatch.money.parse_price`: they decide between
the currencies that share a sign (``$``, ``kr``, ``¥``) from other currencies named in the
text and the hint, and rank a sign in the text against the hint.
"""

from __future__ import annotations

import re

from pricewatch.money.currencies import (
    _AMBIGUOUS,
    _DOLLAR,
    _DOLLAR_CURRENCIES,
    _KRONA,
    _KRONA_CURRENCIES,
    _SYMBOLS,
    _UNKNOWN,
    _YEN,
    _YEN_CURRENCIES,
    _YUAN,
    _YUAN_CURRENCIES,
    ISO_CURRENCIES,
)
from pricewatch.money.symbols import _find_symbols
from pricewatch.money.text import _clean

__all__ = ["normalize_currency"]

# Codes shops write that ISO 4217 does not (or no longer) list.
_LEGACY_CODES = {"RMB": "CNY", "RUR": "RUB"}


def _lookup(symbol: str) -> str | None:
    """ISO code for an exact symbol, ``_UNKNOWN`` for a known but undecidable one, else None."""
    code = _SYMBOLS.get(symbol)
    if code is not None:
        return code
    upper = symbol.upper()
    if upper in ISO_CURRENCIES:
        return upper
    if upper in _LEGACY_CODES:  # "rmb", "rur"
        return _LEGACY_CODES[upper]
    # "SGD$", "CAD$": a dollar code with the sign glued on.
    if upper.endswith("$") and upper[:-1] in _DOLLAR_CURRENCIES:
        return upper[:-1]
    return None


def _resolve(
    symbol: str, context: list[str], hint: str | None, yen: str, region: str | None = None
) -> str | None:
    """The ISO code ``symbol`` means, given other currencies in the text, the hint and the
    region (the currency of the page's country, which only decides between shared signs)."""
    family = _AMBIGUOUS.get(symbol)
    if family is None:
        code = _lookup(symbol)
        if code == _UNKNOWN:
            return hint  # "₨ 500" on a PKR shop is PKR
        return code
    members = {
        _DOLLAR: _DOLLAR_CURRENCIES,
        _KRONA: _KRONA_CURRENCIES,
        _YEN: _YEN_CURRENCIES,
        _YUAN: _YUAN_CURRENCIES,
    }[family]
    # "$ SGD 4.90", "¥1,200円": the text names the currency next to the sign.
    for code in context:
        if code in members:
            return code
    for known in (hint, region):
        if known in members:
            return known
    return {_DOLLAR: "USD", _KRONA: None, _YEN: yen, _YUAN: "CNY"}[family]


def normalize_currency(
    symbol_or_code: str | None, *, yen: str = "CNY", hint: str | None = None
) -> str | None:
    """The ISO 4217 code for a currency symbol, name or code, or ``None`` when unknown.

    Exact symbols and names (``"￥"``, ``"元"``, ``"人民币"``, ``"US$"``, ``"руб."``) and
    3-letter codes in any case (``"rmb"``, ``"eur"``) are known. ``¥``/``￥`` mean ``yen``
    (CNY unless the shop is Japanese); ``$`` means USD; ``kr`` (SEK, NOK, DKK or ISK) and signs
    shared by several currencies (``₨``, ``ƒ``) give ``None``: :func:`parse_price` resolves
    those with a hint. With ``hint`` (the shop's currency), a sign shared by several
    currencies means the hint when it is one of them: ``"元"`` on a TWD shop is TWD, ``"$"`` on
    an SGD shop SGD (as in prices, see :func:`parse_price`). This does not search free text;
    :func:`parse_price` does.
    """
    yen = yen.upper()
    if yen not in _YEN_CURRENCIES:
        raise ValueError(f"yen must be CNY or JPY, got {yen!r}")
    if not isinstance(symbol_or_code, str):
        return None
    symbol = _clean(symbol_or_code)
    if not symbol:
        return None
    if hint is not None and symbol in _AMBIGUOUS:
        return _resolve(symbol, [], hint.upper(), yen)
    code = _lookup(symbol)
    if code is None and symbol[-1] in ".:":
        code = _lookup(symbol[:-1].rstrip())
    if code is None:
        return None
    if code == _UNKNOWN:
        return _resolve(symbol, [], None, yen) if symbol in _AMBIGUOUS else None
    return code


def _context_codes(matches: list[re.Match[str]]) -> list[str]:
    codes = (_lookup(m.group()) for m in matches if m.group() not in _AMBIGUOUS)
    return [code for code in codes if code]


def _hint_currency(hint: str | None) -> tuple[str | None, bool]:
    """The hint's currency and whether it is strong (see :func:`_currency`)."""
    if not isinstance(hint, str):
        return None, False
    code = normalize_currency(hint)
    if code is not None:
        return code, True
    # Free text from next to the price ("Price: $32.00", "Pris NOK 1 999,00").
    cleaned = _clean(hint)
    strong, weak = _find_symbols(cleaned)
    for matches, is_strong in ((strong, True), (weak, False)):
        if matches:
            context = _context_codes(strong + weak)
            return _resolve(matches[0].group(), context, None, "CNY"), is_strong
    return None, False


def _currency(
    strong: list[re.Match[str]],
    weak: list[re.Match[str]],
    hint: str | None,
    hint_strong: bool,
    region: str | None = None,
) -> str | None:
    # Same precedence as price-parser: a clear sign in the text, then in the hint, then the
    # less reliable abbreviations and codes in the text, then in the hint.
    context = _context_codes(strong + weak)
    yen = hint if hint in _YEN_CURRENCIES else (region if region in _YEN_CURRENCIES else "CNY")
    if strong:
        return _resolve(strong[0].group(), context, hint, yen, region)
    if hint and hint_strong:
        return hint
    if weak:
        return _resolve(weak[0].group(), context, hint, yen, region)
    return hint
