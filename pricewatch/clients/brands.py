"""Brand names as merchants and shops write them: one key per brand, its Chinese and Latin names.

Titles in Chinese shops mix both (``索尼 SONY``, ``Haier/海尔``) or use only one, so fuzzy
matching compares brands by key. Some Chinese names are also ordinary words — 苹果 is the
fruit as often as Apple, 小米 is millet, 美的 "beautiful" — so those count as the brand only
when a record's brand field says so, never when merely seen in a title (:data:`AMBIGUOUS`).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["AMBIGUOUS", "BRAND_NAMES", "brand_key", "brand_names", "brands_in"]

#: Brand key -> names it is written as (lower case, after NFKC).
BRAND_NAMES: dict[str, tuple[str, ...]] = {
    "anker": ("anker", "安克"),
    "anta": ("anta", "安踏"),
    "apple": ("apple", "苹果"),
    "bear": ("bear", "小熊"),
    "bosch": ("bosch", "博世"),
    "bosideng": ("bosideng", "波司登"),
    "bull": ("bull", "公牛"),
    "canon": ("canon", "佳能"),
    "deli": ("deli", "得力"),
    "dji": ("dji", "大疆"),
    "dyson": ("dyson", "戴森"),
    "ecovacs": ("ecovacs", "科沃斯"),
    "gree": ("gree", "格力"),
    "haier": ("haier", "海尔"),
    "honor": ("honor", "荣耀"),
    "huawei": ("huawei", "华为"),
    "joyoung": ("joyoung", "九阳"),
    "lenovo": ("lenovo", "联想"),
    "li-ning": ("li-ning", "lining", "李宁"),
    "lock&lock": ("lock&lock", "乐扣乐扣", "乐扣"),
    "logitech": ("logitech", "罗技"),
    "m&g": ("m&g", "晨光"),
    "midea": ("midea", "美的"),
    "nikon": ("nikon", "尼康"),
    "nintendo": ("nintendo", "任天堂"),
    "oneplus": ("oneplus", "一加"),
    "opple": ("opple", "欧普", "欧普照明"),
    "panasonic": ("panasonic", "松下"),
    "philips": ("philips", "飞利浦"),
    "samsung": ("samsung", "三星"),
    "siemens": ("siemens", "西门子"),
    "sony": ("sony", "索尼"),
    "supor": ("supor", "苏泊尔"),
    "tcl": ("tcl",),
    "thermos": ("thermos", "膳魔师"),
    "uniqlo": ("uniqlo", "优衣库"),
    "vinda": ("vinda", "维达"),
    "xiaomi": ("xiaomi", "mi", "小米"),
    "zwilling": ("zwilling", "双立人"),
}

#: Names that are also everyday words: a brand only when a brand field says so.
AMBIGUOUS: frozenset[str] = frozenset(
    {"apple", "苹果", "小米", "mi", "美的", "小熊", "bear", "公牛", "bull", "晨光", "荣耀", "一加"}
)

_KEY_BY_NAME = {name: key for key, names in BRAND_NAMES.items() for name in names}
_SPLIT = re.compile(r"\s*[/|｜,，]\s*")


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def brand_key(brand: str | None) -> str | None:
    """The key of a brand field (``"Haier/海尔"`` -> ``"haier"``; an unknown brand is itself)."""
    if not brand or not brand.strip():
        return None
    parts = [p for p in _SPLIT.split(_fold(brand)) if p]
    for part in parts:
        if part in _KEY_BY_NAME:
            return _KEY_BY_NAME[part]
    return parts[0] if parts else None


def brand_names(key: str) -> tuple[str, ...]:
    """Every name of brand ``key`` (the key itself for a brand not in the table)."""
    return BRAND_NAMES.get(key, (key,))


def brands_in(words: set[str] | frozenset[str]) -> set[str]:
    """Brand keys named by unambiguous words among ``words``."""
    return {_KEY_BY_NAME[w] for w in words if w in _KEY_BY_NAME and w not in AMBIGUOUS}
