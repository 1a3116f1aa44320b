"""The demo's hot lists: Weibo, Zhihu and Baidu endpoints in their real formats and the demo
shop's best-seller page, served on 127.0.0.1, captured twice by the real topic sources.

Between the rounds topics move, enter and leave; on the second round Weibo answers what it
answers a blocked client: HTTP 200 with the "Sina Visitor System" page. The demo then prints
the movers and the failed source. Each round is one ``pricewatch topics crawl`` child process,
as a daemon would run it; data goes to the configured database.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, urlsplit

import click

from pricewatch.cli.topics import mover_line
from pricewatch.db.store import Store
from pricewatch.demo.client import DEMO_CLIENT
from pricewatch.errors import PricewatchError
from pricewatch.topics.related import related_topics

#: (title, heat) per round, best first. Round 2: movement, newcomers, departures.
ROUNDS: dict[str, tuple[list[tuple[str, int]], list[tuple[str, int]]]] = {
    "weibo": (
        [
            ("双十一家电以旧换新补贴", 2_310_000),
            ("戴森吹风机新品发布", 1_520_000),
            ("山东苹果丰收", 980_000),
            ("农夫山泉回应水源地传闻", 870_000),
            ("冬季暴雪预警", 640_000),
        ],
        [],  # blocked on the second round
    ),
    "zhihu": (
        [
            ("如何看待海尔冰箱以旧换新补贴？", 18_540_000),
            ("降噪耳机值得买吗？", 9_340_000),
            ("电饭煲内胆涂层安全吗？", 3_560_000),
            ("冬天怎么给宠物保暖？", 2_170_000),
        ],
        [
            ("降噪耳机值得买吗？", 22_100_000),
            ("如何看待海尔冰箱以旧换新补贴？", 19_000_000),
            ("罗技 MX Master 3S 值得买吗？", 4_400_000),
            ("电饭煲内胆涂层安全吗？", 3_100_000),
        ],
    ),
    "baidu": (
        [
            ("家电以旧换新补贴加码", 7_808_391),
            ("暴雪预警升级", 7_712_421),
            ("戴森吹风机新品发布", 7_619_100),
            ("美的电饭煲召回传闻辟谣", 6_000_000),
        ],
        [
            ("戴森吹风机新品发布", 7_990_000),
            ("家电以旧换新补贴加码", 7_800_000),
            ("美的电饭煲召回传闻辟谣", 6_100_000),
            ("农夫山泉新品上市", 5_000_000),
        ],
    ),
    "demo-bestsellers": (
        [("Apple AirPods Pro 2", 12_000), ("索尼 WH-1000XM5", 8_300), ("罗技 MX Master 3S", 5_100)],
        [
            ("罗技 MX Master 3S", 15_800),
            ("Apple AirPods Pro 2", 12_400),
            ("索尼 WH-1000XM5", 8_600),
        ],
    ),
}
PATHS = {
    "weibo": "/ajax/side/hotSearch",
    "zhihu": "/topstory/hot-lists/total",
    "baidu": "/api/board",
    "demo-bestsellers": "/shop/bestsellers",
}
VISITOR_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-type" content="text/html; charset=utf-8"/>
<title>Sina Visitor System</title></head>
<body><span id="message"></span>
<script type="text/javascript" src="/js/visitor/mini_original.js?v=20161116"></script>
</body></html>"""


def weibo_json(items: list[tuple[str, int]]) -> dict[str, Any]:
    """``/ajax/side/hotSearch``: ``data.realtime`` (``realpos``, ``word``, ``num``), pinned
    ``hotgovs``."""
    realtime = [
        {
            "word": word,
            "word_scheme": word,
            "note": word,
            "realpos": i,
            "rank": i - 1,
            "num": heat,
            "label_name": "新" if i == 3 else "",
            "flag": 0,
        }
        for i, (word, heat) in enumerate(items, start=1)
    ]
    pinned = {"word": "#权威发布#", "name": "#权威发布#", "pos": 1, "icon_desc": "热"}
    return {"ok": 1, "data": {"realtime": realtime, "hotgovs": [pinned], "hotgov": pinned}}


def zhihu_json(items: list[tuple[str, int]]) -> dict[str, Any]:
    """``api.zhihu.com/topstory/hot-lists/total`` (the app shape: ``detail_text``)."""
    return {
        "data": [
            {
                "type": "hot_list_feed",
                "detail_text": f"{heat // 10_000} 万热度",
                "target": {"title": title, "url": f"https://api.zhihu.com/questions/{1000 + i}"},
            }
            for i, (title, heat) in enumerate(items)
        ],
        "paging": {"is_end": True},
    }


