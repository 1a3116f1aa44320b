"""Alerts: incidents raised once and recovered once, client alerts once per change, suppressed
when the crawl looks broken, delivered through a real Apprise notification to a local server."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from pricewatch.clients.records import ClientRecord
from pricewatch.daemon.alerts import AlertRules, Alerts, Notice, apprise_notifier
from pricewatch.daemon.health import status_report
from pricewatch.daemon.schedules import ClientAlertSpec
from pricewatch.db import Store
from pricewatch.db.models import Client, ClientProduct, Listing, ProductMatch
from pricewatch.records import PriceRecord

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
SHOP = "rival"


class Inbox:
    def __init__(self) -> None:
        self.notices: list[Notice] = []

    def __call__(self, notice: Notice) -> bool:
        self.notices.append(notice)
        return True

    def titles(self) -> list[str]:
        return [n.title for n in self.notices]


def crawl(
    store: Store,
    prices: dict[str, str],
    hours: float,
    *,
    failures: int = 0,
    availability: str = "in_stock",
    status: str = "finished",
) -> Any:
    run_id = store.start_run(SHOP)
    records = [
        PriceRecord(
            shop=SHOP,
            url=f"https://rival.example/p/{key}",
            price=Decimal(price),
            currency="CNY",
            fetched_at=T0 + timedelta(hours=hours),
            availability=availability,  # type: ignore[arg-type]
            title=f"Product {key}",
        )
        for key, price in prices.items()
    ]
    if records:
        store.store_batch(run_id, records)
    store.record_failures(
        run_id, [(f"https://rival.example/x/{n}", "no_price", None) for n in range(failures)]
    )
    return store.finish_run(run_id, status=status, stats={}, error=None)


class Mailbox:
    """What would be e-mailed to clients: ``(client, notice)``."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Notice]] = []

    def __call__(self, client: str, notice: Notice) -> bool:
        self.sent.append((client, notice))
        return True

    def bodies(self) -> list[str]:
        return sorted(n.body for _, n in self.sent)


def alerts_for(
    store: Store, tmp_path: Path, inbox: Inbox, mail: Mailbox | None = None, **spec: Any
) -> Alerts:
    clients = {"acme": ClientAlertSpec("acme", tmp_path / "alerts.toml", **spec)}
    return Alerts(store, tmp_path / "state", inbox, AlertRules(), clients=clients, mail=mail)


def test_an_incident_is_raised_once_and_recovers_once(store: Store, tmp_path: Path) -> None:
    inbox = Inbox()
    alerts = alerts_for(store, tmp_path, inbox)
    full = {str(n): "10.00" for n in range(10)}
    for hour in range(3):
        alerts.check_run(crawl(store, full, hour), "ok")
    assert inbox.notices == []
    low = crawl(store, {"1": "10.00", "2": "10.00"}, 3)
    assert alerts.check_run(low, "ok") == ["low_coverage"]
    alerts.check_run(crawl(store, {"1": "10.00"}, 4), "ok")  # still low: no second notice
    assert inbox.titles() == [f"pricewatch: {SHOP}: low_coverage"]
    assert "stored 2 items; usual is 10" in inbox.notices[0].body
    alerts.check_run(crawl(store, full, 5), "ok")
    assert inbox.titles()[1:] == [f"pricewatch: {SHOP}: low_coverage recovered"]
    # A failed crawl, then a healthy one: one alert, one recovery.
    failed = crawl(store, {}, 6, status="failed")
    alerts.check_run(failed, "failed")
    alerts.check_run(failed, "failed")
    alerts.check_run(crawl(store, full, 7), "ok")
    assert inbox.titles()[2:] == [
        f"pricewatch: {SHOP}: crawl_failed",
        f"pricewatch: {SHOP}: crawl_failed recovered",
    ]
    # The incidents survive a restart of the daemon (state on disk).
    alerts.check_run(crawl(store, {"1": "10.00"}, 8), "ok")
    again = alerts_for(store, tmp_path, inbox)
    assert set(again.open_incidents()) == {f"low_coverage:{SHOP}"}


def test_the_usual_is_this_spiders_own_runs_however_many_others_ran(
    store: Store, tmp_path: Path
) -> None:
    # A daemon with many shops and hot lists: hundreds of other runs since this spider's last
    # ones must not leave it without a "usual" (and so without coverage alerts).
    inbox = Inbox()
    alerts = alerts_for(store, tmp_path, inbox)
    full = {str(n): "10.00" for n in range(10)}
    for hour in range(3):
        alerts.check_run(crawl(store, full, hour), "ok")
    for _ in range(250):
        other = store.start_run("topics_weibo")
        store.finish_run(other, status="finished", stats={})
    low = crawl(store, {"1": "10.00"}, 3)
    assert alerts.check_run(low, "ok") == ["low_coverage"]
    assert "usual is 10 (median of the last 3 runs)" in inbox.notices[0].body


