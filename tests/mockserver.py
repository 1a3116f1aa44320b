"""A local HTTP/1.1 test server whose routes each test configures.

:class:`MockServer` runs a stdlib ``ThreadingHTTPServer`` on ``127.0.0.1`` (a free port) in a
background thread; use it as a context manager. ``routes`` maps a path (``/products/x``, or
with its query string) to

* a :class:`Reply` (status, headers, body, delay before answering, streamed body),
* a callable ``(Hit) -> Reply`` that decides per request (mutable prices, dates computed when
  the request arrives),
* a list of either: the replies served in turn (``[Reply(503), Reply(503), Reply(200)]``), the
  last one repeating once the list is used up, so retries can be observed.

Paths without a route answer 404, except ``/robots.txt`` which answers :attr:`robots_txt`
when set. Every request is recorded: :meth:`hits` counts per path, :attr:`requests` keeps each
:class:`Hit` (path, headers, arrival time), :attr:`max_in_flight` is the most requests the
server handled at the same time. Helpers build the pages tests need: :func:`product_page`
(schema.org JSON-LD), :func:`redirect`, :func:`huge`, :func:`retry_after_date`.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, TypeAlias
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Hit:
    """One request as the server saw it."""

    method: str
    path: str
    headers: Mapping[str, str]
    #: ``time.monotonic()`` when the request arrived.
    at: float


@dataclass
class Reply:
    """A canned response. ``body`` may be text (sent as UTF-8) or bytes."""

    status: int = 200
    body: bytes | str = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    #: Seconds to sleep before answering (to trigger client timeouts, to measure concurrency).
    delay: float = 0.0
    #: Send the body without Content-Length and close the connection after it, so the client
    #: learns the size only while downloading.
    stream: bool = False

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Handler: TypeAlias = Callable[[Hit], Reply]
Route: TypeAlias = Reply | Handler | Sequence[Reply | Handler]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # Scrapy opens many connections at once; with the default backlog of 5 the kernel drops
    # SYNs and connects take a 1 s retransmit, which a test with DOWNLOAD_TIMEOUT=1 would see.
    request_queue_size = 128
    mock: MockServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client closing a kept-alive connection is normal; anything else is a bug here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool) -> None:
        mock = self.server.mock
        hit = Hit(self.command, self.path, dict(self.headers.items()), time.monotonic())
        mock._enter(hit)
        try:
            reply = mock._reply_for(hit)
            if reply.delay:
                time.sleep(reply.delay)
            body = b"" if head else reply.payload()
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            if reply.stream:
                self.send_header("Connection", "close")
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(len(reply.payload())))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            chunk = 64 * 1024
            for start in range(0, len(body), chunk):
                self.wfile.write(body[start : start + chunk])
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (timeout, size cap): nothing left to tell it.
            self.close_connection = True
        finally:
            mock._leave()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # tests read hits(), not a log on stderr


class MockServer:
    """A configurable HTTP server on 127.0.0.1 for one test (see the module docstring)."""

    def __init__(
        self, routes: Mapping[str, Route] | None = None, *, robots_txt: str | None = None
    ) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.robots_txt = robots_txt
        self.requests: list[Hit] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._served: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._port: int | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> MockServer:
        httpd = _Server(("127.0.0.1", 0), _RequestHandler)
        httpd.mock = self
        self._httpd = httpd
        self._port = int(httpd.server_address[1])
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ addresses

    @property
    def port(self) -> int:
        """The server's port (still known after :meth:`stop`, for building expected URLs)."""
        assert self._port is not None, "the server was never started"
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/``"""
        return f"http://127.0.0.1:{self.port}/"

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    # ------------------------------------------------------------------ what was seen

    def hits(self, path: str | None = None) -> int:
        """Requests for ``path`` (query string ignored unless given), or all requests."""
        with self._lock:
            if path is None:
                return len(self.requests)
            return sum(1 for h in self.requests if h.path == path or _bare(h.path) == path)

    def hits_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.requests if h.path == path or _bare(h.path) == path]

    # ------------------------------------------------------------------ serving

    def _enter(self, hit: Hit) -> None:
        with self._lock:
            self.requests.append(hit)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _reply_for(self, hit: Hit) -> Reply:
        key = hit.path if hit.path in self.routes else _bare(hit.path)
        route = self.routes.get(key)
        if route is None:
            if key == "/robots.txt" and self.robots_txt is not None:
                return Reply(body=self.robots_txt, content_type="text/plain")
            return Reply(404, "<html><body><h1>Not found</h1></body></html>")
        if isinstance(route, Sequence):
            with self._lock:
                index = min(self._served[key], len(route) - 1)
                self._served[key] += 1
            route = route[index]
        return route if isinstance(route, Reply) else route(hit)


def _bare(path: str) -> str:
    return urlsplit(path).path


# ---------------------------------------------------------------------- page builders


def product_page(
    title: str = "Test product",
    price: str | None = "100.00",
    currency: str = "CNY",
    *,
    sku: str | None = None,
    availability: str = "https://schema.org/InStock",
) -> str:
    """A product page with schema.org JSON-LD; ``price=None`` leaves the offer out entirely.

    The visible text carries no number, so the heuristic price finder has nothing to find.
    """
    product: dict[str, Any] = {"@context": "https://schema.org", "@type": "Product", "name": title}
    if sku:
        product["sku"] = sku
    if price is not None:
        product["offers"] = {
            "@type": "Offer",
            "price": price,
            "priceCurrency": currency,
            "availability": availability,
        }
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        f'<script type="application/ld+json">{json.dumps(product)}</script>'
        f"</head><body><h1>{title}</h1><p>A product for tests.</p></body></html>"
    )


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, headers={"Location": location})


def huge(size: int, *, stream: bool = False) -> Reply:
    """An HTML page of ``size`` bytes (announced by Content-Length unless ``stream``)."""
    head = b"<html><body>"
    return Reply(body=head + b"x" * (size - len(head)), stream=stream)


def retry_after_date(seconds_ahead: float) -> str:
    """A ``Retry-After`` HTTP date ``seconds_ahead`` from now (whole seconds, rounded down)."""
    return formatdate(time.time() + seconds_ahead, usegmt=True)
