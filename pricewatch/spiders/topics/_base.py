"""``TopicSpider``: the base of every trending-topic source (one small file per source).

A source declares where its list lives and how to read it; the base does the rest:

- **endpoints** (required): :class:`Endpoint` values tried in order. When one fails (blocked,
  an error code, a changed shape, an HTTP error) the next is requested; only when all failed
  does the crawl yield a *failed* capture, whose reason is the first endpoint's and whose
  detail names every attempt. ``-a url=URL[,URL...]`` replaces the endpoints by those URLs (a
  mirror, a proxy, a saved response served locally) with the first endpoint's method, headers
  and body; ``-a base_url=http://host:port`` moves every endpoint to another host.
- **entries(response)** (required): the :class:`~pricewatch.topics.capture.TopicEntry` list of a
  response, recognising every shape the platform serves (``self.json(response)`` parses JSON
  and turns HTML interstitials and error codes into failures; :func:`dig` walks into the data
  or fails with ``format_changed``). Pinned items and ads are returned flagged.
- **cookie** of an endpoint: the name of a :class:`pricewatch.config.Config` field
  (``PRICEWATCH_WEIBO_COOKIE``...) sent as the ``Cookie`` header when configured; secrets come
  from the environment, never from the repository.

The spider yields exactly one :class:`~pricewatch.topics.capture.TopicCapture`: ranked entries
renumbered 1..n in the source's order (duplicates of a title dropped), pinned items and ads
unranked, or a failure reason (``blocked``, ``auth_required``, ``empty``, ``format_changed``,
``http_503``, ``rate_limited``, ``timeout``...). 429 and 5xx answers are retried with backoff by
the project's retry middleware (honouring ``Retry-After``) before they count as failures.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from pricewatch.config import get_config
from pricewatch.crawl.failures import classify_failure
from pricewatch.errors import ShopDefinitionError
from pricewatch.spiders.base import PricewatchSpider
from pricewatch.topics.capture import CaptureFailed, TopicCapture, TopicEntry
from pricewatch.topics.text import clean_title, normalise_title

#: Browser-like User-Agents: hot-list endpoints answer bots with their interstitials.
DESKTOP_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
MOBILE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)

# What anti-bot and login pages say (HTTP 200 HTML where a list was expected).
_INTERSTITIALS = re.compile(
    r"Sina Visitor System|passport\.weibo\.com/visitor|安全验证|验证码|访问验证|人机验证|"
    r"captcha|geetest|滑动验证|请登录|verify you are human|Just a moment\.\.\.|Access Denied",
    re.IGNORECASE,
)
_ERROR_STATUSES = list(range(400, 600))
#: Bilibili's risk control (-352 风控校验失败, -412 request intercepted, -403 access denied).
_RISK_CODES = (-352, -412, -403)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Endpoint:
    """One place a source's list can be fetched from."""

    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    #: Request body (sent as JSON when ``method`` is POST).
    body: str | None = None
    #: :class:`~pricewatch.config.Config` field holding the Cookie header for this endpoint.
    cookie: str | None = None


def dig(data: Any, path: str, kind: type = list) -> Any:
    """``data`` at the dotted ``path`` (``"data.cards.0.content"``), which must be a ``kind``;
    anything else is a ``format_changed`` failure naming where the shape broke."""
    node = data
    walked: list[str] = []
    for part in path.split("."):
        walked.append(part)
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            seen = sorted(node)[:12] if isinstance(node, dict) else type(node).__name__
            raise CaptureFailed("format_changed", f"no {'.'.join(walked)} (found {seen})")
    if not isinstance(node, kind):
        raise CaptureFailed(
            "format_changed", f"{path} is {type(node).__name__}, expected {kind.__name__}"
        )
    return node


def interstitial(text: str) -> str | None:
    """The title of an anti-bot / login page, or ``None`` when ``text`` is not one."""
    head = text[:20_000]
    if not _INTERSTITIALS.search(head):
        return None
    title = _TITLE.search(head)
    return clean_title(title.group(1)) if title else "anti-bot page"