def test_a_rising_extraction_failure_rate_alerts(store: Store, tmp_path: Path) -> None:
    inbox = Inbox()
    alerts = alerts_for(store, tmp_path, inbox)
    prices = {str(n): "10.00" for n in range(10)}
    for hour in range(3):
        alerts.check_run(crawl(store, prices, hour), "ok")
    bad = crawl(store, prices, 3, failures=6)
    alerts.check_run(bad, "ok")
    assert inbox.titles() == [f"pricewatch: {SHOP}: failure_rate"]
    assert (
        f"38% of product pages not read (usual 0%; no_price: 6; 'pricewatch runs show {bad.id}' "
        "lists them)"
    ) in inbox.notices[0].body


def _client_matching(store: Store, keys: list[str], own: int = 9500) -> None:
    with Session(store.engine) as session, session.begin():
        client = Client(
            slug="acme", name="Acme", emails=["buyer@acme.example"], currency="CNY", locale="en"
        )
        session.add(client)
        session.flush()
        for key in keys:
            listing = session.query(Listing).filter_by(url=f"https://rival.example/p/{key}").one()
            product = ClientProduct(
                client_id=client.id, sku=f"A-{key}", title=f"Product {key}", price_minor=own,
                currency="CNY",
            )  # fmt: skip
            session.add(product)
            session.flush()
            session.add(
                ProductMatch(
                    client_product_id=product.id,
                    listing_id=listing.id,
                    method="url",
                    status="confirmed",
                )
            )


def test_client_alerts_are_sent_once_per_change(store: Store, tmp_path: Path) -> None:
    inbox, mail = Inbox(), Mailbox()
    alerts = alerts_for(store, tmp_path, inbox, mail)
    catalogue = {str(n): "100.00" for n in range(10)}
    crawl(store, catalogue, 0, availability="out_of_stock")
    _client_matching(store, ["1", "2"])
    second = crawl(store, {**catalogue, "1": "80.00"}, 1, availability="in_stock")
    alerts.check_run(second, "ok")
    sent, suppressed = alerts.check_clients(second)
    assert (sent, suppressed) == (4, 0)  # undercut + drop for 1, back in stock for 1 and 2
    bodies = mail.bodies()
    assert {client for client, _ in mail.sent} == {"acme"}
    assert any("now sells A-1 at CN¥80.00, below your CN¥95.00" in b for b in bodies), bodies
    assert any("(A-1) dropped 20%: CN¥100.00 → CN¥80.00" in b for b in bodies), bodies
    assert sum("is back in stock" in b for b in bodies) == 2
    # The operator gets a copy of each.
    assert inbox.titles() == ["pricewatch: acme (client alert)"] * 4
    assert alerts.check_clients(second) == (0, 0)  # the same changes never alert again


def test_client_alerts_follow_the_clients_rules(store: Store, tmp_path: Path) -> None:
    catalogue = {str(n): "100.00" for n in range(10)}
    crawl(store, catalogue, 0, availability="out_of_stock")
    _client_matching(store, ["1", "2"])
    second = crawl(store, {**catalogue, "1": "80.00"}, 1, availability="in_stock")
    # Only drops of 25% or more: the 20% drop and the other rules stay quiet.
    mail = Mailbox()
    picky = alerts_for(
        store, tmp_path / "a", Inbox(), mail, rules=frozenset({"price_drop"}), price_drop=0.25
    )
    assert picky.check_clients(second) == (0, 0) and mail.sent == []
    # A client without an [[alert]] table gets no client alerts at all.
    silent = Alerts(store, tmp_path / "b", Inbox(), AlertRules(), mail=mail)
    assert silent.check_clients(second) == (0, 0) and mail.sent == []


