"""The offline demo shops: three small HTTP servers on 127.0.0.1, one per shop.

``pricewatch demo`` and the tests crawl these instead of the internet. Each shop is a
stdlib :class:`~http.server.ThreadingHTTPServer` running in a daemon thread; responses are
HTTP/1.1 with Content-Length so clients (Scrapy, Chromium, urllib) can keep connections alive.

Usage::

    with DemoServer(base_port=0) as demo:      # 0: every shop gets a free port
        print(demo.shops[0].url)                # http://127.0.0.1:PORT/
        demo.set_round(2)                       # prices and stock move, one listing vanishes

or from a shell: ``python -m pricewatch.demo.server --port 8801``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import re
import signal
import socket
import sys
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from pricewatch.demo.catalog import ROUNDS
from pricewatch.demo.sites import SITES, Request, Response, Site

logger = logging.getLogger(__name__)

DEFAULT_BASE_PORT = 8801
# Only plain host[:port] values are echoed back into page URLs (sitemap, JSON-LD); anything
# else falls back to the address the shop listens on.
_HOST_HEADER = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


@dataclass
class DemoShop:
    """One running (or planned) demo shop."""

    slug: str
    name: str
    port: int
    host: str = "127.0.0.1"

    @property
    def url(self) -> str:
        """Home page URL, e.g. ``http://127.0.0.1:8801/``."""
        return f"http://{self.authority}/"

    @property
    def authority(self) -> str:
        # A wildcard bind address is not something a client can connect to.
        host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        if ":" in host:
            host = f"[{host}]"
        return f"{host}:{self.port}"

    def url_for(self, path: str) -> str:
        """Absolute URL of ``path`` (which starts with "/") on this shop."""
        return f"http://{self.authority}{path}"


class RequestRecord(NamedTuple):
    """One answered request, kept so tests can check what a crawler fetched."""

    shop: str
    method: str
    path: str  # path plus query string, as requested
    status: int


