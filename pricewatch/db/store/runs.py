"""Crawl runs: their lifecycle, heartbeat, failures and the outcome of launched jobs.

A run is ``running`` from :meth:`RunStore.start_run` until :meth:`RunStore.finish_run`; a
process that dies in between cannot close it, so :meth:`RunStore.reap_stale_runs` closes the
runs whose process is gone. Whether a process is alive is not storage's business: the caller
passes the check (``pricewatch.crawl.supervision`` has the real one).
"""

from __future__ import annotations

import logging
import math
import os
import socket
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from pricewatch.db.models import RUN_STATUSES, CrawlFailure, CrawlRun
from pricewatch.db.store._base import StoreBase
from pricewatch.db.store.results import RunInfo, run_info
from pricewatch.records import FailureRecord, utcnow

log = logging.getLogger(__name__)

#: ``is_alive(pid, started_at)``: whether the process that started a run still runs it.
AliveCheck = Callable[[int, datetime], bool]


def json_safe(value: Any) -> Any:
    """``value`` converted to something ``json.dumps`` accepts (for Scrapy's stats dump).

    datetimes become ISO 8601 strings, timedeltas seconds, Decimals strings, sets lists,
    non-finite floats and unknown objects their ``str()``.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((json_safe(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return str(value)


def _get_run(session: Session, run_id: int) -> CrawlRun:
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise LookupError(f"no crawl run {run_id}")
    return run


class RunStore(StoreBase):
    def start_run(self, spider: str, *, pid: int | None = None, hostname: str | None = None) -> int:
        """Record a new ``running`` crawl of ``spider``; returns its id.

        The run belongs to ``pid`` on ``hostname`` (default: this process on this host), which
        is how :meth:`reap_stale_runs` later tells a live run from a dead one.
        """
        now = utcnow()
        with self._write_session() as session, session.begin():
            run = CrawlRun(
                spider=spider,
                status="running",
                started_at=now,
                heartbeat_at=now,
                pid=os.getpid() if pid is None else pid,
                hostname=hostname or socket.gethostname(),
            )
            session.add(run)
            session.flush()
            return run.id

    def claim_run(self, run_id: int, *, pid: int | None = None) -> None:
        """A launched crawl process takes over the run its launcher opened for it."""
        with self._write_session() as session, session.begin():
            run = _get_run(session, run_id)
            if run.status != "running":
                raise ValueError(f"crawl run {run_id} is {run.status}, not running")
            run.pid = os.getpid() if pid is None else pid
            run.hostname = socket.gethostname()
            run.heartbeat_at = utcnow()

    def heartbeat(self, run_id: int) -> None:
        """Show that the run's process is alive and working (written on a timer by crawls)."""
        with self._write_session() as session, session.begin():
            session.execute(
                update(CrawlRun)
                .where(CrawlRun.id == run_id)
                .values(heartbeat_at=utcnow())
                .execution_options(synchronize_session=False)
            )

    def finish_run(
        self,
        run_id: int,
        *,
        status: str,
        stats: Mapping[str, Any] | None,
        error: str | None = None,
    ) -> RunInfo:
        """Close a run: status, finish time, duration, failure counts by reason, stats.

        ``status`` is one of ``finished``, ``interrupted``, ``failed`` (``killed`` is for
        :meth:`reap_stale_runs`). ``stats`` is Scrapy's stats dict; it is made JSON-safe.
        """
        if status not in RUN_STATUSES or status == "running":
            raise ValueError(f"invalid final run status {status!r}")
        now = utcnow()
        with self._write_session() as session, session.begin():
            run = _get_run(session, run_id)
            self._close_run(session, run, status=status, finished_at=now)
            run.stats = json_safe(dict(stats)) if stats is not None else None
            run.error = error
            run.heartbeat_at = now
            session.flush()
            return run_info(run)

    @staticmethod
    def _close_run(session: Session, run: CrawlRun, *, status: str, finished_at: datetime) -> None:
        by_reason = {
            reason: count
            for reason, count in session.execute(
                select(CrawlFailure.reason, func.count())
                .where(CrawlFailure.run_id == run.id)
                .group_by(CrawlFailure.reason)
                .order_by(CrawlFailure.reason)
            )
        }
        run.status = status
        run.finished_at = finished_at
        run.duration_s = max(0.0, (finished_at - run.started_at).total_seconds())
        run.failures = sum(by_reason.values())
        run.failures_by_reason = by_reason

    def record_outcome(
        self,
        run_id: int,
        *,
        exit_code: int | None,
        log_file: str | None,
        status: str | None = None,
        error: str | None = None,
        force: bool = False,
    ) -> RunInfo:
        """What a launcher saw of a crawl process: its exit code and log file.

        ``status``/``error`` close a run its process left ``running`` (it crashed, was killed,
        never started); with ``force`` they replace the status the process wrote itself (a
        crawl stopped for running past its timeout closes as ``interrupted`` but *timed out*).
        """
        if status is not None and (status not in RUN_STATUSES or status == "running"):
            raise ValueError(f"invalid final run status {status!r}")
        now = utcnow()
        with self._write_session() as session, session.begin():
            run = _get_run(session, run_id)
            run.exit_code = exit_code
            run.log_file = log_file
            if status is not None and run.status == "running":
                self._close_run(session, run, status=status, finished_at=now)
                run.error = error
            elif status is not None and force:
                run.status, run.error = status, error
            session.flush()
            return run_info(run)

    def reap_stale_runs(self, is_alive: AliveCheck) -> list[int]:
        """Mark ``killed`` the runs of this host still ``running`` whose process is gone.

        A process killed with SIGKILL (or by the OOM killer) cannot close its run. Runs are
        matched by hostname and pid and ``is_alive(pid, started_at)`` decides. Runs of other
        hosts are left alone: their pids mean nothing here. The finish time of a killed run is
        its last heartbeat. Returns the ids.
        """
        host = socket.gethostname()
        reaped: list[int] = []
        with self._write_session() as session, session.begin():
            running = session.scalars(
                select(CrawlRun).where(CrawlRun.status == "running", CrawlRun.hostname == host)
            ).all()
            for run in running:
                if run.pid is None or is_alive(run.pid, run.started_at):
                    continue
                finished_at = run.heartbeat_at or run.started_at
                self._close_run(session, run, status="killed", finished_at=finished_at)
                run.error = (
                    f"process {run.pid} on {host} ended without finishing the run "
                    "(killed or crashed); marked killed"
                )
                reaped.append(run.id)
        for run_id in reaped:
            log.warning("crawl run %s: its process is gone, marked killed", run_id)
        return reaped

    def record_failure(
        self,
        run_id: int,
        url: str,
        reason: str,
        detail: str | None = None,
        *,
        at: datetime | None = None,
    ) -> None:
        """Record a page that produced no observation (``reason`` is a short code)."""
        self.record_failures(run_id, [(url, reason, detail)], at=at)

    def record_failures(
        self,
        run_id: int,
        failures: Iterable[tuple[str, str, str | None] | FailureRecord],
        *,
        at: datetime | None = None,
    ) -> int:
        """Bulk :meth:`record_failure`: records or ``(url, reason, detail)`` tuples, one
        transaction."""
        when = at or utcnow()
        rows = []
        for failure in failures:
            if isinstance(failure, FailureRecord):
                url, reason, detail, seen = failure.url, failure.reason, failure.detail, failure.at
            else:
                (url, reason, detail), seen = failure, when
            rows.append(
                {"run_id": run_id, "url": url, "reason": reason, "detail": detail, "at": at or seen}
            )
        if rows:
            with self._write_session() as session, session.begin():
                session.execute(insert(CrawlFailure), rows)
        return len(rows)

    def runs(
        self,
        limit: int = 20,
        *,
        spider: str | None = None,
        status: str | None = None,
        before: int | None = None,
    ) -> list[RunInfo]:
        """The latest ``limit`` crawl runs, newest first: of ``spider`` only, with ``status``
        only, older than run ``before`` only, when given."""
        query = select(CrawlRun)
        if spider is not None:
            query = query.where(CrawlRun.spider == spider)
        if status is not None:
            query = query.where(CrawlRun.status == status)
        if before is not None:
            query = query.where(CrawlRun.id < before)
        with self._read_session() as session:
            rows = session.scalars(query.order_by(CrawlRun.id.desc()).limit(limit))
            return [run_info(run) for run in rows]

    def latest_runs(self) -> dict[str, tuple[RunInfo, RunInfo | None]]:
        """Per spider: its latest run and its latest ``finished`` run (for health checks)."""
        latest = select(func.max(CrawlRun.id)).group_by(CrawlRun.spider)
        finished = (
            select(func.max(CrawlRun.id))
            .where(CrawlRun.status == "finished")
            .group_by(CrawlRun.spider)
        )
        with self._read_session() as session:
            last = {
                r.spider: run_info(r)
                for r in session.scalars(select(CrawlRun).where(CrawlRun.id.in_(latest)))
            }
            ok = {
                r.spider: run_info(r)
                for r in session.scalars(select(CrawlRun).where(CrawlRun.id.in_(finished)))
            }
        return {spider: (run, ok.get(spider)) for spider, run in last.items()}

    def run(self, run_id: int) -> RunInfo | None:
        """One crawl run, or None."""
        with self._read_session() as session:
            run = session.get(CrawlRun, run_id)
            return run_info(run) if run is not None else None
