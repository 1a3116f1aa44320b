"""Tests for pricewatch.money.format: prices, numbers and percentages as reports show them.

Every expected string is Babel 2.18's real output. Where a locale puts a space between number
and sign it is a no-break space (``\\xa0``; ``\\u202f`` in French), written out here.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel import Locale

import pricewatch.money
from pricewatch.money import format_decimal, format_money, format_percent

MONEY_CASES = [
    # amount, currency, locale, expected
    # Chinese readers: CNY is plain ¥, other yen and dollars get a prefix.
    ("1299", "CNY", "zh-CN", "¥1,299.00"),
    ("1299", "CNY", "zh_CN", "¥1,299.00"),
    ("1299", "CNY", "zh", "¥1,299.00"),
    ("1299", "USD", "zh-CN", "US$1,299.00"),
    ("1299", "EUR", "zh-CN", "€1,299.00"),
    ("1299", "JPY", "zh-CN", "JP¥1,299"),
    ("1299", "KWD", "zh-CN", "KWD1,299.000"),
    ("1299", "HKD", "zh-CN", "HK$1,299.00"),
    ("1299", "CNY", "zh-Hant-TW", "CN¥1,299.00"),
    ("1299", "TWD", "zh-TW", "$1,299.00"),
    # English: CNY needs its prefix, yen is plain ¥.
    ("1299", "CNY", "en", "CN¥1,299.00"),
    ("1299", "CNY", "en-GB", "CN¥1,299.00"),
    ("1299", "USD", "en", "$1,299.00"),
    ("1299", "USD", "en-US", "$1,299.00"),
    ("1299", "EUR", "en", "€1,299.00"),
    ("1299", "JPY", "en", "¥1,299"),
    ("1299", "KWD", "en", "KWD1,299.000"),
    # Other locales: separators and the sign's place follow the locale.
    ("1299", "EUR", "de", "1.299,00\xa0€"),
    ("1299", "EUR", "de-DE", "1.299,00\xa0€"),
    ("1299", "EUR", "de_DE", "1.299,00\xa0€"),
    ("1299", "CNY", "de", "1.299,00\xa0CN¥"),
    ("1299", "EUR", "fr-FR", "1\u202f299,00\xa0€"),
    ("1299", "JPY", "ja", "￥1,299"),
    ("12345678.9", "INR", "en-IN", "₹1,23,45,678.90"),
    # Minor units are ISO 4217's, rounded half-even like to_minor_units.
    ("1299.5", "JPY", "en", "¥1,300"),
    ("2.5", "JPY", "en", "¥2"),
    ("9.99", "KRW", "ko", "₩10"),
    ("1.25", "KWD", "en", "KWD1.250"),
    ("1.2345", "KWD", "en", "KWD1.234"),
    ("1299", "CLP", "es-CL", "$1.299"),
    ("1299", "IQD", "en", "IQD1,299.000"),  # CLDR says 0 decimals; ISO and storage say 3
    ("0.5", "USD", "en", "$0.50"),
    ("0.125", "USD", "en", "$0.12"),
    ("0.135", "USD", "en", "$0.14"),
    # Large amounts stay exact, beyond Decimal's default 28 digits.
    ("1234567890.12", "CNY", "zh-CN", "¥1,234,567,890.12"),
    ("1234567890123", "JPY", "en", "¥1,234,567,890,123"),
    (
        "1234567890123456789012345678901.235",
        "USD",
        "en",
        "$1,234,567,890,123,456,789,012,345,678,901.24",
    ),
    # Negative amounts (price drops); a value that rounds to zero has no minus.
    ("-1299", "CNY", "zh-CN", "-¥1,299.00"),
    ("-5", "USD", "en", "-$5.00"),
    ("-5", "EUR", "de", "-5,00\xa0€"),
    ("-0.001", "USD", "en", "$0.00"),
    # Codes in any letter case.
    ("1", "cny", "zh-CN", "¥1.00"),
]


@pytest.mark.parametrize(("amount", "currency", "locale", "expected"), MONEY_CASES)
def test_format_money(amount: str, currency: str, locale: str, expected: str) -> None:
    assert format_money(Decimal(amount), currency, locale) == expected


def test_format_money_defaults_to_english_and_takes_ints() -> None:
    assert format_money(Decimal("1299"), "EUR") == "€1,299.00"
    assert format_money(5, "USD") == "$5.00"  # type: ignore[arg-type]  # exact, like Decimal


PERCENT_CASES = [
    # value (a fraction), locale, digits, signed, expected
    ("0.052", "en", 1, True, "+5.2%"),
    ("-0.03", "en", 1, True, "-3.0%"),
    ("0.052", "en", 1, False, "5.2%"),
    ("0.052", "zh-CN", 1, True, "+5.2%"),
    ("-0.125", "zh-CN", 2, True, "-12.50%"),
    ("-0.03", "de", 1, True, "-3,0\xa0%"),
    ("0.052", "fr", 1, True, "+5,2\xa0%"),
    ("-1", "en", 0, True, "-100%"),
    ("12.5", "en", 0, False, "1,250%"),
    ("0.00015", "en", 2, False, "0.02%"),  # 0.015% rounds half-even to 0.02%
    ("0.00005", "en", 2, False, "0.00%"),
    # No change, or one that rounds to no change, has no sign.
    ("0", "en", 1, True, "0.0%"),
    ("-0.0001", "en", 1, True, "0.0%"),
    ("0.0001", "en", 1, True, "0.0%"),
]


@pytest.mark.parametrize(("value", "locale", "digits", "signed", "expected"), PERCENT_CASES)
def test_format_percent(value: str, locale: str, digits: int, signed: bool, expected: str) -> None:
    assert format_percent(Decimal(value), locale, digits=digits, signed=signed) == expected


DECIMAL_CASES = [
    # value, locale, digits, expected
    ("103.20", "en", None, "103.20"),  # a price index keeps its own digits
    ("1234567.891", "en", None, "1,234,567.891"),
    ("1234567.891", "zh-CN", None, "1,234,567.891"),
    ("1234567.891", "de", None, "1.234.567,891"),
    ("1234.5", "fr", None, "1\u202f234,5"),
    ("1E+3", "en", None, "1,000"),
    ("-1234.5", "de", 2, "-1.234,50"),
    ("2.5", "en", 0, "2"),
    ("3.5", "en", 0, "4"),
    ("-0.00", "en", None, "0.00"),
]


@pytest.mark.parametrize(("value", "locale", "digits", "expected"), DECIMAL_CASES)
def test_format_decimal(value: str, locale: str, digits: int | None, expected: str) -> None:
    assert format_decimal(Decimal(value), locale, digits=digits) == expected


@pytest.mark.parametrize("locale", ["xx", "xx-YY", "", "C", "en__US", "zh-CN-"])
def test_unknown_locale_is_a_one_line_value_error(locale: str) -> None:
    for call in (
        lambda: format_money(Decimal(1), "CNY", locale),
        lambda: format_decimal(Decimal(1), locale),
        lambda: format_percent(Decimal(1), locale),
    ):
        with pytest.raises(ValueError, match="unknown locale") as excinfo:
            call()
        assert repr(locale) in str(excinfo.value)
        assert "\n" not in str(excinfo.value)


@pytest.mark.parametrize("currency", ["XYZ", "¥", "RMB", "", "usd$", "XAU"])
def test_unknown_currency_is_a_one_line_value_error(currency: str) -> None:
    with pytest.raises(ValueError, match="unknown currency") as excinfo:
        format_money(Decimal(1), currency, "en")
    assert repr(currency) in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


@pytest.mark.parametrize("amount", [1.5, True, "1299", None])
def test_amounts_must_be_decimal(amount: object) -> None:
    with pytest.raises(TypeError, match="must be a Decimal"):
        format_money(amount, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a Decimal"):
        format_percent(amount)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a Decimal"):
        format_decimal(amount)  # type: ignore[arg-type]


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity"])
def test_amounts_must_be_finite(amount: str) -> None:
    with pytest.raises(ValueError, match="must be finite"):
        format_money(Decimal(amount), "USD")


def test_digits_must_be_a_non_negative_int() -> None:
    with pytest.raises(ValueError, match="digits must not be negative"):
        format_percent(Decimal("0.1"), digits=-1)
    with pytest.raises(TypeError, match="digits must be an int"):
        format_decimal(Decimal("0.1"), digits=1.5)  # type: ignore[arg-type]


def test_babel_locale_data_is_not_changed() -> None:
    # The formatters adjust copies of Babel's shared patterns, never the patterns themselves.
    before = Locale.parse("en").percent_formats[None].frac_prec
    format_percent(Decimal("0.052"), "en", digits=3, signed=True)
    format_money(Decimal("1"), "KWD", "en")
    assert Locale.parse("en").percent_formats[None].frac_prec == before
    assert format_percent(Decimal("0.052"), "en", digits=1) == "5.2%"


def test_package_exports_the_public_api() -> None:
    assert set(pricewatch.money.__all__) >= {
        "Money",
        "ISO_CURRENCIES",
        "normalize_currency",
        "parse_price",
        "parse_amount",
        "currency_exponent",
        "to_minor_units",
        "from_minor_units",
        "format_money",
        "format_decimal",
        "format_percent",
    }
    for name in pricewatch.money.__all__:
        assert getattr(pricewatch.money, name) is not None
