"""Title similarity for fuzzy matching: features of a product title and a 0..100 score.

A title is read into:

* **model numbers** — Latin letter+digit codes such as ``BCD-470WGHTD``, ``WH-1000XM5``,
  ``HX9911`` (case, ``-`` and ``/`` ignored): a shared one all but identifies the product, two
  titles with model numbers and none in common are different products;
* **quantities** — ``256GB``, ``1T``, ``550ml×24瓶``, ``5kg``, ``4L``, ``75英寸``, ``20000mAh``
  in base units per dimension (storage, volume, mass, length, screen, battery, power, pack
  count…): equal ones weigh for the match, different ones in the same dimension rule it out
  (``128GB`` is not ``256GB``); ``16G`` is storage but ``500g`` grams, ``5G`` a network;
* **numbers** on their own (``iPhone 15``, ``小米14``): a generation or series, so titles that
  both have some and share none are not suggested;
* **words** — Chinese segmented by jieba (search mode: ``笔记本电脑`` gives ``笔记本``,
  ``电脑`` and ``笔记本电脑``, so ``笔记本`` alone still meets it),
  Latin words and numbers, compared with IDF weights learnt from the titles at hand, so rare
  words count more than ``智能`` or ``无线``; plus rapidfuzz's character similarity, which
  forgives segmentation and spelling differences;
* **brand** — from the record's brand field, else an unambiguous brand name in the title
  (:mod:`.brands`): different brands rule the match out. 苹果 in a title is the fruit unless
  the record's brand says Apple.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from rapidfuzz import fuzz

from pricewatch.clients.brands import brand_key, brand_names, brands_in

__all__ = ["TitleFeatures", "WordWeights", "features", "score"]

_NUMBER = r"(\d+(?:\.\d+)?)"
# unit -> (dimension, factor to the base unit); "G" (upper case) and "g" are told apart below.
_UNITS: dict[str, tuple[str, Decimal]] = {
    "tb": ("storage", Decimal(1024)),
    "gb": ("storage", Decimal(1)),
    "mb": ("storage", Decimal(1) / 1024),
    "ml": ("volume", Decimal(1)),
    "毫升": ("volume", Decimal(1)),
    "l": ("volume", Decimal(1000)),
    "升": ("volume", Decimal(1000)),
    "kg": ("mass", Decimal(1000)),
    "公斤": ("mass", Decimal(1000)),
    "千克": ("mass", Decimal(1000)),
    "斤": ("mass", Decimal(500)),
    "克": ("mass", Decimal(1)),
    "mm": ("length", Decimal(1)),
    "cm": ("length", Decimal(10)),
    "m": ("length", Decimal(1000)),
    "米": ("length", Decimal(1000)),
    "英寸": ("screen", Decimal(1)),
    "寸": ("screen", Decimal(1)),
    "inch": ("screen", Decimal(1)),
    "mah": ("battery", Decimal(1)),
    "w": ("power", Decimal(1)),
    "瓦": ("power", Decimal(1)),
    "匹": ("horsepower", Decimal(1)),
    "抽": ("sheets", Decimal(1)),
}
_PACK_UNITS = "瓶包盒袋支条罐听件个片卷只双枚粒"
_LATIN_UNITS = "|".join(sorted((u for u in _UNITS if u.isascii()), key=len, reverse=True))
_CJK_UNITS = "|".join(sorted((u for u in _UNITS if not u.isascii()), key=len, reverse=True))
_QUANTITY = re.compile(
    # Not inside a model number: "CYW-2219W" is no 2219 watts, "75V8G" no 8 GB.
    rf"(?<![a-z0-9.])(?<![a-z0-9][-/]){_NUMBER}"
    # A Chinese unit follows its number directly and is not the start of a word: "44 升级版"
    # is an upgrade, "1.8米色" beige.
    rf"(?:\s?(?P<unit>{_LATIN_UNITS}|g|t)(?![a-z])|(?P<cjk>{_CJK_UNITS})(?![级色饭粉]))"
    rf"(?:\s?[x×*]\s?(?P<count>\d+)\s?[{_PACK_UNITS}]?)?",
    re.IGNORECASE,
)
# "3条装", "12支装", "7件套", "30袋", "×24瓶": pack counts on their own.
_PACK = re.compile(rf"(?:[x×*]\s?)?(\d+)[{_PACK_UNITS}](?!邮)(?:装|套)?")
_LATIN_RUN = re.compile(r"[a-z0-9]+(?:[-/&][a-z0-9]+)*")
_HAS_LETTER = re.compile(r"[a-z]")
_HAS_DIGIT = re.compile(r"\d")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Shop boilerplate that says nothing about which product it is.
_STOP_WORDS = frozenset(
    {"的", "版", "款", "装", "套", "新", "新款", "正品", "官方", "旗舰店", "包邮", "现货"}
    | {"热卖", "促销", "特价", "系列", "多色", "可选", "多色可选"}
    | {"the", "and", "for", "with", "of", "new"}
)

Quantities = dict[str, frozenset[Decimal]]


@dataclass(frozen=True, slots=True)
class TitleFeatures:
    words: frozenset[str]
    models: frozenset[str]
    quantities: Quantities
    #: Brand key from the brand field, else an unambiguous brand name seen in the title.
    brand: str | None
    #: Numbers standing alone (``iPhone 15``, ``小米14``, ``极光2``): a generation or series.
    numbers: frozenset[str]
    #: Whether ``brand`` came from a brand field (not guessed from the title).
    brand_given: bool
    #: The folded title without spaces, for character similarity.
    compact: str


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _amount(number: str, factor: Decimal) -> Decimal:
    return (Decimal(number) * factor).normalize()


def _quantities(text: str) -> tuple[Quantities, str]:
    """Quantities found in ``text`` (NFKC, original case) and the text without them."""
    found: dict[str, set[Decimal]] = {}

    def add(dimension: str, value: Decimal) -> None:
        found.setdefault(dimension, set()).add(value)

    def take(m: re.Match[str]) -> str:
        unit = m.group("unit") or m.group("cjk")
        if (
            unit == "G"
            and m.group(1) in ("3", "4", "5")
            and not m.group("count")
            and not m.string.startswith(("+", "B", "b"), m.end())
        ):
            return " "  # "5G手机": the network, not five gigabytes
        if unit == "G":
            dimension, factor = "storage", Decimal(1)
        elif unit == "g":
            dimension, factor = "mass", Decimal(1)
        elif unit in ("t", "T"):
            if unit == "t":
                return m.group()  # "5t" is rarely a terabyte; leave it to the words
            dimension, factor = "storage", Decimal(1024)
        else:
            dimension, factor = _UNITS[unit.lower()]
        add(dimension, _amount(m.group(1), factor))
        if m.group("count"):
            add("pack", Decimal(m.group("count")))
        return " "

    text = _QUANTITY.sub(take, text)

    def take_pack(m: re.Match[str]) -> str:
        add("pack", Decimal(m.group(1)))
        return " "

    text = _PACK.sub(take_pack, text)
    return {k: frozenset(v) for k, v in found.items()}, text


@cache
def _segmenter() -> Any:
    import jieba

    jieba.setLogLevel(60)  # its dictionary loading chatter would reach the terminal
    return jieba


def _words(text: str) -> set[str]:
    words: set[str] = set()
    for token in _segmenter().lcut_for_search(text, HMM=False):
        token = token.strip()
        if not token or token in _STOP_WORDS:
            continue
        if _CJK.search(token):
            words.add(token)
        else:
            words.update(w for w in _LATIN_RUN.findall(token) if w not in _STOP_WORDS)
    return words


def features(title: str | None, brand: str | None = None) -> TitleFeatures:
    """Read a title (and the record's brand field, when it has one)."""
    folded = _fold(title or "")
    quantities, rest = _quantities(folded)
    rest = rest.lower()
    models = set()
    for run in _LATIN_RUN.findall(rest):
        code = re.sub(r"[-/&]", "", run)
        if len(code) >= 3 and _HAS_LETTER.search(code) and _HAS_DIGIT.search(code):
            models.add(code)
            rest = rest.replace(run, " ", 1)
    words = _words(rest)
    given = brand_key(brand)
    key = given
    if key is None:
        seen = brands_in(words)
        key = next(iter(sorted(seen))) if len(seen) == 1 else None
    if key is not None:
        names = set(brand_names(key)) | ({_fold(brand).lower().strip()} if brand else set())
        words -= names
    return TitleFeatures(
        words=frozenset(words),
        models=frozenset(models),
        numbers=frozenset(w for w in words if w.isdigit()),
        quantities=quantities,
        brand=key,
        brand_given=given is not None,
        compact=re.sub(r"\s+", "", folded.lower()),
    )


class WordWeights:
    """Inverse document frequencies of words over a set of titles (rare words weigh more)."""

    def __init__(self, documents: Iterable[TitleFeatures]) -> None:
        counts: Counter[str] = Counter()
        total = 0
        for doc in documents:
            counts.update(doc.words)
            total += 1
        self.total = max(total, 1)
        self.counts = counts

    def __call__(self, word: str) -> float:
        return math.log(1 + self.total / (1 + self.counts.get(word, 0)))

    def frequency(self, word: str) -> float:
        """Share of the titles that contain ``word``."""
        return self.counts.get(word, 0) / self.total


def _dice(a: frozenset[str], b: frozenset[str], weight: WordWeights) -> float:
    if not a or not b:
        return 0.0
    shared = sum(weight(w) for w in a & b)
    return 2 * shared / (sum(weight(w) for w in a) + sum(weight(w) for w in b))


def _brand_evidence(a: TitleFeatures, b: TitleFeatures) -> str:
    """``same``, ``different`` or ``unknown``."""
    if a.brand and b.brand:
        return "same" if a.brand == b.brand else "different"
    known, other = (a, b) if a.brand else (b, a)
    if known.brand and known.brand_given and set(brand_names(known.brand)) & other.words:
        return "same"  # "苹果 iPhone" next to a record whose brand field says Apple
    return "unknown"


def score(a: TitleFeatures, b: TitleFeatures, weight: WordWeights) -> float:
    """Similarity 0..100 of two titles (symmetric); see the module docstring."""
    text = 0.75 * _dice(a.words, b.words, weight)
    text += 0.25 * fuzz.ratio(a.compact, b.compact) / 100
    result = 100 * text
    # Caps (evidence that these are different products) apply after every bonus.
    cap = 100.0
    if a.models and b.models:
        # A shared model number all but identifies the product; different ones rule it out.
        if a.models & b.models:
            result = 80 + 20 * text
        else:
            cap = 40
    if a.numbers and b.numbers and not a.numbers & b.numbers:
        cap = min(cap, 50)  # iPhone 14 is not iPhone 15
    for dimension in a.quantities.keys() & b.quantities.keys():
        mine, theirs = a.quantities[dimension], b.quantities[dimension]
        if mine == theirs:
            result += 8
        elif not mine & theirs:
            cap = min(cap, 40)
    brand = _brand_evidence(a, b)
    if brand == "same":
        result += 6
    elif brand == "different":
        cap = min(cap, 30)
    result = min(result, cap)
    return round(max(0.0, min(result, 100.0)), 1)
