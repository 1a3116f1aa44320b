"""The demo's hot lists (pricewatch/demo/topics.py): three platforms' endpoints in their real
formats plus the shop's best sellers, captured twice; movement between the rounds gives the
right movers and Weibo's visitor interstitial on round 2 is the failed source."""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path

import pytest

from pricewatch.db import Store
from pricewatch.db.models import Client, ClientProduct
from pricewatch.demo.client import DEMO_CLIENT
from pricewatch.demo.topics import ROUNDS, HotlistServer, run_topics_demo


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_two_rounds_give_movers_and_the_blocked_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("PRICEWATCH_DB_URL", db)
    with Store.from_url(db) as store, store._write_session() as session, session.begin():
        client = Client(slug=DEMO_CLIENT, name="蓝海电器", emails=[], currency="CNY")
        session.add(client)
        session.flush()
        session.add(
            ClientProduct(
                client_id=client.id,
                sku="LH-1003",
                currency="CNY",
                title="戴森 Dyson Supersonic 吹风机 HD15",
                brand="Dyson",
                keywords=["吹风机"],
            )
        )
    run_topics_demo(free_port())
    out = capsys.readouterr().out
    assert "failed source: weibo: blocked" in out and "Sina Visitor System" in out
    with Store.from_url(db) as store:
        movers = {
            (m.source, m.title): (m.status, m.previous_rank, m.rank)
            for m in store.topic_movers(timedelta(seconds=1))
        }
        weibo = next(s for s in store.topic_sources() if s.source == "weibo")
        weibo_list = store.topic_list("weibo")
    assert movers[("zhihu", "罗技 MX Master 3S 值得买吗？")] == ("new", None, 3)
    assert movers[("zhihu", "降噪耳机值得买吗？")] == ("rising", 2, 1)
    assert movers[("zhihu", "冬天怎么给宠物保暖？")] == ("gone", 4, None)
    assert movers[("baidu", "戴森吹风机新品发布")] == ("rising", 3, 1)
    assert movers[("demo-bestsellers", "罗技 MX Master 3S")] == ("rising", 3, 1)
    assert not any(source == "weibo" for source, _ in movers)  # one stored capture only
    assert (weibo.captures, weibo.failures, weibo.last_reason) == (2, 1, "blocked")
    assert [r.title for r in weibo_list if r.rank][:2] == [t for t, _ in ROUNDS["weibo"][0][:2]]
    assert "↑1" in out and "gone" in out and "new" in out
    assert "戴森吹风机新品发布" in out.split(f"about {DEMO_CLIENT}'s catalogue")[1]


def test_the_server_speaks_the_real_formats() -> None:
    server = HotlistServer(free_port())
    status, kind, body = server.reply("/ajax/side/hotSearch")
    assert (status, kind) == (200, "application/json") and b'"realtime"' in body
    server.round = 2
    status, kind, body = server.reply("/ajax/side/hotSearch")
    assert status == 200 and b"Sina Visitor System" in body  # HTTP 200, not an error status
    assert server.reply("/nothing")[0] == 404
