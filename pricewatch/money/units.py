"""Minor units: ISO 4217 decimal digits, and amounts as integer cents, fen or fils.

Storage keeps prices as integers in the currency's minor unit (:func:`to_minor_units`) and
reads them back exactly (:func:`from_minor_units`); :mod:`.format` shows each currency with
the same number of decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from pricewatch.money.currencies import _EXPONENTS

__all__ = ["currency_exponent", "from_minor_units", "to_minor_units"]


def currency_exponent(code: str) -> int:
    """ISO 4217 minor-unit digits: 0 for JPY/KRW/CLP/VND/ISK..., 3 for KWD/BHD/..., else 2."""
    return _EXPONENTS.get(code.upper(), 2)


def to_minor_units(amount: Decimal, currency: str) -> int:
    """``amount`` in the currency's minor units (cents, fen), rounded half-even."""
    amount = _finite_decimal(amount, "amount")
    exponent = currency_exponent(currency)
    with localcontext() as ctx:
        ctx.prec = _exact_precision(amount, exponent)
        return int(amount.scaleb(exponent).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _finite_decimal(value: Decimal | int, what: str) -> Decimal:
    """``value`` as a finite ``Decimal``; floats (inexact) and bools are refused."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal, got {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{what} must be finite, got {value}")
    return value


def _exact_precision(amount: Decimal, places: int) -> int:
    """A context precision at which rounding ``amount`` to ``places`` decimals is exact.

    Enough digits that quantize never fails (nor rounds twice) on a large amount.
    """
    return max(28, len(amount.as_tuple().digits) + abs(amount.adjusted()) + places + 2)


def from_minor_units(minor: int, currency: str) -> Decimal:
    """The exact ``Decimal`` for ``minor`` units (``1299`` CNY -> ``Decimal("12.99")``)."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise TypeError(f"minor must be an int, got {type(minor).__name__}")
    # The constructor is exact; arithmetic would round to the context precision.
    return Decimal(f"{minor}e-{currency_exponent(currency)}")
