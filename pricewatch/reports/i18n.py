"""Report languages: Babel message catalogues for the templates' ``{% trans %}`` and ``_()``.

Templates are written in English; other languages live in
``pricewatch/reports/locale/<locale>/LC_MESSAGES/messages.po`` (committed). The compiled
``.mo`` files are build products, not committed: set-up (``bash scripts/dev setup``) runs
``python -m pricewatch.reports.i18n`` to write them, and :func:`translations` compiles a
catalogue in memory when its ``.mo`` is missing or older than its ``.po`` (a fresh clone that
skipped set-up, an edited ``.po``), so reports never silently fall back to English.

Extracting new messages from the templates (``pybabel`` comes with Babel)::

    pybabel extract -F pricewatch/reports/locale/babel.cfg -o messages.pot pricewatch/reports
    pybabel update -i messages.pot -d pricewatch/reports/locale
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
#: The templates' own language: no catalogue.
SOURCE_LOCALE = "en"


def catalogue_path(locale: str) -> Path:
    """The ``.po`` of ``locale`` (``zh-CN`` and ``zh_CN`` are the same)."""
    return LOCALE_DIR / locale.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_locales() -> list[str]:
    """Locales with a catalogue, plus the source language."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return [SOURCE_LOCALE, *(name.replace("_", "-") for name in found)]


def _compiled(po: Path) -> bytes:
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parent.parent.name)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


@lru_cache(maxsize=8)
def translations(locale: str) -> gettext.NullTranslations:
    """The catalogue of ``locale``; ``ValueError`` for a language pricewatch has none for."""
    if locale.replace("_", "-").split("-")[0] == SOURCE_LOCALE:
        return gettext.NullTranslations()
    po = catalogue_path(locale)
    if not po.is_file():
        known = ", ".join(available_locales())
        raise ValueError(f"no report translation for {locale!r} (available: {known})")
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    return Translations(io.BytesIO(_compiled(po)), domain=DOMAIN)


def compile_catalogues() -> list[Path]:
    """Write the ``.mo`` next to every ``.po``; returns the files written."""
    written = []
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(_compiled(po))
        written.append(mo)
    translations.cache_clear()
    return written


if __name__ == "__main__":
    for path in compile_catalogues():
        print(f"compiled {path}")