def test_client_alerts_are_e_mailed_through_a_real_smtp_server(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from smtpserver import SmtpServer

    from pricewatch.config import get_config
    from pricewatch.daemon.alerts import smtp_client_mailer

    catalogue = {str(n): "100.00" for n in range(10)}
    crawl(store, catalogue, 0)
    _client_matching(store, ["1"])
    second = crawl(store, {**catalogue, "1": "80.00"}, 1)
    with SmtpServer(tmp_path, mode="starttls") as smtp:
        monkeypatch.setenv("PRICEWATCH_SMTP_URL", smtp.url)
        monkeypatch.setenv("PRICEWATCH_SMTP_PASSWORD", "s3cret-pa55")
        monkeypatch.setenv("PRICEWATCH_SMTP_CA_FILE", str(smtp.ca_file))
        get_config.cache_clear()
        alerts = alerts_for(store, tmp_path, Inbox(), smtp_client_mailer(store))  # type: ignore[arg-type]
        assert alerts.check_clients(second) == (2, 0)  # undercut and drop
    get_config.cache_clear()
    assert [env[1] for env in smtp.envelopes] == [["buyer@acme.example"]] * 2
    subjects = {m["Subject"] for m in smtp.messages}
    assert subjects == {"pricewatch: acme"}
    assert any("dropped 20%" in m.get_content() for m in smtp.messages)


def test_client_alerts_from_a_broken_looking_crawl_are_suppressed(
    store: Store, tmp_path: Path
) -> None:
    inbox = Inbox()
    alerts = alerts_for(store, tmp_path, inbox)
    catalogue = {str(n): "100.00" for n in range(10)}
    crawl(store, catalogue, 0)
    _client_matching(store, ["1", "2"])
    # Every competitor price "halves" at once: a broken selector, not a price war.
    broken = crawl(store, {k: "50.00" for k in catalogue}, 1)
    alerts.check_run(broken, "ok")
    assert alerts.check_clients(broken) == (0, 4)
    assert inbox.notices == []
    report = status_report(store, tmp_path / "state")
    suppressed = report["alerts"]["suppressed"]
    assert len(suppressed) == 4 and all(s["client"] == "acme" for s in suppressed)
    assert "10 of 10 prices moved at once, 100% of them down" in suppressed[0]["why"]


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_notices_go_through_apprise_to_a_real_endpoint(store: Store, tmp_path: Path) -> None:
    _Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        notify = apprise_notifier([f"json://127.0.0.1:{server.server_address[1]}/hook"])
        alerts = Alerts(store, tmp_path / "state", notify, AlertRules())
        failed = crawl(store, {}, 0, status="failed")
        alerts.check_run(failed, "failed")
    finally:
        server.shutdown()
    [message] = _Hook.received
    assert message["title"] == f"pricewatch: {SHOP}: crawl_failed"
    assert f"crawl run {failed.id} failed" in message["message"]


def test_a_trending_topic_about_the_catalogue_alerts_the_client_once(
    store: Store, tmp_path: Path
) -> None:
    from pricewatch.spiders.topics._base import rank
    from pricewatch.topics.capture import TopicCapture, TopicEntry, to_topic_record

    run_id = store.start_run("weibo")  # (and the schema)
    with Session(store.engine) as session, session.begin():
        client = Client(slug="acme", name="Acme", emails=["b@acme.example"], currency="CNY")
        session.add(client)
        session.flush()
        session.add(
            ClientProduct(
                client_id=client.id, sku="XM-14", title="小米14 手机 12GB+256GB", brand="小米",
                currency="CNY", keywords=["小米14"],
            )
        )  # fmt: skip
    titles = ["小米14 降价了", "今天天气很好", "小米粥的做法"]
    entries = rank([TopicEntry(t, heat=1000 - n) for n, t in enumerate(titles)])
    item = TopicCapture(
        source="weibo", url="http://127.0.0.1/x", entries=entries, captured_at=datetime.now(UTC)
    )
    store.store_topic_capture(to_topic_record(item), run_id=run_id)
    run = store.finish_run(run_id, status="finished", stats={})
    mail = Mailbox()
    alerts = alerts_for(store, tmp_path, Inbox(), mail)
    assert alerts.check_topics(run) == 1
    [(client, notice)] = mail.sent
    assert (client, notice.title) == ("acme", "pricewatch: acme")
    assert "trending on weibo #1: 小米14 降价了" in notice.body and "XM-14" in notice.body
    assert alerts.check_topics(run) == 0  # once per topic


def test_status_shows_every_clients_last_report_however_many_others_wrote(
    store: Store, tmp_path: Path
) -> None:
    quiet = store.create_client(ClientRecord("quiet", "Quiet", (), "zh-CN", "CNY", "UTC"))
    busy = store.create_client(ClientRecord("busy", "Busy", (), "zh-CN", "CNY", "UTC"))
    end = datetime(2026, 11, 30, tzinfo=UTC)
    start = end - timedelta(days=7)
    ids = {
        "quiet": store.record_report(
            quiet.id, period_start=start, period_end=end, formats=["html"], files=[], summary={}
        )
    }
    for _ in range(1100):  # an hourly report for six weeks
        ids["busy"] = store.record_report(
            busy.id, period_start=start, period_end=end, formats=["html"], files=[], summary={}
        )
    assert [r.id for r in store.reports(limit=None, latest=True)] == [ids["busy"], ids["quiet"]]
    assert [r.id for r in store.reports("quiet", latest=True)] == [ids["quiet"]]
    clients = status_report(store, tmp_path / "state")["clients"]
    assert set(clients) == {"quiet", "busy"}
    assert clients["quiet"]["last_report_status"] == "written"