class _ShopHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # idle keep-alive connections must not block shutdown
    allow_reuse_address = True
    request_queue_size = 128  # crawlers open many connections at once

    def __init__(self, address: tuple[str, int], site: Site, demo: DemoServer, shop: DemoShop):
        self.site = site
        self.demo = demo
        self.shop = shop
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Hang up on open keep-alive connections so a stopped shop really stops answering."""
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients hanging up mid-response (browser closing, crawler cancelled) are normal.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pricewatch-demo/0.1"
    timeout = 30  # seconds an idle keep-alive connection may linger
    # Headers and body go out as two writes; with Nagle's algorithm on, the second waits for
    # the client's delayed ACK (~40 ms per request on keep-alive connections).
    disable_nagle_algorithm = True
    server: _ShopHTTPServer

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _method_not_allowed(self) -> None:
        # The request body (if any) is never read, so the connection cannot be reused.
        self.close_connection = True
        headers = {"Allow": "GET, HEAD", "Connection": "close"}
        self._send(
            Response(405, b"method not allowed\n", "text/plain; charset=utf-8", headers), True
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _method_not_allowed

    def _respond(self, send_body: bool) -> None:
        srv = self.server
        parts = urlsplit(self.path)
        host = self.headers.get("Host", "")
        if not _HOST_HEADER.match(host):
            host = srv.shop.authority
        req = Request(
            path=unquote(parts.path) or "/",
            query=parse_qs(parts.query),
            base_url=f"http://{host}",
            round=srv.demo.round,
        )
        try:
            resp = srv.site.handle(req)
        except Exception:
            logger.exception("demo shop %s failed on %s", srv.shop.slug, self.path)
            resp = Response(500, b"internal server error\n", "text/plain; charset=utf-8")
        self._send(resp, send_body)

    def _send(self, resp: Response, send_body: bool) -> None:
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        # Rounds change pages in place: nobody may serve a stale copy.
        self.send_header("Cache-Control", "no-cache")
        for name, value in resp.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(resp.body)
        self.server.demo.request_log.append(
            RequestRecord(self.server.shop.slug, self.command, self.path, resp.status)
        )

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s %s", self.server.shop.slug, format % args)


class DemoServer:
    """Serves the three demo shops; shop ``i`` listens on ``base_port + i``.

    ``base_port=0`` gives every shop its own free ephemeral port (what tests want). Ports are
    known after :meth:`start`; :attr:`shops` is updated in place.
    """

    def __init__(self, base_port: int = DEFAULT_BASE_PORT, host: str = "127.0.0.1") -> None:
        self.host = host
        self.base_port = base_port
        self.shops: list[DemoShop] = [
            DemoShop(site.info.slug, site.info.name, base_port + i if base_port else 0, host)
            for i, site in enumerate(SITES)
        ]
        #: Recent requests across all shops (oldest dropped first).
        self.request_log: deque[RequestRecord] = deque(maxlen=10_000)
        self._round = 1
        self._servers: list[_ShopHTTPServer] = []
        self._threads: list[threading.Thread] = []

    # -- rounds --------------------------------------------------------------------------

    @property
    def round(self) -> int:
        """The catalog state being served: 1 (initial) or 2 (after price/stock changes)."""
        return self._round

    def set_round(self, n: int) -> None:
        """Switch every shop to round ``n``; the next request sees the new state."""
        if n not in ROUNDS:
            raise ValueError(f"demo round must be one of {ROUNDS}, not {n!r}")
        self._round = n

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return bool(self._servers)

    def start(self) -> None:
        """Bind all shops and serve them in background threads; OSError if a port is taken."""
        if self._servers:
            raise RuntimeError("demo server already started")
        servers: list[_ShopHTTPServer] = []
        try:
            for shop, site_cls in zip(self.shops, SITES, strict=True):
                port = self.base_port + len(servers) if self.base_port else 0
                try:
                    srv = _ShopHTTPServer((self.host, port), site_cls(), self, shop)
                except OSError as exc:
                    raise OSError(
                        exc.errno,
                        f"demo shop {shop.slug} cannot listen on {self.host}:{port}: "
                        f"{exc.strerror or exc}",
                    ) from exc
                shop.port = srv.server_address[1]
                servers.append(srv)
        except BaseException:
            for srv in servers:
                srv.server_close()
            raise
        self._servers = servers
        for srv in servers:
            # A short poll interval keeps stop() fast (shutdown waits for the next poll).
            thread = threading.Thread(
                target=srv.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"demo-{srv.shop.slug}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        logger.info("demo shops up: %s", ", ".join(s.url for s in self.shops))

    def stop(self) -> None:
        """Stop serving and close the listening sockets (idempotent)."""
        for srv in self._servers:
            srv.shutdown()
            srv.server_close()
            srv.close_connections()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers = []
        self._threads = []

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- helpers -------------------------------------------------------------------------

    def shop(self, slug: str) -> DemoShop:
        """The shop called ``slug`` (e.g. "demo_lantian")."""
        for shop in self.shops:
            if shop.slug == slug:
                return shop
        raise KeyError(f"unknown demo shop {slug!r}; known: {[s.slug for s in self.shops]}")


def main(argv: list[str] | None = None) -> int:
    """``python -m pricewatch.demo.server``: serve the demo shops until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m pricewatch.demo.server",
        description="Serve the three offline pricewatch demo shops.",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_BASE_PORT,
        help="port of the first shop; the others use the next ports (0: pick free ports)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--round", type=int, choices=ROUNDS, default=1, help="catalog round")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)

    demo = DemoServer(base_port=args.port, host=args.host)
    demo.set_round(args.round)
    try:
        demo.start()
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    print(f"pricewatch demo shops (round {demo.round}):")
    for shop in demo.shops:
        print(f"  {shop.slug:<15} {shop.name:<28} {shop.url}")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        # A timed wait keeps the main thread responsive to signals on every platform.
        while not stop.wait(0.5):
            pass
    finally:
        demo.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
