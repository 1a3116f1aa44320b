"""``pricewatch daemon``: APScheduler 3 running the schedule files' jobs, unattended.

- Each job is an APScheduler job with ``max_instances=1`` (a job never overlaps itself),
  ``coalesce=True`` and a misfire grace time: after downtime a missed run happens once, not N
  times, and a run missed by more than the grace time is skipped (recorded as ``missed``).
- Next run times are written to the state file (:mod:`pricewatch.daemon.state`) whenever a run
  is submitted, so a restarted daemon resumes them: nothing lost, nothing run twice (a run that
  was interrupted by the restart is not repeated; its outcome is on its ``crawl_run``).
- Crawls run as supervised subprocesses (:mod:`pricewatch.daemon.jobs`) under a global cap.
- SIGTERM/SIGINT stop it gracefully: no new jobs, running crawls get ``stop_grace`` seconds
  (Scrapy closes them cleanly on SIGTERM), then are killed; everything is recorded. SIGHUP
  (or ``pricewatch schedules reload``) reloads the schedule files; a bad file keeps the old
  schedule running and says why.
- A heartbeat in the state file every ``heartbeat_s`` lets ``pricewatch status`` tell a
  running daemon from a dead or stuck one.

Logs go to stderr, one line per event, in a journald-friendly format (no timestamps of our own:
journald adds them; ``PRICEWATCH_LOG_LEVEL`` sets the level).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.events import (
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from pricewatch.crawl.launcher import Launcher
from pricewatch.daemon.alerts import AlertRules, Alerts, ClientMailer, Notifier
from pricewatch.daemon.jobs import (
    JobOutcome,
    JobRunner,
    ProcessSlots,
    capture_failures,
    cpu_count,
    outcome_of,
)
from pricewatch.daemon.metrics import DaemonMetrics
from pricewatch.daemon.schedules import JobSpec, Schedule, ScheduleError, load_schedule
from pricewatch.daemon.state import DaemonState, StateFile
from pricewatch.daemon.triggers import build_trigger
from pricewatch.db.store import Store

log = logging.getLogger("pricewatch.daemon")


@dataclass
class DaemonOptions:
    schedules: Path
    state_dir: Path
    log_dir: Path
    db_url: str | None = None
    max_processes: int = field(default_factory=cpu_count)
    misfire_grace: timedelta = timedelta(hours=1)
    stop_grace: float = 30.0
    heartbeat_s: float = 10.0
    metrics: str | None = None
    alert_rules: AlertRules = field(default_factory=AlertRules)


@dataclass
class Known:
    """Names the schedule files may use (``None``: not checked)."""

    shops: Collection[str] | None = None
    sources: Collection[str] | None = None
    clients: Collection[str] | None = None


class Daemon:
    def __init__(
        self,
        options: DaemonOptions,
        store: Store,
        known: Callable[[], Known],
        shops: Callable[[], list[str]],
        notify: Notifier | None = None,
        mail: ClientMailer | None = None,
    ) -> None:
        self.options, self.store, self.known = options, store, known
        self.state = StateFile(options.state_dir)
        self.alerts = Alerts(store, options.state_dir, notify, options.alert_rules, mail=mail)
        self.slots = ProcessSlots(options.max_processes)
        launcher = Launcher(store, log_dir=options.log_dir, db_url=options.db_url)
        self.runner = JobRunner(
            launcher,
            self.slots,
            shops=shops,
            log_dir=options.log_dir,
            stop_grace=options.stop_grace,
        )
        self.metrics = DaemonMetrics(lambda: len(self.slots.waiting), lambda: self.slots.running)
        self.metrics_address: tuple[str, int] | None = None
        self.specs: dict[str, JobSpec] = {}
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=64)},
            job_defaults={
                "max_instances": 1,
                "coalesce": True,
                "misfire_grace_time": int(options.misfire_grace.total_seconds()),
            },
            timezone=UTC,
        )
        self.scheduler.add_listener(
            self._on_event, EVENT_JOB_SUBMITTED | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES
        )
        self._stop = threading.Event()
        self._reload = threading.Event()

    # ------------------------------------------------------------------ schedule

    def load(self) -> Schedule:
        known = self.known()
        return load_schedule(
            self.options.schedules,
            shops=known.shops,
            sources=known.sources,
            clients=known.clients,
        )

    def start(self) -> None:
        """Load the schedules (refusing a bad file), claim the state, start scheduling."""
        schedule = self.load()
        specs = schedule.jobs
        self.alerts.clients = schedule.alerts
        self.state.claim(str(self.options.schedules))
        if self.options.metrics:
            self.metrics_address = self.metrics.serve(self.options.metrics)
            log.info("metrics on http://%s:%d/metrics", *self.metrics_address)
        self.scheduler.start(paused=True)
        for spec in specs:
            self._add(spec, keep_next=True)
        self.scheduler.resume()
        self._write_next_runs()
        log.info("daemon started: %d jobs from %s", len(specs), self.options.schedules)
        threading.Thread(target=self._heartbeat, name="daemon-heartbeat", daemon=True).start()

    def _add(self, spec: JobSpec, *, keep_next: bool) -> None:
        trigger = build_trigger(spec)
        now = datetime.now(UTC)
        kwargs: dict[str, Any] = {}
        persisted = self.state.job(spec.name).next_run_at if keep_next else None
        if persisted is not None:
            if persisted > now:
                kwargs["next_run_time"] = persisted
            elif now - persisted <= self.options.misfire_grace:
                kwargs["next_run_time"] = now  # missed while down: run once now
                log.info(
                    "job %s: missed its run at %s while down; running now",
                    spec.name,
                    persisted.isoformat(),
                )
            else:
                log.warning(
                    "job %s: missed its run at %s by more than the misfire grace; skipped",
                    spec.name,
                    persisted.isoformat(),
                )
                self._record(spec.name, "missed", f"missed the run at {persisted.isoformat()}")
        self.specs[spec.name] = spec
        self.scheduler.add_job(
            self._execute,
            trigger,
            args=[spec.name],
            id=spec.name,
            name=spec.name,
            replace_existing=True,
            **kwargs,
        )

    def reload(self) -> bool:
        """Re-read the schedule files; on any problem keep the running schedule."""
        try:
            schedule = self.load()
        except ScheduleError as exc:
            log.error("reload refused, keeping the running schedule: %s", exc.report())
            return False
        self.alerts.clients = schedule.alerts
        new = {s.name: s for s in schedule.jobs}
        for name in list(self.specs):
            if name not in new:
                self.scheduler.remove_job(name)
                del self.specs[name]
                log.info("job %s removed", name)
        for name, spec in new.items():
            old = self.specs.get(name)
            if old == spec:
                continue
            keep = old is not None and old.key() == spec.key()
            self._add(spec, keep_next=keep)
            log.info("job %s %s", name, "updated" if old else "added")
        self._write_next_runs()
        log.info("schedules reloaded: %d jobs", len(new))
        return True

    # ------------------------------------------------------------------ runs

    def _execute(self, name: str) -> None:
        spec = self.specs.get(name)
        if spec is None or self._stop.is_set():
            return
        started = datetime.now(UTC)
        job = self.state.job(name)
        job.last_started_at = started
        self.state.update()
        log.info("job %s: started (%s)", name, spec.describe())
        try:
            outcome = self.runner.run(spec)
        except Exception as exc:  # a job's bug must not stop the daemon
            log.exception("job %s failed", name)
            outcome = JobOutcome("failed", f"{type(exc).__name__}: {exc}")
        duration = (datetime.now(UTC) - started).total_seconds()
        for result in outcome.results:
            crawl_outcome = outcome_of(result)
            if crawl_outcome == "ok" and spec.kind == "topics" and capture_failures(result):
                crawl_outcome = "failed"
            self.metrics.record_crawl(result, crawl_outcome)
            try:
                self.alerts.check_run(result.run, crawl_outcome, spec.kind)
                if crawl_outcome == "ok" and spec.kind == "crawl":
                    self.alerts.check_clients(result.run)
                elif crawl_outcome == "ok" and spec.kind == "topics":
                    self.alerts.check_topics(result.run)
            except Exception:  # alerting must never stop the schedule
                log.exception("job %s: checking alerts failed", name)
        self.metrics.record_job(name, outcome.outcome)
        self._record(name, outcome.outcome, outcome.detail, duration)
        level = logging.INFO if outcome.outcome == "ok" else logging.WARNING
        log.log(
            level,
            "job %s: %s in %.1fs%s",
            name,
            outcome.outcome,
            duration,
            f" ({outcome.detail})" if outcome.detail else "",
        )

    def _record(self, name: str, outcome: str, detail: str, duration: float | None = None) -> None:
        def change(state: DaemonState) -> None:
            job = self.state.job(name)
            job.last_finished_at = datetime.now(UTC)
            job.last_outcome, job.last_detail = outcome, detail or None
            job.last_duration_s = duration
            if outcome not in ("missed", "skipped"):
                job.runs += 1

        self.state.update(change)

    def _on_event(self, event: JobEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            log.warning(
                "job %s: run at %s missed (beyond the misfire grace)",
                event.job_id,
                getattr(event, "scheduled_run_time", "?"),
            )
            self._record(event.job_id, "missed", "beyond the misfire grace time")
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            log.warning(
                "job %s: still running, this run skipped (jobs never overlap)", event.job_id
            )
        self._write_next_runs()

    def _write_next_runs(self) -> None:
        def change(state: DaemonState) -> None:
            for job in self.scheduler.get_jobs():
                self.state.job(job.id).next_run_at = job.next_run_time
            for name in list(state.jobs):
                if name not in self.specs:
                    del state.jobs[name]

        self.state.update(change)

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.options.heartbeat_s):
            now = datetime.now(UTC)

            def beat(state: DaemonState, now: datetime = now) -> None:
                state.heartbeat_at = now
                state.waiting = list(self.slots.waiting)

            self.state.update(beat)
            self.metrics.heartbeat.set(now.timestamp())

    # ------------------------------------------------------------------ life

    def stop(self) -> None:
        """No new jobs; running processes get the grace period, then are killed."""
        if self._stop.is_set():
            return
        self._stop.set()
        log.info("stopping: no new jobs; running crawls get %.0fs", self.options.stop_grace)
        self.scheduler.pause()
        self.runner.stop_all(self.options.stop_grace)
        self.scheduler.shutdown(wait=True)
        self._write_final()
        log.info("daemon stopped")

    def _write_final(self) -> None:
        def change(state: DaemonState) -> None:
            state.stopped_at = datetime.now(UTC)
            state.waiting = []

        self.state.update(change)

    def serve(self) -> int:
        """Run until SIGTERM/SIGINT; SIGHUP reloads. Returns the exit status."""

        def on_stop(signum: int, _frame: FrameType | None) -> None:
            log.info("received %s", signal.Signals(signum).name)
            self._stop_requested = True
            self._wake.set()

        def on_hup(_signum: int, _frame: FrameType | None) -> None:
            self._reload.set()
            self._wake.set()

        self._stop_requested = False
        self._wake = threading.Event()
        signal.signal(signal.SIGTERM, on_stop)
        signal.signal(signal.SIGINT, on_stop)
        signal.signal(signal.SIGHUP, on_hup)
        self.start()
        while not self._stop_requested:
            self._wake.wait(1.0)
            self._wake.clear()
            if self._reload.is_set():
                self._reload.clear()
                log.info("received SIGHUP: reloading schedules")
                self.reload()
        self.stop()
        return 0
