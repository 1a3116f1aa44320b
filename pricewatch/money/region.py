"""The currency of a page's country, from its ``lang`` attribute or its host.

Only used to decide which currency a sign shared by several countries means (``$``, ``¥``,
``元``, ``kr``): ``$`` on a ``.tw`` shop or a ``lang="zh-TW"`` page is TWD, not USD. A page's
own currency code or a shop's configured currency always wins over it. No settings.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["region_currency"]

# Countries whose currency shares a sign with others ($, ¥, 元, kr), by ISO 3166 code (also
# the country-code top-level domain).
_COUNTRY_CURRENCIES = {
    "TW": "TWD",
    "HK": "HKD",
    "MO": "MOP",
    "SG": "SGD",
    "CN": "CNY",
    "JP": "JPY",
    "AU": "AUD",
    "NZ": "NZD",
    "CA": "CAD",
    "MX": "MXN",
    "CL": "CLP",
    "AR": "ARS",
    "CO": "COP",
    "UY": "UYU",
    "DO": "DOP",
    "SE": "SEK",
    "NO": "NOK",
    "DK": "DKK",
    "IS": "ISK",
    "US": "USD",
}
# Languages spoken (nearly) only in one of those countries, for tags without a region.
_LANGUAGE_CURRENCIES = {
    "ja": "JPY",
    "sv": "SEK",
    "nb": "NOK",
    "nn": "NOK",
    "no": "NOK",
    "da": "DKK",
    "is": "ISK",
}
# Script subtags that name the region for Chinese: zh-Hant is Taiwan's usual tag.
_CHINESE_SCRIPTS = {"hant": "TWD", "hans": "CNY"}
_TAG = re.compile(r"^([a-z]{2,3})(?:[-_]([a-z]{4}))?(?:[-_]([a-z]{2}))?", re.I)
# Second-level domains that are generic, so ".com.tw" is Taiwan and ".co.jp" Japan.
_TLD = re.compile(r"\.([a-z]{2})\.?$", re.I)


def region_currency(url: str | None = None, lang: str | None = None) -> str | None:
    """The currency of the country a page is for: its ``lang`` region first, then its host.

    ``region_currency(lang="zh-TW")`` and ``region_currency("https://shop.example.com.tw/")``
    are ``"TWD"``; ``lang="en"`` on a ``.com`` host is ``None``.
    """
    if lang:
        match = _TAG.match(lang.strip())
        if match:
            language, script, country = (g.lower() if g else None for g in match.groups())
            if country and country.upper() in _COUNTRY_CURRENCIES:
                return _COUNTRY_CURRENCIES[country.upper()]
            if language == "zh" and script in _CHINESE_SCRIPTS:
                return _CHINESE_SCRIPTS[script]
            if language in _LANGUAGE_CURRENCIES and not country:
                return _LANGUAGE_CURRENCIES[language]
    if url:
        host = urlsplit(url).hostname or ""
        match = _TLD.search(host)
        if match:
            return _COUNTRY_CURRENCIES.get(match.group(1).upper())
    return None
