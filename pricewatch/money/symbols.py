"""Finding currency symbols in text: two regexes (strong and weak signs) built as a trie.

A "strong" symbol is a sign or a safe word (``€``, ``元``, ``zł``, a common code) and beats a
currency named in the hint; a "weak" one is an all-letter abbreviation that could be a word
(``TL``, ``Ft``, ``Р``). :func:`_find_symbols` returns the matches of both tiers in a text
already cleaned by :func:`~pricewatch.money.text._clean`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pricewatch.money.currencies import (
    _CASELESS_CODES,
    _COMMON_CODES,
    _SYMBOLS,
    ISO_CURRENCIES,
    _words,
)

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


def _find_symbols(text: str) -> tuple[list[re.Match[str]], list[re.Match[str]]]:
    strong = list(_STRONG_SYMBOL.finditer(text))
    weak = [
        m
        for m in _WEAK_SYMBOL.finditer(text)
        if not any(s.start() < m.end() and m.start() < s.end() for s in strong)
    ]
    return strong, weak