def json_error(data: Any) -> CaptureFailed | None:
    """The failure a JSON error envelope stands for (common shapes of the platforms)."""
    if not isinstance(data, dict):
        return None
    error = data.get("error")
    if isinstance(error, dict) and (error.get("code") or error.get("name")):
        name = str(error.get("name") or "")
        message = f"{error.get('code')} {name} {error.get('message') or ''}".strip()
        if "auth" in name.lower() or error.get("code") in (100, 101, 401):
            return CaptureFailed("auth_required", message)
        return CaptureFailed("blocked", message)
    code = data.get("code")
    # Risk-control codes come with a "data" object; other non-zero codes come without a list.
    if isinstance(code, int) and code != 0 and (code in _RISK_CODES or not data.get("data")):
        message = f"code {code} {data.get('message') or data.get('msg') or ''}".strip()
        if code in (-101, 401, 40101):
            return CaptureFailed("auth_required", message)
        return CaptureFailed("blocked", message)
    ok = data.get("ok")
    if ok in (-100, -101):  # Weibo: "log in first"
        return CaptureFailed("auth_required", f"ok={ok} {data.get('msg') or ''}".strip())
    return None


class TopicSpider(PricewatchSpider):
    """Base of the hot-list sources (see the module docstring for the contract)."""

    #: Set by bases that are not sources themselves (not inherited).
    abstract: ClassVar[bool] = True
    definition_kind: ClassVar[str] = "topic source"
    #: Endpoints tried in order (required).
    endpoints: ClassVar[Sequence[Endpoint]] = ()
    #: The platform's own name for the list, for tables (``微博热搜``).
    label: ClassVar[str] = ""
    custom_settings = {
        # Hot lists are one request each: a spider-wide politeness delay costs nothing.
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    }

    @classmethod
    def check_definition(cls) -> None:
        """Raise :class:`ShopDefinitionError` naming the source when its attributes are wrong."""
        super().check_definition()
        where = cls.definition_label()
        if not cls.endpoints or not all(isinstance(e, Endpoint) for e in cls.endpoints):
            raise ShopDefinitionError(f"{where}: 'endpoints' must list Endpoint(...) values")
        for endpoint in cls.endpoints:
            if not endpoint.url.startswith(("http://", "https://")):
                raise ShopDefinitionError(f"{where}: endpoint {endpoint.url!r} is not http(s)")
        if cls.entries is TopicSpider.entries:
            raise ShopDefinitionError(f"{where}: define entries(response)")

    def __init__(self, *args: Any, url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        template = type(self).endpoints[0]
        if url:
            urls = [u.strip() for u in url.split(",") if u.strip()]
            self.tried = [replace(template, url=u) for u in urls]
        else:
            self.tried = [replace(e, url=self.rebase(e.url)) for e in type(self).endpoints]

    # ------------------------------------------------------------------ requests

    async def start(self) -> AsyncIterator[Any]:
        yield self.endpoint_request(0, [])

    def endpoint_request(
        self, index: int, attempts: list[tuple[str, str, str]], source: str | None = None
    ) -> Request:
        """The request for endpoint ``index``; ``source`` names a sub-list (a feed, a
        category) whose capture is stored under that name."""
        endpoint = self.tried[index]
        headers = {"User-Agent": DESKTOP_UA, **endpoint.headers}
        if endpoint.cookie:
            cookie = getattr(get_config(), endpoint.cookie, None)
            if cookie:
                headers["Cookie"] = cookie
        if endpoint.method == "POST":
            headers.setdefault("Content-Type", "application/json")
        return Request(
            endpoint.url,
            method=endpoint.method,
            headers=headers,
            # "{timestamp_ms}" in a body is the request time (36Kr's gateway wants it).
            body=(endpoint.body or "").replace("{timestamp_ms}", str(int(time.time() * 1000)))
            or None,
            callback=self.parse,
            errback=self.on_error,
            dont_filter=True,
            # Error statuses reach parse (after the retry middleware gave up on 429/5xx), so a
            # 401 JSON body can say "auth_required"; redirects are still followed (to a
            # visitor page, say), which handle_httpstatus_all would stop.
            meta={
                "handle_httpstatus_list": _ERROR_STATUSES,
                "endpoint": index,
                "attempts": attempts,
                **({"source": source} if source else {}),
            },
        )

    # ------------------------------------------------------------------ responses

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        try:
            entries = self.read(response)
        except CaptureFailed as failed:
            yield from self.next_or_fail(response.meta, response.url, failed)
            return
        yield TopicCapture(
            source=response.meta.get("source", self.name),
            url=response.url,
            entries=entries,
            detail=self._fallback_note(response.meta),
        )

    def read(self, response: Response) -> list[TopicEntry]:
        """The capture's entries, ranked; raises :class:`CaptureFailed` with a reason."""
        if response.status == 401:
            raise CaptureFailed("auth_required", f"HTTP 401 {_snippet(response)}")
        if response.status >= 400 or response.status < 200:
            raise CaptureFailed(f"http_{response.status}", f"HTTP {response.status}")
        if not response.body.strip():
            raise CaptureFailed("empty", "empty response body")
        try:
            return rank(self.entries(response))
        except (AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
            # A shape the reader did not expect (a list where a dict was, a missing key...).
            raise CaptureFailed("format_changed", f"{type(exc).__name__}: {exc}") from None

    def entries(self, response: Response) -> list[TopicEntry]:
        raise NotImplementedError

    def json(self, response: Response) -> Any:
        """The response's JSON; an HTML interstitial is ``blocked``, other HTML or broken JSON
        ``format_changed``, an error envelope its reason."""
        text = body_text(response)
        stripped = text.lstrip()
        if stripped[:1] not in ("{", "["):
            raise self.not_a_list(text, "JSON")
        try:
            data = json.loads(stripped)
        except ValueError as exc:
            raise CaptureFailed("format_changed", f"invalid JSON: {exc}") from None
        error = json_error(data)
        if error is not None:
            raise error
        return data

    def embedded_json(
        self, text: str, pattern: re.Pattern[str], expected: str, fix: Any = None
    ) -> Any:
        """JSON a page embeds (``pattern``'s first group, passed through ``fix`` first); a
        page without it is an interstitial or a changed page."""
        match = pattern.search(text)
        if match is None:
            raise self.not_a_list(text, expected)
        raw = fix(match.group(1)) if fix else match.group(1)
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise CaptureFailed("format_changed", f"embedded data is not JSON: {exc}") from None

    def not_a_list(self, text: str, expected: str) -> CaptureFailed:
        page = interstitial(text)
        if page is not None:
            return CaptureFailed("blocked", f"anti-bot page: {page}")
        return CaptureFailed("format_changed", f"expected {expected}, got {text[:80]!r}")

    # ------------------------------------------------------------------ failures

    def next_or_fail(self, meta: dict[str, Any], url: str, failed: CaptureFailed) -> Iterator[Any]:
        index = int(meta.get("endpoint", 0))
        attempts = [*meta.get("attempts", []), (url, failed.reason, failed.detail)]
        self.logger.warning("%s: %s (%s)", url, failed.reason, failed.detail)
        if index + 1 < len(self.tried) and not meta.get("no_fallback"):
            yield self.endpoint_request(index + 1, attempts, meta.get("source"))
            return
        first_url, reason, _ = attempts[0]
        detail = "; ".join(f"{u}: {r} ({d})" if d else f"{u}: {r}" for u, r, d in attempts)
        crawler = getattr(self, "crawler", None)  # None outside a crawl (tests, tools)
        if crawler is not None:
            crawler.stats.inc_value(f"pricewatch/failures/{reason}")
        source = meta.get("source", self.name)
        yield TopicCapture(source=source, url=first_url, reason=reason, detail=detail[:2000])

    def on_error(self, failure: Failure) -> Iterable[Any]:
        request = getattr(failure, "request", None)
        meta = request.meta if request is not None else {}
        reason, detail = classify_failure(failure)
        url = request.url if request is not None else self.tried[0].url
        return list(self.next_or_fail(meta, url, CaptureFailed(reason, detail)))

    @staticmethod
    def _fallback_note(meta: dict[str, Any]) -> str:
        attempts = meta.get("attempts") or []
        return "; ".join(f"fallback after {u}: {r}" for u, r, _ in attempts)


def rank(entries: Sequence[TopicEntry]) -> list[TopicEntry]:
    """Entries with clean titles, duplicates dropped, ranked 1..n in the source's order (its
    own rank first, then position); pinned items and ads unranked. No ranked entry: ``empty``."""
    seen: set[str] = set()
    kept: list[TopicEntry] = []
    for entry in entries:
        title = clean_title(entry.title or "")
        key = normalise_title(title)
        if not key or key in seen:
            continue
        seen.add(key)
        kept.append(replace(entry, title=title))
    ranked = [e for e in kept if not (e.pinned or e.ad)]
    if not ranked:
        raise CaptureFailed("empty", "no ranked entries in the list")
    order = sorted(
        range(len(ranked)),
        key=lambda i: (ranked[i].rank if ranked[i].rank is not None else 10**9, i),
    )
    renumbered = {id(ranked[i]): n for n, i in enumerate(order, start=1)}
    return [
        replace(e, rank=None) if e.pinned or e.ad else replace(e, rank=renumbered[id(e)])
        for e in kept
    ]


def body_text(response: Response) -> str:
    """The response's text, also when Scrapy did not make it a text response."""
    if isinstance(response, TextResponse):
        return response.text
    return response.body.decode("utf-8", "replace")


def _snippet(response: Response) -> str:
    return " ".join(body_text(response)[:160].split())
