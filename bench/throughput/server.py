"""The crawl benchmark's server: the shop's pages over HTTP/1.1 on 127.0.0.1, in its own process.

:class:`ShopServer` starts :func:`serve` in a separate process (multiprocessing, so it runs on
the other core), which renders the whole shop once, in memory, and answers from pre-built
responses: a minimal asyncio HTTP/1.1 keep-alive server, GET and HEAD only, gzip-compressed
when the client accepts it (as shops do). It is not what limits the crawl: ``stats()`` gives
its CPU seconds and the requests it answered, which the benchmark prints and checks around
every crawl (Python's ``http.server`` would be the bottleneck, at about 200 pages/s).
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import multiprocessing
import resource
from multiprocessing.connection import Connection

from throughput.shop import make_catalog, render_product_page


def _response(status: str, body: bytes, content_type: str, encoding: str | None = None) -> bytes:
    headers = [
        f"HTTP/1.1 {status}",
        "Server: pricewatch-bench",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
        "Cache-Control: max-age=60",
        "Vary: Accept-Encoding",
    ]
    if encoding:
        headers.append(f"Content-Encoding: {encoding}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode("latin-1") + body


class _Responses:
    """Pre-built responses by request target: (identity, gzip)."""

    def __init__(self, pages: int, seed: int) -> None:
        catalog = make_catalog(pages, seed)
        self.by_path: dict[bytes, tuple[bytes, bytes]] = {}
        self.html_bytes = 0
        for product in catalog:
            body = render_product_page(product, catalog, seed).encode()
            self.html_bytes += len(body)
            self.by_path[product.path.encode()] = (
                _response("200 OK", body, "text/html; charset=utf-8"),
                _response(
                    "200 OK",
                    gzip.compress(body, compresslevel=5, mtime=0),
                    "text/html; charset=utf-8",
                    "gzip",
                ),
            )
        robots = _response("200 OK", b"User-agent: *\nAllow: /\n", "text/plain")
        self.by_path[b"/robots.txt"] = (robots, robots)
        missing = _response("404 Not Found", b"<h1>404</h1>", "text/html; charset=utf-8")
        self.not_found = (missing, missing)


class _HttpProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive; GET/HEAD only, answers from :class:`_Responses`."""

    def __init__(self, responses: _Responses, counter: list[int]) -> None:
        self.responses = responses
        self.counter = counter
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > 65536:
                    self.transport.close()
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            request_line, _, raw_headers = head.partition(b"\r\n")
            headers = raw_headers.lower()
            method, _, rest = request_line.partition(b" ")
            target = rest.rpartition(b" ")[0].split(b"?", 1)[0]
            if method not in (b"GET", b"HEAD"):
                self.transport.write(_response("405 Method Not Allowed", b"", "text/plain"))
                self.transport.close()
                return
            identity, gzipped = self.responses.by_path.get(target, self.responses.not_found)
            accepts_gzip = any(
                line.startswith(b"accept-encoding:") and b"gzip" in line
                for line in headers.split(b"\r\n")
            )
            response = gzipped if accepts_gzip else identity
            if method == b"HEAD":
                response = response[: response.index(b"\r\n\r\n") + 4]
            self.transport.write(response)
            self.counter[0] += 1
            if b"connection: close" in headers:
                self.transport.close()
                return


def serve(pages: int, seed: int, conn: Connection) -> None:
    """Server process: render the shop, listen, report the port, then answer ``conn``."""
    responses = _Responses(pages, seed)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        counter = [0]
        server = await loop.create_server(
            lambda: _HttpProtocol(responses, counter), "127.0.0.1", 0, backlog=1024
        )
        port = server.sockets[0].getsockname()[1]
        done = loop.create_future()

        def command() -> None:
            try:
                message = conn.recv()
            except EOFError:  # the parent went away
                message = "stop"
            if message == "stats":
                usage = resource.getrusage(resource.RUSAGE_SELF)
                conn.send({"cpu_s": usage.ru_utime + usage.ru_stime, "requests": counter[0]})
            elif not done.done():
                done.set_result(None)

        loop.add_reader(conn.fileno(), command)
        conn.send({"port": port, "html_bytes": responses.html_bytes})
        async with server:
            await done

    asyncio.run(main())


class ShopServer:
    """The shop in a child process; ``stats()`` returns its CPU seconds and requests served."""

    def __init__(self, pages: int, seed: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_conn = context.Pipe()
        self._process = context.Process(
            target=serve, args=(pages, seed, child_conn), name="bench-shop", daemon=True
        )

    def __enter__(self) -> ShopServer:
        self._process.start()
        if not self._conn.poll(300):
            raise RuntimeError("the shop server did not start")
        hello = self._conn.recv()
        self.port: int = hello["port"]
        self.html_bytes: int = hello["html_bytes"]
        return self

    def stats(self) -> dict[str, float]:
        self._conn.send("stats")
        return self._conn.recv()

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self._conn.send("stop")
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
