"""``pricewatch status``: is the daemon up, what ran, what is due, and how each shop is doing.

The daemon is **up** when its state file names a live process on this host whose heartbeat is
recent, **stuck** when the process lives but has not beaten for several intervals, and **down**
when it stopped (cleanly: ``stopped_at``) or died. Shops come from the database: the latest
run, the latest successful one, listings tracked and the latest run's extraction-failure rate.
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pricewatch.crawl.supervision import process_alive
from pricewatch.daemon.state import DaemonState, StateFile
from pricewatch.db.store import Store

#: Heartbeats missed before a live daemon counts as stuck.
STUCK_AFTER_BEATS = 6
#: Failure reasons that mean "the page was fetched but not read" (extraction failures).
EXTRACTION_REASONS = ("no_price", "no_currency", "invalid")


@dataclass(frozen=True)
class DaemonHealth:
    state: str  # "up", "stuck", "down", "never started"
    detail: str


def daemon_health(
    state: DaemonState, heartbeat_s: float, now: datetime | None = None
) -> DaemonHealth:
    now = now or datetime.now(UTC)
    if state.pid is None or state.started_at is None:
        return DaemonHealth("never started", "no daemon has run with this state directory")
    if state.stopped_at is not None:
        return DaemonHealth("down", f"stopped at {state.stopped_at.isoformat()}")
    here = state.hostname == socket.gethostname()
    alive = process_alive(state.pid, state.started_at) if here else True
    beat = state.heartbeat_at or state.started_at
    age = (now - beat).total_seconds()
    if not alive:
        return DaemonHealth("down", f"process {state.pid} is gone (last heartbeat {age:.0f}s ago)")
    if age > STUCK_AFTER_BEATS * heartbeat_s:
        return DaemonHealth("stuck", f"process {state.pid} has not beaten for {age:.0f}s")
    where = "" if here else f" on {state.hostname}"
    return DaemonHealth("up", f"pid {state.pid}{where}, heartbeat {age:.0f}s ago")


def failure_rate(run: Any) -> float | None:
    """Extraction failures ÷ product pages read, for a run (``None`` when it read none)."""
    failures = sum((run.failures_by_reason or {}).get(r, 0) for r in EXTRACTION_REASONS)
    pages = failures + run.items_scraped
    return failures / pages if pages else None


def status_report(store: Store, state_dir: Path, heartbeat_s: float = 10.0) -> dict[str, Any]:
    """Everything ``pricewatch status --json`` prints."""
    state = StateFile.read(state_dir)
    health = daemon_health(state, heartbeat_s)
    runs = store.latest_runs()
    listings = store.listing_counts()
    shops = {}
    for spider, (last, ok) in sorted(runs.items()):
        rate = failure_rate(last)
        shops[spider] = {
            "last_run": last.id,
            "last_status": last.status,
            "last_finished_at": _iso(last.finished_at),
            "last_success_at": _iso(ok.finished_at) if ok else None,
            "listings": listings.get(spider, 0),
            "extraction_failure_rate": round(rate, 4) if rate is not None else None,
            "last_error": last.error,
        }
    alerts = _alert_state(state_dir)
    sources = {
        s.source: {
            "captures": s.captures,
            "failures": s.failures,
            "last_success_at": _iso(s.last_success),
            "last_entries": s.last_entries,
            "last_status": s.last_status,
            "last_failure_at": _iso(s.last_failure),
            "last_reason": s.last_reason,
        }
        for s in store.topic_sources()
    }
    clients = {
        info.client: {
            "last_report_at": _iso(info.created_at),
            "last_report_status": info.status,
            "deliveries": info.deliveries,
            "last_delivery_error": info.last_delivery_error,
        }
        for info in store.reports(limit=None, latest=True)
    }
    return {
        "alerts": alerts,
        "sources": sources,
        "clients": clients,
        "daemon": {
            "state": health.state,
            "detail": health.detail,
            "pid": state.pid,
            "hostname": state.hostname,
            "started_at": _iso(state.started_at),
            "heartbeat_at": _iso(state.heartbeat_at),
            "schedules": state.schedules,
            "waiting": state.waiting,
        },
        "jobs": {name: job.as_json() for name, job in sorted(state.jobs.items())},
        "shops": shops,
    }


def _alert_state(state_dir: Path) -> dict[str, Any]:
    """Open incidents and the latest suppressed client alerts (``alerts.json``)."""
    from pricewatch.daemon.alerts import ALERT_FILE

    try:
        data = json.loads((state_dir / ALERT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    return {
        "open": data.get("incidents") or {},
        "suppressed": (data.get("suppressed") or [])[-20:],
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def format_status(report: dict[str, Any], tz: Any = None) -> list[str]:
    """Human-readable lines of :func:`status_report`."""

    def when(text: str | None) -> str:
        if text is None:
            return "-"
        return datetime.fromisoformat(text).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")

    d = report["daemon"]
    lines = [f"daemon: {d['state']} ({d['detail']})"]
    if d["waiting"]:
        lines.append(f"  waiting for a crawl slot: {', '.join(d['waiting'])}")
    lines.append("jobs:")
    for name, job in report["jobs"].items():
        duration = job["last_duration_s"]
        took = f" in {duration:.0f}s" if duration is not None else ""
        lines.append(
            f"  {name:<24} next {when(job['next_run_at'])}  last {job['last_outcome'] or '-'}"
            f"{took} at {when(job['last_finished_at'])}"
            + (f"  ({job['last_detail']})" if job["last_detail"] else "")
        )
    if not report["jobs"]:
        lines.append("  (none)")
    lines.append("shops:")
    for name, shop in report["shops"].items():
        rate = shop["extraction_failure_rate"]
        lines.append(
            f"  {name:<24} last success {when(shop['last_success_at'])}  "
            f"{shop['listings']} listings  last run {shop['last_status']}"
            + (f", {rate:.0%} extraction failures" if rate is not None else "")
        )
    if report.get("sources"):
        lines.append("topic sources:")
        for name, src in report["sources"].items():
            failed = (
                f"  last failure {when(src['last_failure_at'])} ({src['last_reason']})"
                if src["last_failure_at"]
                else ""
            )
            lines.append(
                f"  {name:<24} last capture {when(src['last_success_at'])} "
                f"({src['last_entries'] or 0} entries){failed}"
            )
    if report.get("clients"):
        lines.append("clients:")
        for name, client in report["clients"].items():
            error = client["last_delivery_error"]
            lines.append(
                f"  {name:<24} last report {when(client['last_report_at'])} "
                f"{client['last_report_status']}" + (f" ({error})" if error else "")
            )
    alerts = report.get("alerts") or {}
    if alerts.get("open"):
        lines.append("open alerts:")
        for key, incident in sorted(alerts["open"].items()):
            lines.append(f"  {key:<32} since {when(incident['opened_at'])}  {incident['message']}")
    if alerts.get("suppressed"):
        lines.append("suppressed client alerts (the crawl looked broken):")
        for item in alerts["suppressed"][-10:]:
            lines.append(f"  {when(item['at'])} {item['client']}: {item['alert']} ({item['why']})")
    return lines
