"""Reading what hot lists write: heat figures (``"640 万热度"``, ``"2.3亿"``, ``"907.3w"``,
``"12,345"``, ``"剧集 1303639"``, ``"123 points"``) and titles (normalised into the key that
deduplicates a topic within its source).

A heat that is absent, empty or unreadable is ``None``, never 0: "no figure" and "no heat" are
different facts.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

#: Multipliers of the unit suffixes hot lists use (万/w = 10^4, 亿 = 10^8, 千/k = 10^3, m = 10^6).
_UNITS: dict[str, int] = {
    "万": 10_000,
    "w": 10_000,
    "亿": 100_000_000,
    "千": 1_000,
    "k": 1_000,
    "m": 1_000_000,
    "百": 100,
}
# A number (thousands separators allowed) and an optional unit, anywhere in the text: the text
# may carry a category before it ("剧集 1303639") or a word after it ("万热度", "points").
_HEAT = re.compile(
    r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(万|亿|千|百|[wkm](?![a-z]))?",
    re.IGNORECASE,
)


def parse_heat(value: object) -> int | None:
    """The heat ``value`` stands for as an integer, or ``None`` when there is none.

    >>> parse_heat("640 万热度"), parse_heat("2.3亿"), parse_heat("907.3w"), parse_heat("12,345")
    (6400000, 230000000, 9073000, 12345)
    >>> parse_heat("剧集 1303639"), parse_heat(""), parse_heat(None), parse_heat(0)
    (1303639, None, None, 0)
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value >= 0 and value == value and value != float("inf") else None
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    match = _HEAT.search(text)
    if match is None:
        return None
    whole, fraction, unit = match.groups()
    try:
        number = Decimal(whole.replace(",", "") + (fraction or ""))
    except InvalidOperation:  # pragma: no cover - the pattern only admits digits
        return None
    if unit:
        number *= _UNITS[unit.lower()]
    return int(number)


_HASHTAGS = re.compile(r"^#(.+)#$")
_SPACE = re.compile(r"\s+")
# Punctuation and symbols that vary between platforms quoting the same story.
_NOISE = re.compile(r"[\s\"'“”‘’「」『』《》〈〉【】\[\]()（）#＃!！?？。，,、:：;；~～…·.\-—_|/]+")


def clean_title(title: str) -> str:
    """The title as shown: whitespace collapsed, Weibo's ``#...#`` (or ``＃...＃``) removed."""
    text = _SPACE.sub(" ", title.replace("＃", "#")).strip()
    hashtag = _HASHTAGS.match(text)
    return hashtag.group(1).strip() if hashtag else text


def normalise_title(title: str) -> str:
    """The key a topic is known by within a source: case, width, spacing and punctuation
    folded, so ``"#NBA总决赛#"``, ``"NBA 总决赛"`` and ``"ｎｂａ总决赛！"`` are one topic."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", clean_title(title)).casefold())
