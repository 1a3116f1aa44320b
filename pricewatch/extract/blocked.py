"""Tell an anti-bot page from a product page that merely lacks a price.

A shop that turns a crawler away often answers HTTP 200 with an interstitial instead of the
product: a Cloudflare "Just a moment..." challenge, a DataDome or PerimeterX captcha, Akamai's
"Access Denied", Amazon's robot check, Taobao's slider, JD's risk check, Weibo's visitor
system. Recorded as "no price" such a page hides the real problem (the shop is blocking us,
not that the product lost its price), so :func:`blocked_by` names what answered.

It is asked only about pages on which no price was found, and it looks for each vendor's own
markers (a challenge script's variables, a captcha host, the interstitial's title), not for
words that an ordinary page may also contain ("captcha" in a login form's script, a
Cloudflare beacon on every page of a protected shop).
"""

from __future__ import annotations

import re

from parsel import Selector

#: (what answered, its markers): byte strings of the vendor's own code (a challenge script's
#: variables, a captcha host or path), any one of which in the page's HTML names it.
_MARKERS: tuple[tuple[str, tuple[bytes, ...]], ...] = (
    # Not /cdn-cgi/challenge-platform/ alone: protected shops load a beacon from there on every
    # page.
    (
        "a Cloudflare challenge",
        (b"window._cf_chl_opt", b"orchestrate/chl_page", b"cf-browser-verification"),
    ),
    ("a DataDome captcha", (b"geo.captcha-delivery.com", b"ct.captcha-delivery.com/c.js")),
    (
        "a PerimeterX (HUMAN) captcha",
        (b'id="px-captcha"', b"id='px-captcha'", b"/captcha/captcha.js?a=c&u="),
    ),
    ("an Imperva (Incapsula) check", (b"_Incapsula_Resource?SWJIYLWA", b"Incapsula incident ID")),
    ("Amazon's robot check", (b"/errors/validateCaptcha",)),
    ("Taobao/Tmall's slider check", (b"punish?x5secdata=", b"/_____tmd_____/punish")),
    ("JD's risk check", (b"cfe.m.jd.com/privatedomain/risk_handler",)),
    (
        "Weibo's visitor system",
        (b"passport.weibo.com/visitor", b"visitor/visitor?a=", b"visitor/mini_original.js"),
    ),
)

#: Titles of interstitials (the whole ``<title>``, spaces collapsed).
_TITLES = re.compile(
    r"just a moment\.*|attention required!? \| cloudflare|checking your browser.*|"
    r"access denied|access to this page has been denied\.?|pardon our interruption\.*|"
    r"robot check|are you a (?:robot|human)\??|verify you are (?:a )?human|human verification|"
    r"bot verification|security check|sina visitor system|"
    r"安全验证|验证码|验证码拦截|滑动验证|滑动验证页面|人机验证|访问验证|京东验证|"
    r"请输入验证码|访问受限|訪問驗證|安全驗證",
    re.IGNORECASE,
)
#: Markers are looked for in this much of the page: interstitials are small, and a product
#: page's own scripts further down must not count.
_HEAD_BYTES = 200_000


def blocked_by(sel: Selector, body: bytes | None = None) -> str | None:
    """What turned the crawler away, if the page is an anti-bot interstitial, else ``None``.

    ``body`` is the page as fetched (any ASCII-compatible encoding); without it the parsed
    document is serialised.
    """
    head = (body if body is not None else sel.get().encode("utf-8"))[:_HEAD_BYTES]
    for name, markers in _MARKERS:
        if any(marker in head for marker in markers):
            return name
    title = " ".join((sel.xpath("//title/text()").get() or "").split())
    if title and _TITLES.fullmatch(title):
        return f"an anti-bot page ({title!r})"
    return None
