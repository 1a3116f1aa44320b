"""Currency data: ISO 4217 codes, minor units, and the symbols and names shops print.

The tables every other module reads: :data:`ISO_CURRENCIES` (active codes), the minor-unit
digits that differ from 2 (:mod:`.units`), which codes may be written in any letter case,
which signs are shared by a family of currencies (``$``, ``kr``, ``¥``; :mod:`.resolve`
decides between them) and ``_SYMBOLS``, every symbol, name and abbreviation as written on
pages. :class:`Money`, the exact amount plus code that :func:`~pricewatch.money.parse_price`
returns, lives here because it is validated against these codes. Data only: matching symbols
in text is :mod:`.symbols`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["ISO_CURRENCIES", "Money"]


@dataclass(frozen=True)
class Money:
    """An exact, positive amount and its ISO 4217 code (``None`` when the page does not say)."""

    amount: Decimal
    currency: str | None

    def __post_init__(self) -> None:
        # Fail where a bad value is made, not three pipelines later in the database.
        if not isinstance(self.amount, Decimal) or not self.amount.is_finite():
            raise TypeError(f"Money.amount must be a finite Decimal, got {self.amount!r}")
        if self.amount <= 0:
            raise ValueError(f"Money.amount must be positive, got {self.amount}")
        if self.currency is not None and self.currency not in ISO_CURRENCIES:
            raise ValueError(f"Money.currency must be an ISO 4217 code, got {self.currency!r}")


# ---------------------------------------------------------------------------------------------
# Currency tables


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Active ISO 4217 currency codes, without funds, precious metals and test codes (no shop
#: prices in XAU). CUC is kept because Cuban shops still print it.
ISO_CURRENCIES: frozenset[str] = _words(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR
    FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
    JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
    MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
    QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB
    TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VED VND VUV WST XAF XCD XCG XOF
    XPF YER ZAR ZMW ZWG
    """
)

# ISO 4217 minor units that differ from the usual 2.
_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(_words("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"), 0),
    **dict.fromkeys(_words("BHD IQD JOD KWD LYD OMR TND"), 3),
}

# Codes common enough on shop pages that they beat a currency found in the hint.
_COMMON_CODES = _words(
    """
    AED AUD BGN BHD BRL BYN CHF CLP CNY CZK DKK EGP EUR GBP HKD HUF IDR ILS INR ISK JOD JPY
    KRW KWD KZT MXN MYR NOK NZD OMR PLN QAR RON RUB SAR SEK SGD THB TWD UAH USD VND ZAR
    """
)
# Codes are recognised in text in any letter case ("usd", "Eur", "1 mkd"), except those that
# are everyday words or abbreviations in lower or title case ("all", "top", "Ron", "kgs").
_CODES_THAT_ARE_WORDS = _words(
    """
    ALL AMD ANG ARS BAM BOB BTN CAD COP CRC CUP CVE DOP ERN GEL GIP ILS KES KGS LAK MAD MOP
    MUR NAD PEN PHP RON RUB SOS SVC TOP TRY
    """
)
_CASELESS_CODES = (ISO_CURRENCIES - _CODES_THAT_ARE_WORDS) | {"RMB"}

# "$" alone is the dollar *or peso* sign of many countries: a hint (or a code elsewhere in the
# text) naming one of these wins, anything else leaves it USD.
_DOLLAR_CURRENCIES = _words(
    """
    ARS AUD BBD BMD BND BSD BZD CAD CLP COP CUC CUP CVE DOP FJD GYD HKD JMD KYD LRD MOP MXN
    NAD NIO NZD SBD SGD SRD TOP TTD TWD USD UYU WST XCD
    """
)
_KRONA_CURRENCIES = frozenset({"SEK", "NOK", "DKK", "ISK"})
_YEN_CURRENCIES = frozenset({"CNY", "JPY"})
# "元" is the yuan in mainland China, and the everyday word for the dollar in Taiwan (新台币),
# Hong Kong and Macau: a TWD shop writing "1,290元" means NT$1,290.
_YUAN_CURRENCIES = frozenset({"CNY", "TWD", "HKD", "MOP"})

