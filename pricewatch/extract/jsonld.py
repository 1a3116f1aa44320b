"""Tolerant JSON-LD reading.

Shops hand-write or template their ``application/ld+json`` blocks, and a good share of them is
not valid JSON: HTML or JavaScript comments, trailing commas, raw newlines and tabs inside
strings, several objects in one script, a ``;`` at the end. ``loads_tolerant`` tries strict JSON
first (the common, fast case) and repairs only when that fails.
"""

from __future__ import annotations

import json
import re
from typing import Any

_HTML_COMMENT = re.compile(r"^\s*<!--|-->\s*$")
_CDATA = re.compile(r"^\s*(//\s*)?<!\[CDATA\[|(//\s*)?\]\]>\s*$")
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_DECODER = json.JSONDecoder(strict=False)  # strict=False admits raw control characters


def _strip_js_comments(text: str) -> str:
    """Remove ``//`` and ``/* */`` comments that sit outside JSON strings."""
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if ch == '"':
                in_string = False
            i += 1
            continue
        if ch == '"':
            in_string = True
            out.append(ch)
            i += 1
        elif text.startswith("//", i):
            # A URL such as "https://..." is inside a string and never reaches here.
            end = text.find("\n", i)
            i = n if end == -1 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end == -1 else end + 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _decode_all(text: str) -> list[Any]:
    """Decode one or more JSON values written one after another (``{...}{...}`` or ``;``)."""
    values: list[Any] = []
    idx, n = 0, len(text)
    while idx < n:
        while idx < n and text[idx] in " \t\r\n;,":
            idx += 1
        if idx >= n:
            break
        value, idx = _DECODER.raw_decode(text, idx)
        values.append(value)
    return values


def loads_tolerant(text: str) -> list[Any]:
    """Parse a JSON-LD script body into a list of top-level values.

    Returns an empty list when nothing can be recovered; never raises on bad input.
    """
    text = text.strip()
    if not text:
        return []
    try:
        value = json.loads(text)
        return [value]
    except ValueError:
        pass
    cleaned = _CDATA.sub("", _HTML_COMMENT.sub("", text))
    cleaned = _strip_js_comments(cleaned)
    cleaned = _TRAILING_COMMA.sub(r"\1", cleaned)
    try:
        return _decode_all(cleaned)
    except ValueError:
        return []
