"""Money parsing: price strings from product pages into an exact amount plus an ISO 4217 code.

Everything that reads a price goes through here: structured-data readers use
:func:`parse_amount` for plain numbers and :func:`normalize_currency` for ``priceCurrency``;
shop selectors and the heuristic use :func:`parse_price` on visible text. Storage uses
:func:`to_minor_units` / :func:`from_minor_units`. Amounts are ``Decimal``, never ``float``.

:func:`parse_price` builds on price-parser for reading numbers (decimal and thousands
separators) and replaces its currency detection, which misses the Chinese forms our users see
every day (``元``, ``人民币``, ``RMB``, ``￥99起``) and confuses ``CAN$``, ``US $`` and friends.
It also picks the number next to the currency sign instead of the first number in the text,
takes the low end of ranges, reads fullwidth digits and punctuation, and treats zero or
negative amounts as "no price". No settings control this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext

from price_parser import Price

__all__ = [
    "ISO_CURRENCIES",
    "Money",
    "currency_exponent",
    "from_minor_units",
    "normalize_currency",
    "parse_amount",
    "parse_price",
    "to_minor_units",
]


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

# Signs that name a family of currencies; which one is decided by the text or the hint.
_DOLLAR, _KRONA, _YEN = "$", "kr", "¥"
_AMBIGUOUS: dict[str, str] = {
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
    "元": "CNY",
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

# Letters of scripts that separate words with spaces: a Latin/Greek/Cyrillic symbol must not
# touch one of these, so "RM" does not match in "FORM" nor "Р" in "Распродажа". CJK and Arabic
# symbols are matched anywhere ("99元起" has no word boundaries).
_WORD_LETTERS = "A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f"
_IS_WORD_LETTER = re.compile(f"[{_WORD_LETTERS}]").fullmatch

# Latin/Cyrillic words that are safe enough to beat a currency named in the hint, like
# price-parser's "safe" list; other all-letter symbols are "weak" (e.g. "TL", "Ft", "Р").
_STRONG_WORDS = _words(
    """
    zł Zł Kč lei Lei LEI euro euros Euro yuan Yuan yen Yen руб рубль рубля рублей грн лв ден
    ДЕН Dinara kr Kr KR Rp RMB
    """
)


def _is_strong(symbol: str) -> bool:
    if symbol in _STRONG_WORDS or symbol.upper() in _COMMON_CODES:
        return True
    return not all(_IS_WORD_LETTER(char) for char in symbol)


# One regex per tier, compiled as a prefix trie: every branch starts with a literal character,
# which lets ``re`` skip positions that cannot start a symbol. A plain alternation of ~400
# symbols (each behind a lookbehind) made parse_price ten times slower than price-parser.
_NOT_AFTER_LETTER = f"(?<![{_WORD_LETTERS}][\\s\\S])"  # checked after the first character
_NOT_BEFORE_LETTER = f"(?![{_WORD_LETTERS}])"


@dataclass
class _TrieNode:
    children: dict[str, _TrieNode] = field(default_factory=dict)
    #: None: no symbol ends here; otherwise whether it ends with a letter (needs a boundary).
    end: bool | None = None


def _atoms(symbol: str, caseless: bool) -> list[list[str]]:
    """Regex pieces per character; a caseless code gets one spelling per case of its initial."""
    if not caseless:
        return [[re.escape(char) for char in symbol]]
    rest = [f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in symbol[1:]]
    return [[re.escape(first), *rest] for first in sorted({symbol[0].upper(), symbol[0].lower()})]


def _render(node: _TrieNode) -> str:
    branches = [atom + _render(child) for atom, child in node.children.items()]
    if node.end is not None:  # a symbol ends here; tried after the longer ones ("CN¥", "¥")
        branches.append(_NOT_BEFORE_LETTER if node.end else "")
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _compile_symbols(symbols: dict[str, bool]) -> re.Pattern[str]:
    """A regex matching any of ``symbols`` (symbol -> caseless), longest first, whole words."""
    root = _TrieNode()
    for symbol, caseless in symbols.items():
        for atoms in _atoms(symbol, caseless):
            node = root
            for index, atom in enumerate(atoms):
                if index == 0 and _IS_WORD_LETTER(symbol[0]):
                    atom += _NOT_AFTER_LETTER
                node = node.children.setdefault(atom, _TrieNode())
            node.end = bool(_IS_WORD_LETTER(symbol[-1]))
    return re.compile(_render(root))


def _build_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    strong: dict[str, bool] = {}
    weak: dict[str, bool] = {}
    for code in ISO_CURRENCIES | {"RMB"}:
        (strong if _is_strong(code) else weak)[code] = code in _CASELESS_CODES
    for symbol in _SYMBOLS:
        tier = strong if _is_strong(symbol) else weak
        tier.setdefault(symbol, False)
    return _compile_symbols(strong), _compile_symbols(weak)


_STRONG_SYMBOL, _WEAK_SYMBOL = _build_patterns()


# ---------------------------------------------------------------------------------------------
# Text clean-up

# Fullwidth ASCII (U+FF01..U+FF5E: １２９９，．：～＄) is what Chinese and Japanese input
# methods type; fold it to ASCII. Unlike NFKC this keeps ￥ as ￥ and does not turn "m²" into
# "m2" (a new digit) or "₨" into "Rs". Zero-width characters and RTL marks are dropped.
_FOLD: dict[int, int | str | None] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: " ", 0x301C: "~", 0xFFE0: "¢", 0xFFE1: "£", 0xFFE6: "₩"})
_FOLD.update(dict.fromkeys([0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF]))
_SPACES = re.compile(r"\s+")
_HAS_DIGIT = re.compile(r"\d")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_FOLD)).strip()


# ---------------------------------------------------------------------------------------------
# Currency resolution


def _lookup(symbol: str) -> str | None:
    """ISO code for an exact symbol, ``_UNKNOWN`` for a known but undecidable one, else None."""
    code = _SYMBOLS.get(symbol)
    if code is not None:
        return code
    upper = symbol.upper()
    if upper in ISO_CURRENCIES:
        return upper
    if upper == "RMB":
        return "CNY"
    # "SGD$", "CAD$": a dollar code with the sign glued on.
    if upper.endswith("$") and upper[:-1] in _DOLLAR_CURRENCIES:
        return upper[:-1]
    return None


def _resolve(symbol: str, context: list[str], hint: str | None, yen: str) -> str | None:
    """The ISO code ``symbol`` means, given other currencies in the text and the hint."""
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
    }[family]
    # "$ SGD 4.90", "¥1,200円": the text names the currency next to the sign.
    for code in context:
        if code in members:
            return code
    if hint in members:
        return hint
    return {_DOLLAR: "USD", _KRONA: None, _YEN: yen}[family]


def normalize_currency(symbol_or_code: str | None, *, yen: str = "CNY") -> str | None:
    """The ISO 4217 code for a currency symbol, name or code, or ``None`` when unknown.

    Exact symbols and names (``"￥"``, ``"元"``, ``"人民币"``, ``"US$"``, ``"руб."``) and
    3-letter codes in any case (``"rmb"``, ``"eur"``) are known. ``¥``/``￥`` mean ``yen``
    (CNY unless the shop is Japanese); ``$`` means USD; ``kr`` (SEK, NOK, DKK or ISK) and signs
    shared by several currencies (``₨``, ``ƒ``) give ``None``: :func:`parse_price` resolves
    those with a hint. This does not search free text; :func:`parse_price` does.
    """
    yen = yen.upper()
    if yen not in _YEN_CURRENCIES:
        raise ValueError(f"yen must be CNY or JPY, got {yen!r}")
    if not isinstance(symbol_or_code, str):
        return None
    symbol = _clean(symbol_or_code)
    if not symbol:
        return None
    code = _lookup(symbol)
    if code is None and symbol[-1] in ".:":
        code = _lookup(symbol[:-1].rstrip())
    if code is None:
        return None
    if code == _UNKNOWN:
        return _resolve(symbol, [], None, yen) if symbol in _AMBIGUOUS else None
    return code


def _find_symbols(text: str) -> tuple[list[re.Match[str]], list[re.Match[str]]]:
    strong = list(_STRONG_SYMBOL.finditer(text))
    weak = [
        m
        for m in _WEAK_SYMBOL.finditer(text)
        if not any(s.start() < m.end() and m.start() < s.end() for s in strong)
    ]
    return strong, weak


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
) -> str | None:
    # Same precedence as price-parser: a clear sign in the text, then in the hint, then the
    # less reliable abbreviations and codes in the text, then in the hint.
    context = _context_codes(strong + weak)
    yen = hint if hint in _YEN_CURRENCIES else "CNY"
    if strong:
        return _resolve(strong[0].group(), context, hint, yen)
    if hint and hint_strong:
        return hint
    if weak:
        return _resolve(weak[0].group(), context, hint, yen)
    return hint


# ---------------------------------------------------------------------------------------------
# Choosing and reading the number

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
) -> Money | None:
    """Read a price such as ``"￥1,299.00"``, ``"1.299,00 €"`` or ``"99-199元"``.

    ``currency_hint`` is the shop's currency (an ISO code or a symbol) or text found near the
    price; it is used when the text names no currency and to tell which ``$``, ``kr`` or ``¥``
    is meant (``"$"`` with hint ``"CAD"`` is CAD, ``"¥"`` with hint ``"JPY"`` is JPY).
    ``decimal_separator`` (``"."``, ``","``) overrides the guess, as in price-parser.

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
    currency = _currency(strong, weak, hint, hint_strong)
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
# Plain amounts and minor units

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


def currency_exponent(code: str) -> int:
    """ISO 4217 minor-unit digits: 0 for JPY/KRW/CLP/VND/ISK..., 3 for KWD/BHD/..., else 2."""
    return _EXPONENTS.get(code.upper(), 2)


def to_minor_units(amount: Decimal, currency: str) -> int:
    """``amount`` in the currency's minor units (cents, fen), rounded half-even."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError(f"amount must be a Decimal, got {type(amount).__name__}")
    amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError(f"amount must be finite, got {amount}")
    exponent = currency_exponent(currency)
    with localcontext() as ctx:
        # Enough digits that quantize never fails on a large amount.
        ctx.prec = max(28, len(amount.as_tuple().digits) + abs(amount.adjusted()) + exponent + 2)
        return int(amount.scaleb(exponent).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def from_minor_units(minor: int, currency: str) -> Decimal:
    """The exact ``Decimal`` for ``minor`` units (``1299`` CNY -> ``Decimal("12.99")``)."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise TypeError(f"minor must be an int, got {type(minor).__name__}")
    # The constructor is exact; arithmetic would round to the context precision.
    return Decimal(f"{minor}e-{currency_exponent(currency)}")