# Signs that name a family of currencies; which one is decided by the text or the hint.
_DOLLAR, _KRONA, _YEN, _YUAN = "$", "kr", "¥", "元"
_AMBIGUOUS: dict[str, str] = {
    "元": _YUAN,
    "$": _DOLLAR,
    "kr": _KRONA,
    "kr.": _KRONA,
    "Kr": _KRONA,
    "Kr.": _KRONA,
    "KR": _KRONA,
    "¥": _YEN,
    "￥": _YEN,
}

# Symbols whose currency cannot be told from the symbol alone (₨ is PKR/LKR/NPR, ¢ is a cent,
# "GBp" is pence). They are still recognised, so that e.g. "Z$" is not read as US "$", and a
# hint decides.
_UNKNOWN = ""

#: Symbol or name as written on pages -> ISO code (``_UNKNOWN``: a currency, but which one?).
#: Keep keys as they appear in text; lookups are exact first, then case-insensitive for codes.
_SYMBOLS: dict[str, str] = {
    # Chinese first: our users' own shops.
    "人民币": "CNY",
    "人民幣": "CNY",
    "圆": "CNY",
    "CN¥": "CNY",
    "RMB": "CNY",
    "yuan": "CNY",
    "Yuan": "CNY",
    "円": "JPY",
    "JP¥": "JPY",
    "日元": "JPY",
    "日圓": "JPY",
    "yen": "JPY",
    "Yen": "JPY",
    "美元": "USD",
    "美金": "USD",
    "港元": "HKD",
    "港币": "HKD",
    "港幣": "HKD",
    "欧元": "EUR",
    "歐元": "EUR",
    "英镑": "GBP",
    "英鎊": "GBP",
    "澳元": "AUD",
    "加元": "CAD",
    "韩元": "KRW",
    "韓元": "KRW",
    "新台币": "TWD",
    "新台幣": "TWD",
    "台币": "TWD",
    "台幣": "TWD",
    "新币": "SGD",
    "卢布": "RUB",
    "泰铢": "THB",
    "圓": _UNKNOWN,  # TWD, HKD or old JPY
    "원": "KRW",
    # Dollars and pesos written with a country prefix.
    "US$": "USD",
    "US $": "USD",
    "U$S": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "CAN$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "AU $": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "NT$": "TWD",
    "NT": "TWD",
    "S$": "SGD",
    "R$": "BRL",
    "MX$": "MXN",
    "Mex$": "MXN",
    "AR$": "ARS",
    "CL$": "CLP",
    "CO$": "COP",
    "RD$": "DOP",
    "J$": "JMD",
    "TT$": "TTD",
    "BZ$": "BZD",
    "BN$": "BND",
    "Bds$": "BBD",
    "CUC$": "CUC",
    "MOP$": "MOP",
    "WS$": "WST",
    "N$": "NAD",
    "T$": "TOP",
    "G$": "GYD",
    "GY$": "GYD",
    "$U": "UYU",
    "$b": "BOB",
    "Z$": _UNKNOWN,
    "CV$": _UNKNOWN,
    # Pounds, liras and other signs.
    "€": "EUR",
    "£": "GBP",
    "￡": "GBP",
    "E£": "EGP",
    "LB£": "LBP",
    "SY£": "SYP",
    "₹": "INR",
    "₽": "RUB",
    "₩": "KRW",
    "₺": "TRY",
    "₴": "UAH",
    "₫": "VND",
    "฿": "THB",
    "₱": "PHP",
    "₪": "ILS",
    "₦": "NGN",
    "₭": "LAK",
    "₮": "MNT",
    "₡": "CRC",
    "₲": "PYG",
    "₸": "KZT",
    "₼": "AZN",
    "₾": "GEL",
    "֏": "AMD",
    "৳": "BDT",
    "៛": "KHR",
    "؋": "AFN",
    "₵": "GHS",
    "GH₵": "GHS",
    "R₣": "RWF",
    "₨": _UNKNOWN,
    "₣": _UNKNOWN,
    "₤": _UNKNOWN,
    "₶": _UNKNOWN,
    "₿": _UNKNOWN,
    "Ƀ": _UNKNOWN,
    "¢": _UNKNOWN,
    "ƒ": _UNKNOWN,
    "﷼": _UNKNOWN,
    "GBp": _UNKNOWN,
    "CFA": _UNKNOWN,  # XOF or XAF
    "FCFA": _UNKNOWN,
    "جنيه": _UNKNOWN,  # pound: EGP, SDG, SSP
    "درهم": _UNKNOWN,  # dirham: AED, MAD
    "ريال": _UNKNOWN,  # riyal/rial: SAR, QAR, OMR, YER, IRR
    "دينار": _UNKNOWN,  # dinar: KWD, JOD, IQD, ...
    # Words and abbreviations (Latin and Cyrillic ones match only as whole words).
    "euro": "EUR",
    "euros": "EUR",
    "Euro": "EUR",
    "Euros": "EUR",
    "EURO": "EUR",
    "stg": "GBP",
    "zł": "PLN",
    "Zł": "PLN",
    "zl": "PLN",
    "Kč": "CZK",
    "Ft": "HUF",
    "lei": "RON",
    "Lei": "RON",
    "LEI": "RON",
    "Fr.": "CHF",
    "SFr": "CHF",
    "SFr.": "CHF",
    "TL": "TRY",
    "Rs": "INR",
    "Rs.": "INR",
    "Rp": "IDR",
    "RM": "MYR",
    "Lek": "ALL",
    "KM": "BAM",
    "Nu.": "BTN",
    "FBu": "BIF",
    "Fbu": "BIF",
    "Fdj": "DJF",
    "FRw": "RWF",
    "Nfk": "ERN",
    "KSh": "KES",
    "Ksh": "KES",
    "KShs": "KES",
    "USh": "UGX",
    "TSh": "TZS",
    "ZK": "ZMW",
    "Db": "STN",
    "UM": "MRU",
    "MK": "MWK",
    "Rf": "MVR",
    "Ks": "MMK",
    "VT": "VUV",
    "Vt": "VUV",
    "Esc": "CVE",
    "Kz": "AOA",
    "B/.": "PAB",
    "S/.": "PEN",
    "S/": "PEN",
    "KD": "KWD",
    "BD": "BHD",
    "DT": "TND",
    "Dinara": "RSD",
    "VNĐ": "VND",
    "đ": "VND",
    "so'm": "UZS",
    "soʻm": "UZS",
    "lari": "GEL",
    "NIS": "ILS",
    "nis": "ILS",
    "Rbl": "RUB",
    "RUR": "RUB",  # the code before the 1998 redenomination, still written by shops
    "руб": "RUB",
    "руб.": "RUB",
    "рубль": "RUB",
    "рубля": "RUB",
    "рублей": "RUB",
    "р.": "RUB",
    "Р": "RUB",
    "грн": "UAH",
    "грн.": "UAH",
    "hrn": "UAH",
    "лв": "BGN",
    "лв.": "BGN",
    "дин": "RSD",
    "дин.": "RSD",
    "Дин": "RSD",
    "ден": "MKD",
    "ДЕН": "MKD",
    "тг": "KZT",
    "тңг": "KZT",
    "ლ": "GEL",
    "ლარი": "GEL",
    "บาท": "THB",
    "ብር": "ETB",
    "ናቕፋ": "ERN",
    "රු": "LKR",
    "ש״ח": "ILS",
    'ש"ח': "ILS",
    "ש'ח": "ILS",
    # Arabic abbreviations.
    "د.إ": "AED",
    "ر.س": "SAR",
    "ر.ق": "QAR",
    "ر.ع": "OMR",
    "ر.ي": "YER",
    "د.ك": "KWD",
    "دينار كويتي": "KWD",
    "د.ع": "IQD",
    "ع.د": "IQD",
    "د.ب": "BHD",
    ".د.ب": "BHD",
    "د.أ": "JOD",
    "د.ا": "JOD",
    "دينار أردني": "JOD",
    "د.ج": "DZD",
    "دج": "DZD",
    "د.م": "MAD",
    "د.ت": "TND",
    "د.ل": "LYD",
    "ل.د": "LYD",
    "ل.س": "SYP",
    "ل.ل": "LBP",
    "ج.م": "EGP",
    "ج.س": "SDG",
    "ش.ج": "ILS",
    "ریال": "IRR",
    "نافكا": "ERN",
    **{sign: _UNKNOWN for sign in _AMBIGUOUS},  # recognised; resolved by _resolve
}
