"""Text clean-up before parsing: fold fullwidth forms to ASCII, drop invisible marks."""

from __future__ import annotations

import re

# Fullwidth ASCII (U+FF01..U+FF5E: １２９９，．：～＄) is what Chinese and Japanese input
# methods type; fold it to ASCII. Unlike NFKC this keeps ￥ as ￥ and does not turn "m²" into
# "m2" (a new digit) or "₨" into "Rs". Zero-width characters and RTL marks are dropped.
_FOLD: dict[int, int | str | None] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: " ", 0x301C: "~", 0xFFE0: "¢", 0xFFE1: "£", 0xFFE6: "₩"})
_FOLD.update(dict.fromkeys([0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF]))
_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_FOLD)).strip()
