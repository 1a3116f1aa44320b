"""Alerts that can be trusted: operator incidents raised once and recovered once; client alerts
at most once per change, and never from a crawl that looks broken.

**Operator alerts** are checked after every crawl the daemon runs, per spider:

=================  ==========================================================================
``crawl_failed``   the crawl failed, timed out or was killed (a topic source: it broke)
``low_coverage``   far fewer items than usual: below ``coverage_share`` × the median of the
                   spider's last ``history`` finished runs
``failure_rate``   the extraction-failure rate rose: at least ``failure_rate`` and more than
                   ``failure_rise`` above the median of the last runs
=================  ==========================================================================

An incident opens once (one notification) and stays open while the condition holds; the first
healthy run closes it with a recovery notice.

**Client alerts** come from the price observations a crawl opened, for listings confirmed as
matches of a client's products: a competitor undercutting the client by more than the client's
threshold, a price drop of at least ``price_drop`` (default 10%), a competitor back in stock;
and from topic captures: a trending topic about the client's catalogue (once per topic).
Each is keyed by the observation that caused it, so it is sent at most once. A crawl that looks
broken — an open ``low_coverage``/``failure_rate`` incident, or many prices moving the same way
at once (``mass_move_share`` of the run's listings, ``mass_move_direction`` of them one way) —
has its client alerts **suppressed**: recorded, shown by ``pricewatch status``, not sent. A
broken spider must never tell a merchant that all competitors dropped their prices.

Notifications go through Apprise (``PRICEWATCH_ALERT_URLS``: e-mail, WeCom, DingTalk, Feishu,
Telegram, Slack...). State (open incidents, sent keys, suppressed alerts) lives in the daemon's
state directory, ``alerts.json``.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import tempfile
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pricewatch.crawl.reasons import failures_by_reason, reasons_text
from pricewatch.daemon.health import failure_rate
from pricewatch.daemon.schedules import ClientAlertSpec
from pricewatch.db.store import RunInfo, Store

log = logging.getLogger("pricewatch.daemon.alerts")

ALERT_FILE = "alerts.json"
#: Sent keys and suppressed alerts kept (the oldest are dropped).
MAX_KEPT = 5000


@dataclass(frozen=True)
class AlertRules:
    history: int = 5
    coverage_share: float = 0.5
    failure_rate: float = 0.2
    failure_rise: float = 0.1
    price_drop: float = 0.10
    mass_move_share: float = 0.5
    mass_move_direction: float = 0.8
    #: Fewer changed listings than this never count as a mass move.
    mass_move_min: int = 5


@dataclass(frozen=True)
class Notice:
    title: str
    body: str
    kind: str  # "alert", "recovery", "client"


Notifier = Callable[[Notice], bool]
#: ``mail(client_slug, notice)``: e-mail a client alert to the client's recipients.
ClientMailer = Callable[[str, Notice], bool]


def smtp_client_mailer(store: Store) -> ClientMailer:
    """E-mail client alerts over the report delivery's SMTP settings (PRICEWATCH_SMTP_*)."""
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    from pricewatch.config import get_config
    from pricewatch.delivery.smtp import SmtpSettings, send_message

    settings = SmtpSettings.from_config(get_config())

    def mail(client: str, notice: Notice) -> bool:
        recipients = list(store.client(client).emails)
        if not recipients:
            return False
        message = EmailMessage()
        message["Subject"] = notice.title
        message["From"] = settings.sender
        message["To"] = ", ".join(recipients)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
        message.set_content(notice.body)
        send_message(message, settings)
        return True

    return mail


def apprise_notifier(urls: Sequence[str]) -> Notifier:
    """Deliver notices to Apprise URLs; ``False`` when none accepted it."""
    import apprise

    sink = apprise.Apprise()
    for url in urls:
        if not sink.add(url):
            raise ValueError("an alert URL is not one Apprise understands (check its scheme)")

    def send(notice: Notice) -> bool:
        return bool(sink.notify(title=notice.title, body=notice.body))

    return send


@dataclass
class _AlertState:
    incidents: dict[str, dict[str, Any]] = field(default_factory=dict)
    sent: list[str] = field(default_factory=list)
    suppressed: list[dict[str, Any]] = field(default_factory=list)