def baidu_json(items: list[tuple[str, int]]) -> dict[str, Any]:
    """``top.baidu.com/api/board``: ``data.cards[0].content`` (``hotScore`` a string)."""
    content = [
        {
            "index": i,
            "word": word,
            "query": word,
            "hotScore": str(heat),
            "hotTag": "0",
            "rawUrl": "https://www.baidu.com/s?wd=" + quote(word),
        }
        for i, (word, heat) in enumerate(items)
    ]
    return {
        "success": True,
        "data": {"cards": [{"component": "hotList", "content": content, "topContent": []}]},
        "error": {"code": 0, "message": "api response ok"},
    }


def bestsellers_html(items: list[tuple[str, int]]) -> str:
    rows = "".join(
        f'<li><a href="/item/{i}"><span class="name">{name}</span></a>'
        f'<span class="sold">月销 {sold / 10_000:.2f}万</span></li>'
        for i, (name, sold) in enumerate(items, start=1)
    )
    ad = (
        '<li><a href="/item/ad"><span class="name">推广：智能手表</span></a>'
        '<span class="sponsored">广告</span></li>'
    )
    return f'<html><body><h1>热销榜</h1><ol class="ranking">{ad}{rows}</ol></body></html>'


class HotlistServer:
    """The demo hot-list endpoints on 127.0.0.1:``port``, serving round 1 or 2."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.round = 1
        self._httpd: ThreadingHTTPServer | None = None

    def url(self, source: str) -> str:
        return f"http://127.0.0.1:{self.port}{PATHS[source]}"

    def reply(self, path: str) -> tuple[int, str, bytes]:
        source = next((s for s, p in PATHS.items() if p == path), None)
        if source is None:
            return 404, "text/plain", b"not found"
        items = ROUNDS[source][self.round - 1]
        if source == "weibo" and self.round == 2:
            return 200, "text/html; charset=utf-8", VISITOR_PAGE.encode()
        if source == "demo-bestsellers":
            return 200, "text/html; charset=utf-8", bestsellers_html(items).encode()
        data = {"weibo": weibo_json, "zhihu": zhihu_json, "baidu": baidu_json}[source](items)
        return 200, "application/json", json.dumps(data, ensure_ascii=False).encode()

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, kind, body = server.reply(urlsplit(self.path).path)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        try:
            self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        except OSError as exc:
            raise PricewatchError(
                f"hot-list demo on port {self.port}: {exc.strerror or exc} "
                "(pick other ports with --port)"
            ) from exc
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()


def crawl_round(server: HotlistServer) -> subprocess.CompletedProcess[bytes]:
    """``pricewatch topics crawl`` of the four demo sources in a child process."""
    cmd = [sys.executable, "-m", "pricewatch", "topics", "crawl", *PATHS]
    for source in PATHS:
        cmd += ["--url", f"{source}={server.url(source)}"]
    return subprocess.run(cmd, check=False)


def run_topics_demo(port: int) -> None:
    """Serve the hot lists, capture them twice, print the movers and the failed source."""
    server = HotlistServer(port)
    server.start()
    started = []
    try:
        for round_ in (1, 2):
            server.round = round_
            click.echo(
                click.style(f"\n== hot lists, round {round_}: {', '.join(PATHS)}", bold=True)
            )
            started.append(datetime.now(UTC))
            crawl_round(server)  # exits 1 on round 2: Weibo is blocked, as intended
    finally:
        server.stop()
    with Store.from_url() as store:
        click.echo(click.style("\n== trending: what moved between the two captures", bold=True))
        for source in PATHS:
            movers = store.topic_movers(timedelta(seconds=1), source=source)
            for m in movers:
                if m.since >= started[0]:  # compares this demo's two rounds
                    click.echo("  " + mover_line(m))
        for capture in store.topic_captures_since(started[1]):
            if capture.status == "failed":
                click.echo(
                    f"failed source: {capture.source}: {capture.reason} "
                    f"({capture.detail}); its last good list is kept"
                )
        if store.client_catalogue(DEMO_CLIENT):
            title = f"\n== trending topics about {DEMO_CLIENT}'s catalogue"
            click.echo(click.style(title, bold=True))
            for topic in related_topics(store, DEMO_CLIENT, started[0]):
                click.echo(
                    f"  {topic.source:<17} #{topic.best_rank or '-':<3} {topic.title}  "
                    f"→ {', '.join(topic.products)}"
                )
    click.echo(
        "\nNext: 'pricewatch topics show', 'pricewatch topics movers --window 1h', "
        "'pricewatch topics sources'."
    )
