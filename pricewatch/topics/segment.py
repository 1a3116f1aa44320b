"""Chinese word segmentation for topics (jieba), with a user dictionary of a client's brand and
product words, and English words kept whole.

``Segmenter(words)`` holds its own jieba dictionary: the user words are added to it only (not
to jieba's global one), and only when jieba does not know them already, so a client's word
``市长`` cannot re-segment ``南京市长江大桥``. Tokens are lower-case, NFKC-normalised, without
punctuation or spaces. :meth:`words` is jieba's precise mode (what a term must equal to match);
:meth:`context` adds the finer search-mode pieces (``新款手机`` → 新款, 手机), for evidence.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable

import jieba

_HAN = re.compile(r"[\u3400-\u9fff]")
_TOKEN = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)
_LATIN_RUN = re.compile(r"[a-z0-9]+(?:[.\-+][a-z0-9]+)*")

jieba.setLogLevel(logging.WARNING)


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


def fold(text: str) -> str:
    """NFKC and lower case: ``ｉＰｈｏｎｅ`` → ``iphone``."""
    return unicodedata.normalize("NFKC", text).casefold()


class Segmenter:
    """jieba with its own user dictionary (see the module docstring)."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self.added: list[str] = []
        for word in words:
            word = fold(word).strip()
            if len(word) >= 2 and has_han(word) and not self._jieba.FREQ.get(word):
                self._jieba.add_word(word)
                self.added.append(word)

    def words(self, text: str) -> list[str]:
        """Precise-mode tokens: Chinese words and whole English words or numbers."""
        return [t for t in (w.strip() for w in self._jieba.lcut(fold(text))) if _keep(t)]

    def context(self, text: str) -> set[str]:
        """Every token and its search-mode pieces (for context evidence, never for a match)."""
        folded = fold(text)
        pieces = {w.strip() for w in self._jieba.lcut_for_search(folded)}
        return {t for t in pieces if _keep(t)} | set(_LATIN_RUN.findall(folded))


def _keep(token: str) -> bool:
    return bool(token) and bool(_TOKEN.search(token)) and not token.isspace()
