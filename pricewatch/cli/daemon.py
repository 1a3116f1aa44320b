"""``pricewatch daemon``, ``pricewatch schedules check|list|reload`` and ``pricewatch status``."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pricewatch.errors import PricewatchError

if TYPE_CHECKING:
    from pricewatch.daemon.schedules import JobSpec, Schedule
    from pricewatch.daemon.service import Known

DEFAULT_SCHEDULES = Path("schedules")
DEFAULT_STATE_DIR = Path("var/daemon")
DEFAULT_LOG_DIR = Path("var/logs")

schedules_option = click.option(
    "--schedules",
    "schedules_path",
    type=click.Path(path_type=Path),
    default=DEFAULT_SCHEDULES,
    show_default=True,
    help="Schedule file or directory of *.toml files.",
)
state_option = click.option(
    "--state-dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_STATE_DIR,
    show_default=True,
    help="Where the daemon keeps its state (next run times, heartbeat).",
)


def _known() -> Known:
    from sqlalchemy.exc import SQLAlchemyError

    from pricewatch.daemon.service import Known
    from pricewatch.db.store import Store
    from pricewatch.shops import load_shops
    from pricewatch.spiders.registry import load_spiders

    shops = set(load_shops())
    sources = set(load_spiders()) - shops
    clients: set[str] | None
    try:
        with Store.from_url() as store:
            clients = {client.slug for client in store.clients()}
    except SQLAlchemyError:
        clients = None  # no database to check against: the report job reports it when it runs
    return Known(shops=shops, sources=sources, clients=clients)


def _load(path: Path) -> list[JobSpec]:
    return _load_schedule(path).jobs


def _load_schedule(path: Path) -> Schedule:
    from pricewatch.daemon.schedules import ScheduleError, load_schedule

    known = _known()
    try:
        return load_schedule(
            path,
            shops=known.shops,
            sources=known.sources,
            clients=known.clients,
        )
    except ScheduleError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.exceptions.Exit(1) from None


@click.group()
def schedules() -> None:
    """Crawl, topic and report schedules (schedules/*.toml)."""


@schedules.command("check")
@click.argument("path", type=click.Path(path_type=Path), default=DEFAULT_SCHEDULES)
def schedules_check(path: Path) -> None:
    """Validate schedule files: every problem with its file, job and field."""
    schedule = _load_schedule(path)
    for job in schedule.jobs:
        click.echo(f"ok  {job.name}: {job.describe()}")
    for client, alert in sorted(schedule.alerts.items()):
        how = "e-mail" if alert.email else "operator URLs only"
        click.echo(
            f"ok  alerts for {client}: {', '.join(sorted(alert.rules))} "
            f"(drops of {alert.price_drop:.0%} or more; {how})"
        )
    click.echo(f"{len(schedule.jobs)} jobs, {len(schedule.alerts)} client alert rules, no problems")


@schedules.command("list")
@schedules_option
@click.option("--count", default=3, show_default=True, help="Next run times per job.")
def schedules_list(schedules_path: Path, count: int) -> None:
    """Each job with its next run times (in the job's time zone)."""
    from zoneinfo import ZoneInfo

    from pricewatch.daemon.triggers import build_trigger

    now = datetime.now(UTC)
    for job in _load(schedules_path):
        trigger = build_trigger(job)
        times, previous = [], None
        current = now
        for _ in range(count):
            fire = trigger.get_next_fire_time(previous, current)
            if fire is None:
                break
            times.append(fire.astimezone(ZoneInfo(job.timezone)).strftime("%Y-%m-%d %H:%M:%S"))
            previous, current = fire, fire + timedelta(microseconds=1)
        click.echo(f"{job.name}: {job.describe()}")
        click.echo(f"  next: {', '.join(times) or 'never'}")


@schedules.command("reload")
@state_option
def schedules_reload(state_dir: Path) -> None:
    """Tell the running daemon to re-read its schedule files (SIGHUP)."""
    from pricewatch.daemon.health import daemon_health
    from pricewatch.daemon.state import StateFile

    state = StateFile.read(state_dir)
    health = daemon_health(state, heartbeat_s=10.0)
    if health.state not in ("up", "stuck") or state.pid is None:
        raise PricewatchError(f"no running daemon to reload ({health.detail})")
    os.kill(state.pid, signal.SIGHUP)
    click.echo(f"asked daemon {state.pid} to reload its schedules")


@click.command()
@schedules_option
@state_option
@click.option(
    "--log-dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_LOG_DIR,
    show_default=True,
    help="A log file per crawl process.",
)
@click.option("--max-processes", type=int, help="Crawl processes at once (default: CPU count).")
@click.option(
    "--misfire-grace",
    default="1h",
    show_default=True,
    help="Run a missed job once if it is at most this late.",
)
@click.option(
    "--stop-grace",
    default="30s",
    show_default=True,
    help="On SIGTERM, how long running crawls get.",
)
@click.option(
    "--metrics", metavar="HOST:PORT", help="Serve Prometheus metrics, e.g. 127.0.0.1:9410."
)
def daemon(
    schedules_path: Path,
    state_dir: Path,
    log_dir: Path,
    max_processes: int | None,
    misfire_grace: str,
    stop_grace: str,
    metrics: str | None,
) -> None:
    """Run the schedules unattended (SIGTERM stops gracefully, SIGHUP reloads)."""
    from pricewatch.daemon.jobs import cpu_count
    from pricewatch.daemon.schedules import parse_duration
    from pricewatch.daemon.service import Daemon, DaemonOptions
    from pricewatch.db.engine import database_url
    from pricewatch.db.store import Store
    from pricewatch.shops import load_shops

    try:
        grace, stop = parse_duration(misfire_grace), parse_duration(stop_grace)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    _log_to_stderr()
    _load(schedules_path)  # refuse a bad file with every problem listed, before anything starts
    options = DaemonOptions(
        schedules=schedules_path,
        state_dir=state_dir,
        log_dir=log_dir,
        db_url=database_url(),
        max_processes=max_processes or cpu_count(),
        misfire_grace=grace,
        stop_grace=stop.total_seconds(),
        metrics=metrics,
    )
    from pricewatch.config import get_config
    from pricewatch.daemon.alerts import apprise_notifier

    urls = get_config().alert_urls
    try:
        notify = apprise_notifier(urls) if urls else None
    except ValueError as exc:
        raise PricewatchError(f"PRICEWATCH_ALERT_URLS: {exc}") from None
    with Store.from_url(options.db_url) as store:
        mail = None
        if get_config().smtp_url:
            from pricewatch.daemon.alerts import smtp_client_mailer

            mail = smtp_client_mailer(store)
        service = Daemon(options, store, _known, lambda: sorted(load_shops()), notify, mail)
        sys.exit(service.serve())


def _log_to_stderr() -> None:
    """One line per event on stderr, no timestamp (journald adds its own)."""
    from pricewatch.config import get_config

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("pricewatch")
    root.addHandler(handler)
    root.setLevel(get_config().log_level or "INFO")
    root.propagate = False


@click.command()
@state_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def status(state_dir: Path, as_json: bool) -> None:
    """Daemon up/down/stuck, each job's next and last run, each shop's health."""
    from pricewatch.daemon.health import format_status, status_report
    from pricewatch.db.store import Store

    with Store.from_url() as store:
        report = status_report(store, state_dir)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for line in format_status(report):
            click.echo(line)
    if report["daemon"]["state"] in ("down", "stuck"):
        sys.exit(1)
