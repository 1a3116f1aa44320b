"""Topic crawls end to end: ``scrapy crawl SOURCE`` and ``pricewatch topics crawl`` in a child
process against a :class:`~mockserver.MockServer` on 127.0.0.1 serving the captured hot-list
fixtures, storing into a temporary SQLite file. Every kind of block stores nothing and shows in
``topics sources``; fallbacks, retries and the reading commands work on what was stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mockserver import MockServer, Reply, redirect
from sqlalchemy import func, select

from pricewatch.db import Store
from pricewatch.db.models import TopicObservation

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "hotlists"
FAST = [
    "-s",
    "RETRY_TIMES=1",
    "-s",
    "PRICEWATCH_RETRY_BASE_DELAY=0.1",
    "-s",
    "AUTOTHROTTLE_ENABLED=0",
    "-s",
    "PRICEWATCH_STORE_FLUSH_SECONDS=0.2",
]
WEIBO_AJAX = "/ajax/side/hotSearch"
WEIBO_MOBILE = "/api/container/getIndex"
WEIBO_PAGE = "/top/summary"


def json_reply(name_or_data: str | Any, status: int = 200, **headers: str) -> Reply:
    body = (
        (FIXTURES / name_or_data).read_bytes()
        if isinstance(name_or_data, str)
        else json.dumps(name_or_data, ensure_ascii=False).encode()
    )
    return Reply(status, body, headers=headers, content_type="application/json; charset=utf-8")


def visitor_page() -> Reply:
    return Reply(200, (FIXTURES / "weibo-summary-2022-01-02.visitor-block.html").read_bytes())


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'topics.db'}"


def run(db: str, *args: str, scrapy: bool = False) -> subprocess.CompletedProcess[str]:
    cmd = (
        [sys.executable, "-m", "scrapy", "crawl", *args]
        if scrapy
        else [sys.executable, "-m", "pricewatch", *args]
    )
    env = {**os.environ, "PRICEWATCH_DB_URL": db}
    env.pop("PRICEWATCH_WEIBO_COOKIE", None)
    return subprocess.run(
        cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=90, check=False
    )


def crawl(db: str, source: str, url: str) -> subprocess.CompletedProcess[str]:
    return run(db, "topics", "crawl", source, "--url", url, *FAST)


def observations(db: str) -> int:
    with Store.from_url(db) as store, store._read_session() as session:
        return int(session.scalar(select(func.count()).select_from(TopicObservation)) or 0)


def test_scrapy_crawl_weibo_stores_the_list(db: str) -> None:
    with MockServer({WEIBO_AJAX: json_reply("weibo-hotsearch.json")}) as server:
        result = run(db, "weibo", "-a", f"base_url={server.base_url}", *FAST, scrapy=True)
    assert result.returncode == 0, result.stderr[-2000:]
    with Store.from_url(db) as store:
        rows = store.topic_list("weibo")
        [source] = store.topic_sources()
    assert len([r for r in rows if r.rank]) == 50 and rows[0].pinned
    assert (source.last_entries, source.failures) == (50, 0)


def test_a_blocked_endpoint_falls_back_to_the_next(db: str) -> None:
    routes = {WEIBO_AJAX: visitor_page(), WEIBO_MOBILE: json_reply("weibo-m-2024-06-19.json")}
    with MockServer(routes) as server:
        result = run(db, "weibo", "-a", f"base_url={server.base_url}", *FAST, scrapy=True)
        assert server.hits(WEIBO_AJAX) == 1 and server.hits(WEIBO_MOBILE) == 1
    assert result.returncode == 0, result.stderr[-2000:]
    with Store.from_url(db) as store:
        [capture] = store.topic_captures_since(store.topic_sources()[0].last_success)
    assert (capture.status, capture.entries) == ("ok", 50)
    assert capture.url.endswith(
        WEIBO_MOBILE + "?containerid=106003type%3D25%26t%3D3"
        "%26disable_hot%3D1%26filter_type%3Drealtimehot"
    )
    assert "fallback after" in (capture.detail or "") and "blocked" in (capture.detail or "")


def test_a_redirect_to_the_visitor_page_is_followed_and_blocked(db: str) -> None:
    routes = {"/hot": redirect("/visitor"), "/visitor": visitor_page()}
    with MockServer(routes) as server:
        result = crawl(db, "weibo", server.url("/hot"))
        assert server.hits("/visitor") == 1
    assert result.returncode == 1 and "weibo: failed: blocked" in result.stderr
    assert observations(db) == 0


def test_every_endpoint_blocked_is_one_failed_capture_storing_nothing(db: str) -> None:
    routes = {
        WEIBO_AJAX: Reply(403, "forbidden"),
        WEIBO_MOBILE: visitor_page(),
        WEIBO_PAGE: visitor_page(),
    }
    with MockServer(routes) as server:
        result = run(db, "weibo", "-a", f"base_url={server.base_url}", *FAST, scrapy=True)
        assert [server.hits(p) for p in (WEIBO_AJAX, WEIBO_MOBILE, WEIBO_PAGE)] == [1, 1, 1]
    assert result.returncode == 0
    assert observations(db) == 0
    with Store.from_url(db) as store:
        [source] = store.topic_sources()
    assert (source.last_reason, source.last_success, source.failures) == ("http_403", None, 1)
    assert "Sina Visitor System" in (source.last_detail or "")
    listing = run(db, "topics", "sources")
    assert "failed" in listing.stdout and "http_403" in listing.stdout


@pytest.mark.parametrize(
    ("source", "reply", "reason"),
    [
        ("weibo", visitor_page(), "blocked"),  # HTTP 200 HTML interstitial
        (
            "zhihu",
            json_reply(
                {
                    "error": {
                        "code": 101,
                        "name": "AuthenticationError",
                        "message": "身份未经过验证",
                    }
                },
                401,
            ),
            "auth_required",
        ),
        ("bilibili", json_reply({"code": -352, "message": "风控校验失败", "data": {}}), "blocked"),
        ("zhihu", json_reply({"data": [], "paging": {"is_end": True}}), "empty"),
        ("baidu", json_reply({"success": True, "data": {"board": []}}), "format_changed"),
        ("v2ex", Reply(503, "busy"), "http_503"),
    ],
)
def test_each_block_kind_is_a_failed_capture_that_stores_nothing(
    db: str, source: str, reply: Reply, reason: str
) -> None:
    with MockServer({"/list": reply}) as server:
        result = crawl(db, source, server.url("/list"))
        hits = server.hits("/list")
    assert result.returncode == 1
    assert f"{source}: failed: {reason}" in result.stderr
    assert observations(db) == 0
    with Store.from_url(db) as store:
        [status] = store.topic_sources()
    assert (status.source, status.last_reason, status.last_success) == (source, reason, None)
    assert hits == (2 if reason == "http_503" else 1)  # 5xx is retried (RETRY_TIMES=1)


def test_429_is_retried_after_retry_after_and_then_stored(db: str) -> None:
    routes = {
        "/hot.json": [
            Reply(429, "slow down", headers={"Retry-After": "1"}),
            json_reply("v2ex-2025-06-01.json"),
        ]
    }
    with MockServer(routes) as server:
        result = crawl(db, "v2ex", server.url("/hot.json"))
        assert server.hits("/hot.json") == 2
        first, retry = server.hits_for("/hot.json")
        waited = retry.at - first.at
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "v2ex: 9 topics"
    assert waited >= 0.9


def test_two_captures_then_show_movers_history_and_sources(db: str) -> None:
    first = json.loads((FIXTURES / "v2ex-2025-06-01.json").read_bytes())
    second = [first[2], first[0], *first[3:]]  # #3 rises to 1, #2 is gone
    second[0] = {**second[0], "replies": second[0]["replies"] + 100}
    with MockServer({"/hot.json": [json_reply(first), json_reply(second)]}) as server:
        assert crawl(db, "v2ex", server.url("/hot.json")).returncode == 0
        assert crawl(db, "v2ex", server.url("/hot.json")).returncode == 0
    shown = [json.loads(line) for line in run(db, "topics", "show", "--json").stdout.splitlines()]
    assert set(shown[0]) >= {
        "source",
        "rank",
        "title",
        "heat",
        "url",
        "labels",
        "first_seen",
        "peak_rank",
        "movement",
    }
    assert (shown[0]["rank"], shown[0]["title"], shown[0]["movement"]) == (
        1,
        first[2]["title"],
        "up",
    )
    assert shown[0]["peak_rank"] == 1 and shown[1]["movement"] == "down"
    table = run(db, "topics", "show", "--source", "v2ex").stdout
    assert "↑2" in table and "↓1" in table
    movers = [
        json.loads(line)
        for line in run(db, "topics", "movers", "--window", "1h", "--json").stdout.splitlines()
    ]
    assert {m["title"]: m["status"] for m in movers}[first[1]["title"]] == "gone"
    assert {m["title"]: m["status"] for m in movers}[first[2]["title"]] == "rising"
    history = run(db, "topics", "history", first[2]["title"])
    assert history.returncode == 0 and "peak rank 1" in history.stdout
    assert run(db, "topics", "history", "no such thing").stderr.startswith("error: no topic")
    assert "v2ex" in run(db, "topics", "sources").stdout
    sources = [
        json.loads(line) for line in run(db, "topics", "sources", "--json").stdout.splitlines()
    ]
    assert {s["source"]: s["last_entries"] for s in sources}["v2ex"] == len(second)
    assert {s["source"]: s["captures"] for s in sources}["weibo"] == 0  # never captured
    assert all(set(s) == set(sources[0]) for s in sources)
    then = run(db, "topics", "show", "--source", "v2ex", "--at", shown[0]["captured_at"])
    rows = [line for line in then.stdout.splitlines() if line.strip()[:1].isdigit()]
    assert len(rows) == len(second)  # the second list, as captured
    before = run(db, "topics", "show", "--source", "v2ex", "--at", "2000-01-01T00:00")
    assert (
        before.returncode == 1 and before.stderr == "error: no stored capture of 'v2ex' by then\n"
    )


def test_bad_command_lines_are_one_line_errors(db: str) -> None:
    unknown = run(db, "topics", "crawl", "nosuch")
    assert unknown.returncode == 2 and "unknown source(s) nosuch" in unknown.stderr
    several = run(db, "topics", "crawl", "weibo", "zhihu", "--url", "http://127.0.0.1:1/x")
    assert several.returncode == 2 and "--url SOURCE=URL" in several.stderr
    assert run(db, "topics", "show").stdout == "no hot list stored yet: pricewatch topics crawl\n"
    bad_argument = run(db, "topics", "crawl", "v2ex", "-a", "nothing")
    assert bad_argument.returncode == 2 and "'nothing': expected NAME=VALUE" in bad_argument.stderr
    bad_window = run(db, "topics", "movers", "--window", "soon")
    assert bad_window.returncode == 2 and "expected a duration" in bad_window.stderr
    no_feeds = run(db, "topics", "crawl", "rss")
    assert no_feeds.returncode != 0 and "no feeds configured" in no_feeds.stderr


def test_scrapy_crawl_rss_without_feeds_records_why_without_a_traceback(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PRICEWATCH_TOPIC_FEEDS", raising=False)
    result = run(db, "rss", scrapy=True)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "rss: no feeds configured (PRICEWATCH_TOPIC_FEEDS, or -a url=URL)" in result.stderr
    with Store.from_url(db) as store:
        [source] = store.topic_sources()
    assert (source.source, source.captures, source.failures) == ("rss", 1, 1)  # a failed one
    assert source.last_reason == "not_configured"


def test_a_capture_far_below_the_usual_size_is_stored_flagged(db: str) -> None:
    full = json.loads((FIXTURES / "v2ex-2025-06-01.json").read_bytes())
    replies = [json_reply(full), json_reply(full), json_reply(full[:2])]
    with MockServer({"/hot.json": replies}) as server:
        outputs = [crawl(db, "v2ex", server.url("/hot.json")).stdout.strip() for _ in replies]
    assert outputs == [
        "v2ex: 9 topics",
        "v2ex: 9 topics",
        "v2ex: 2 topics (flagged small: far fewer entries than usual)",
    ]
    with Store.from_url(db) as store:
        assert [r.title for r in store.topic_list("v2ex")] == [t["title"] for t in full[:2]]
    assert observations(db) == 9  # the two kept their rank and heat: their rows extended
    assert "(2 topics, flagged small)" in run(db, "topics", "sources").stdout


def test_spider_arguments_reach_the_source(db: str) -> None:
    brands = (FIXTURES / "douyin-brand-beauty-2025-06-01.json").read_bytes()
    routes = {"/billboard": Reply(200, brands, content_type="application/json")}
    with MockServer(routes) as server:
        result = run(
            db,
            "topics",
            "crawl",
            "douyin-brands",
            "--url",
            server.url("/billboard"),
            "-a",
            "categories=3",
            *FAST,
        )
        [hit] = server.hits_for("/billboard")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "douyin-brands/美妆: 30 topics"
    assert "category_id=3" in hit.path
