"""Which trending topics concern a client's catalogue (``client_product``: title, brand,
keywords), by word, not by substring.

Terms come from each product: its brand (``Apple/苹果`` gives both), its keywords, and model
names in its title (``iPhone 16``, ``Mate 70``, ``X1``). A topic title matches a term when

* **Chinese**: the term is one of jieba's words of the title, or several consecutive ones
  (the client's brand and product words are in the segmenter's user dictionary), never a piece
  of a longer word: ``小米`` does not match ``小米粥的做法``;
* **English / models**: a whole word, case- and width-insensitive, spaces between letters and
  digits optional: ``iPhone 16`` matches ``iPhone16降价`` but ``Apple`` not ``Pineapple``.

A term that is also an everyday word (:data:`AMBIGUOUS`: 苹果 the fruit, 小米 the grain,
长城 the wall...) matches only when the topic's words point at the sense the client's catalogue
uses: a brand sense when the word is a product's brand or its catalogue mentions phones and
chips, the common sense when the client sells the fruit. A topic giving no evidence either way
(``苹果降价了``) is not claimed; neither is one whose evidence points the other way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pricewatch.topics.segment import Segmenter, fold, has_han


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Brand words that are also everyday words: words that point at each sense in a title.
AMBIGUOUS: dict[str, dict[str, frozenset[str]]] = {
    "苹果": {
        "brand": _words(
            "iphone ipad mac macbook ios airpods watch 手机 平板 电脑 芯片 系统 发布会 "
            "发布 库克 股价 市值 苹果公司 耳机 新机 国行 apple"
        ),
        "common": _words(
            "水果 果农 丰收 种植 果园 红富士 烟台 产区 果汁 斤 吃 新鲜 采摘 苹果树 滞销 削皮"
        ),
    },
    "小米": {
        "brand": _words(
            "手机 雷军 汽车 su7 yu7 发布 发布会 澎湃 米家 红米 redmi 股价 电视 "
            "平板 小米公司 新机 交付"
        ),
        "common": _words("小米粥 杂粮 种植 煮 斤 粮食 营养 丰收 谷子"),
    },
    "长城": {
        "brand": _words("汽车 哈弗 坦克 suv 车型 皮卡 魏牌 长城汽车 销量 新车"),
        "common": _words("八达岭 旅游 游客 万里 景区 烽火台 慕田峪 古迹"),
    },
    "荣耀": {
        "brand": _words("手机 magic 发布 发布会 平板 笔记本 折叠屏 新机 赵明"),
        "common": _words("王者 集体 时刻 国家 军人 冠军 争光"),
    },
    "大众": {
        "brand": _words("汽车 车型 帕萨特 朗逸 高尔夫 途观 迈腾 一汽 上汽 召回"),
        "common": _words("社会 人民 公众 群众 百姓 点评"),
    },
}
_MODEL = re.compile(r"[A-Za-z][A-Za-z-]*\s?\d+[A-Za-z]*|[A-Za-z]+\d+[A-Za-z]*")
_RUN = re.compile(r"[a-z]+|\d+")
_SPLIT_BRAND = re.compile(r"\s*[/|｜()（）]\s*")
_STOP_LATIN = {"pro", "max", "plus", "mini", "new", "the", "and", "for", "gb", "tb", "ml", "kg"}


@dataclass
class Term:
    text: str
    kind: str  # "brand", "keyword", "model"
    skus: set[str] = field(default_factory=set)
    #: For an ambiguous word: the sense the catalogue uses.
    sense: str | None = None


@dataclass(frozen=True)
class CatalogueProduct:
    sku: str
    title: str | None = None
    brand: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """A topic that concerns the catalogue: the terms found and the products they come from."""

    title: str
    terms: tuple[str, ...]
    skus: tuple[str, ...]
    score: int


@dataclass(frozen=True)
class Rejection:
    """A topic containing a term that was not claimed, and why (``ambiguous``, ``other_sense``)."""

    title: str
    term: str
    reason: str


_WEIGHT = {"brand": 3, "model": 3, "keyword": 2}


def _latin_pattern(term: str) -> re.Pattern[str]:
    runs = re.findall(r"[a-z]+|\d+|[^\sa-z\d]+", fold(term))
    body = r"\s*".join(re.escape(r) for r in runs)
    return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")


class CatalogueMatcher:
    """Finds the topics that concern a catalogue (see the module docstring)."""

    def __init__(self, products: Sequence[CatalogueProduct]) -> None:
        self.terms: dict[str, Term] = {}
        for product in products:
            for brand in _SPLIT_BRAND.split(product.brand or ""):
                self._add(brand, "brand", product.sku)
            for keyword in product.keywords:
                self._add(keyword, "keyword", product.sku)
            for model in _MODEL.findall(product.title or ""):
                if fold(model).split()[0].rstrip("0123456789") not in _STOP_LATIN:
                    self._add(model, "model", product.sku)
        self.segmenter = Segmenter(t for t in self.terms if has_han(t))
        # Compiled when a title first has the term's first run: a catalogue of thousands of
        # model names would otherwise spend a second compiling patterns most titles never need.
        self._latin: dict[str, re.Pattern[str] | None] = {
            t: None for t in self.terms if not has_han(t)
        }
        # Candidates are looked up, not scanned: Chinese terms by the title's word sequences,
        # English ones by their first letters-or-digits run (big catalogues, many topics).
        self._han = {t for t in self.terms if has_han(t)}
        self._longest = max((len(t) for t in self._han), default=0)
        self._by_run: dict[str, list[str]] = {}
        for term in self._latin:
            runs = _RUN.findall(term)
            if runs:  # a term of punctuation only can never be a whole word
                self._by_run.setdefault(runs[0], []).append(term)
        self._order = {t: i for i, t in enumerate(self.terms)}
        for word in AMBIGUOUS:
            if word in self.terms:
                self.terms[word].sense = self._catalogue_sense(word, products)

    def _add(self, text: str, kind: str, sku: str) -> None:
        key = fold(text).strip()
        if len(key) < 2 or key in _STOP_LATIN or key.isdigit():
            return
        term = self.terms.setdefault(key, Term(key, kind))
        if _WEIGHT[kind] > _WEIGHT[term.kind]:
            term.kind = kind
        term.skus.add(sku)

    def _catalogue_sense(self, word: str, products: Sequence[CatalogueProduct]) -> str:
        if self.terms[word].kind == "brand":
            return "brand"
        text = " ".join(
            f"{p.title or ''} {' '.join(p.keywords)}"
            for p in products
            if p.sku in self.terms[word].skus
        )
        evidence = self.segmenter.context(text)
        senses = AMBIGUOUS[word]
        return (
            "brand"
            if len(evidence & senses["brand"]) > len(evidence & senses["common"])
            else "common"
        )

    def match(self, title: str) -> Match | Rejection | None:
        """The match of one topic title, a rejection explaining a near miss, or ``None``."""
        found: list[Term] = []
        rejected: Rejection | None = None
        for key in sorted(self._candidates(title), key=self._order.__getitem__):
            term = self.terms[key]
            if term.sense is not None:
                verdict = self._sense(key, term.sense, title)
                if verdict is not None:
                    rejected = rejected or Rejection(title, key, verdict)
                    continue
            found.append(term)
        if not found:
            return rejected
        skus = sorted({s for t in found for s in t.skus})
        score = sum(_WEIGHT[t.kind] for t in found)
        return Match(title, tuple(t.text for t in found), tuple(skus), score)

    def _candidates(self, title: str) -> set[str]:
        """The terms found in ``title``: a Chinese term is one of its words or several
        consecutive ones (never a piece of one), an English one a whole word."""
        words = self.segmenter.words(title)
        found = set()
        for start in range(len(words)):
            joined = ""
            for word in words[start:]:
                joined += word
                if len(joined) > self._longest:
                    break
                if joined in self._han:
                    found.add(joined)
        folded = fold(title)
        for run in set(_RUN.findall(folded)):
            found.update(t for t in self._by_run.get(run, ()) if self._pattern(t).search(folded))
        return found

    def _pattern(self, term: str) -> re.Pattern[str]:
        pattern = self._latin[term]
        if pattern is None:
            pattern = self._latin[term] = _latin_pattern(term)
        return pattern

    def _sense(self, word: str, wanted: str, title: str) -> str | None:
        """``None`` when the title points at the ``wanted`` sense; else why it is rejected."""
        evidence = self.segmenter.context(title) - {word}
        senses = AMBIGUOUS[word]
        votes = {sense: len(evidence & words) for sense, words in senses.items()}
        other = "common" if wanted == "brand" else "brand"
        if votes[wanted] > votes[other]:
            return None
        return "other_sense" if votes[other] > votes[wanted] else "ambiguous"

    def related(self, titles: Iterable[str]) -> list[Match]:
        out = [m for t in titles if isinstance(m := self.match(t), Match)]
        return sorted(out, key=lambda m: -m.score)