class Alerts:
    """Evaluates runs, keeps incident state, delivers notices (failures logged, retried next)."""

    def __init__(
        self,
        store: Store,
        state_dir: Path,
        notify: Notifier | None,
        rules: AlertRules,
        *,
        clients: Mapping[str, ClientAlertSpec] | None = None,
        mail: ClientMailer | None = None,
    ) -> None:
        self.store, self.notify, self.rules = store, notify, rules
        #: Client alert rules from the schedules' ``[[alert]]`` tables (clients opt in).
        self.clients: Mapping[str, ClientAlertSpec] = dict(clients or {})
        self.mail = mail
        self.path = state_dir / ALERT_FILE
        self._lock = threading.Lock()
        self.state = self._read()

    # ------------------------------------------------------------------ state

    def _read(self) -> _AlertState:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return _AlertState()
        return _AlertState(
            incidents=dict(data.get("incidents") or {}),
            sent=list(data.get("sent") or []),
            suppressed=list(data.get("suppressed") or []),
        )

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        s = self.state
        data = {
            "incidents": s.incidents,
            "sent": s.sent[-MAX_KEPT:],
            "suppressed": s.suppressed[-MAX_KEPT:],
        }
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".alerts.", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)

    def _deliver(self, notice: Notice) -> bool:
        if self.notify is None:
            log.warning("%s (no PRICEWATCH_ALERT_URLS configured): %s", notice.title, notice.body)
            return True
        try:
            ok = self.notify(notice)
        except Exception as exc:  # a notification service down must not stop the daemon
            log.error("alert delivery failed: %s: %s", type(exc).__name__, exc)
            return False
        if not ok:
            log.error("alert delivery failed: %s", notice.title)
        return ok

    # ------------------------------------------------------------------ operator

    def check_run(self, run: RunInfo, outcome: str, kind: str = "crawl") -> list[str]:
        """Open or close this spider's incidents after ``run``; returns the open kinds."""
        with self._lock:
            found = self._conditions(run, outcome, kind)
            spider = run.spider
            for condition in ("crawl_failed", "low_coverage", "failure_rate"):
                key = f"{condition}:{spider}"
                open_incident = self.state.incidents.get(key)
                if condition in found and open_incident is None:
                    notice = Notice(f"pricewatch: {spider}: {condition}", found[condition], "alert")
                    delivered = self._deliver(notice)
                    self.state.incidents[key] = {
                        "opened_at": datetime.now(UTC).isoformat(),
                        "message": found[condition],
                        "run": run.id,
                        "delivered": delivered,
                    }
                elif condition in found and open_incident and not open_incident["delivered"]:
                    retry = Notice(f"pricewatch: {spider}: {condition}", found[condition], "alert")
                    open_incident["delivered"] = self._deliver(retry)
                elif condition not in found and open_incident is not None:
                    since = open_incident["opened_at"]
                    notice = Notice(
                        f"pricewatch: {spider}: {condition} recovered",
                        f"run {run.id} is healthy again (incident open since {since})",
                        "recovery",
                    )
                    if self._deliver(notice):
                        del self.state.incidents[key]
            self._write()
            return [c for c in found]

    def _conditions(self, run: RunInfo, outcome: str, kind: str) -> dict[str, str]:
        found: dict[str, str] = {}
        if outcome != "ok":
            if kind == "topics":
                reasons = ", ".join(failures_by_reason(run.stats or {}))
                found["crawl_failed"] = (
                    f"topic source broke: run {run.id} {outcome} ({reasons or run.error or '-'})"
                )
            else:
                found["crawl_failed"] = f"crawl run {run.id} {outcome}: {run.error or '-'}"
            return found
        if kind == "topics":
            return found  # coverage and extraction rates are about product pages
        previous = self.store.runs(
            self.rules.history, spider=run.spider, status="finished", before=run.id
        )
        if len(previous) < 2:
            return found  # no "usual" yet
        usual = statistics.median(r.items_scraped for r in previous)
        if usual > 0 and run.items_scraped < self.rules.coverage_share * usual:
            found["low_coverage"] = (
                f"run {run.id} stored {run.items_scraped} items; usual is {usual:g} "
                f"(median of the last {len(previous)} runs)"
            )
        rate = failure_rate(run)
        rates = [r for r in (failure_rate(p) for p in previous) if r is not None]
        if rate is not None and rates:
            base = statistics.median(rates)
            if rate >= self.rules.failure_rate and rate > base + self.rules.failure_rise:
                reasons = reasons_text(run.failures_by_reason, most=3)
                found["failure_rate"] = (
                    f"run {run.id}: {rate:.0%} of product pages not read (usual {base:.0%}; "
                    f"{reasons}; 'pricewatch runs show {run.id}' lists them)"
                )
        return found

    def open_incidents(self) -> dict[str, dict[str, Any]]:
        return dict(self.state.incidents)

    # ------------------------------------------------------------------ clients

    def wants(self, client: str, rule: str, drop: float | None = None) -> bool:
        """Whether ``client`` opted in to ``rule`` (and, for drops, at this size)."""
        spec = self.clients.get(client)
        if spec is None or rule not in spec.rules:
            return False
        return drop is None or drop >= spec.price_drop

    def _deliver_client(self, client: str, notice: Notice) -> bool:
        """To the client's recipients by e-mail (when asked), a copy to the operator URLs."""
        spec = self.clients.get(client)
        delivered = True
        if spec is not None and spec.email:
            if self.mail is None:
                log.warning("client alert for %s not e-mailed: no PRICEWATCH_SMTP_URL", client)
                delivered = False
            else:
                try:
                    delivered = self.mail(client, notice)
                except Exception as exc:  # retried with the next run's check
                    log.error("client alert e-mail to %s failed: %s", client, exc)
                    delivered = False
        if self.notify is not None:
            copy = Notice(f"{notice.title} (client alert)", notice.body, notice.kind)
            delivered = self._deliver(copy) and delivered
        return delivered

    def check_topics(self, run: RunInfo) -> int:
        """Client alerts for trending topics about their catalogue, once per client and topic."""
        sent = 0
        alerts = topic_alerts(self.store, run, set(self.clients))
        with self._lock:
            for key, client, text in alerts:
                if key in self.state.sent or not self.wants(client, "topic"):
                    continue
                if self._deliver_client(client, Notice(f"pricewatch: {client}", text, "client")):
                    self.state.sent.append(key)
                    sent += 1
            self._write()
        return sent

    def check_clients(self, run: RunInfo) -> tuple[int, int]:
        """Client alerts from ``run``'s changes: returns (sent, suppressed)."""
        from pricewatch.daemon.client_alerts import client_alerts, mass_move

        changes = self.store.run_changes(run.id)
        if not changes:
            return 0, 0
        if not self.clients:
            return 0, 0  # client alerts are opt-in ([[alert]] tables)
        lowest = min(spec.price_drop for spec in self.clients.values())
        alerts = client_alerts(self.store, changes, replace(self.rules, price_drop=lowest))
        broken = [
            key.split(":", 1)[0]
            for key in self.state.incidents
            if key.endswith(f":{run.spider}") and not key.startswith("crawl_failed")
        ]
        moved = mass_move(changes, run.items_scraped, self.rules)
        reason = ", ".join(broken) or (moved or "")
        sent = suppressed = 0
        with self._lock:
            for alert in alerts:
                if alert.key in self.state.sent or not self.wants(
                    alert.client, alert.rule, alert.drop
                ):
                    continue
                if reason:
                    self.state.suppressed.append(
                        {
                            "at": datetime.now(UTC).isoformat(),
                            "client": alert.client,
                            "shop": run.spider,
                            "run": run.id,
                            "alert": alert.text,
                            "why": f"the crawl looks broken: {reason}",
                        }
                    )
                    self.state.sent.append(alert.key)  # decided once: never sent later either
                    suppressed += 1
                    continue
                notice = Notice(f"pricewatch: {alert.client}", alert.text, "client")
                if self._deliver_client(alert.client, notice):
                    self.state.sent.append(alert.key)
                    sent += 1
            self._write()
        if suppressed:
            log.warning(
                "run %s: %d client alerts suppressed (the crawl looks broken: %s)",
                run.id,
                suppressed,
                reason,
            )
        return sent, suppressed


def topic_alerts(
    store: Store, run: RunInfo, clients: Collection[str] | None = None
) -> list[tuple[str, str, str]]:
    """``(key, client, text)`` for topics of this capture run that concern a client's
    catalogue (the trending-topic client alert)."""
    from pricewatch.topics.related import related_topics

    since = run.started_at
    out: list[tuple[str, str, str]] = []
    for client in store.clients():
        if clients is not None and client.slug not in clients:
            continue
        for topic in related_topics(store, client.slug, since, run.finished_at):
            products = ", ".join(topic.skus[:5])
            rank = f" #{topic.best_rank}" if topic.best_rank else ""
            out.append(
                (
                    f"topic:{client.slug}:{topic.topic_id}",
                    client.slug,
                    f"trending on {topic.source}{rank}: {topic.title} "
                    f"(about {', '.join(topic.terms[:3])}; your products {products})",
                )
            )
    return out
