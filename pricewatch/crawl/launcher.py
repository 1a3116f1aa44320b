"""The launcher: one ``scrapy crawl`` subprocess per job, as scrapyd runs them.

Twisted's reactor cannot restart in-process and a browser must not leak into whatever schedules
crawls, so the daemon (and anything else that runs crawls repeatedly) starts each one as its own
process. A job names one spider, its ``-s`` settings and ``-a`` arguments, and a timeout:

1. the launcher opens the job's ``crawl_run`` row first, so even a process that never starts
   has its outcome recorded, and hands its id to the child (``-s PRICEWATCH_RUN_ID``), whose
   store pipeline takes the run over;
2. the child's stdout and stderr go to a log file per job (``<log_dir>/<spider>-<run id>.log``);
3. past the timeout the child gets SIGTERM (Scrapy closes the crawl cleanly), then SIGKILL after
   a grace period;
4. the exit status, the log file and, when the child could not close its run itself (timed
   out, killed, crashed), the final status and the log's last line are recorded on the run.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pricewatch.crawl.supervision import reap_stale_runs
from pricewatch.db.store import RunInfo, Store

#: Seconds between SIGTERM and SIGKILL for a crawl past its timeout (or being stopped).
DEFAULT_GRACE_S = 15.0


@dataclass(frozen=True)
class CrawlJob:
    """One crawl of one spider, as a subprocess."""

    spider: str
    #: ``-s NAME=VALUE`` settings; non-string values are passed as JSON (dicts, lists, numbers).
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: ``-a name=value`` spider arguments (``base_url``, ``urls``).
    args: Mapping[str, str] = field(default_factory=dict)
    #: Seconds the crawl may run before it is terminated; ``None``: no limit.
    timeout: float | None = None
    #: Seconds between SIGTERM and SIGKILL.
    grace: float = DEFAULT_GRACE_S


@dataclass(frozen=True)
class JobResult:
    """How a launched crawl ended (the ``crawl_run`` row as recorded)."""

    run: RunInfo
    exit_code: int | None
    log_file: Path
    timed_out: bool

    @property
    def ok(self) -> bool:
        return self.run.status == "finished" and self.exit_code == 0


def _setting_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def crawl_command(job: CrawlJob, run_id: int, db_url: str | None) -> list[str]:
    """The child's command line: ``python -m scrapy crawl SPIDER -s ... -a ...``."""
    settings = {**job.settings, "PRICEWATCH_RUN_ID": run_id}
    if db_url and "PRICEWATCH_DB_URL" not in settings:
        settings["PRICEWATCH_DB_URL"] = db_url
    cmd = [sys.executable, "-m", "scrapy", "crawl", job.spider]
    for name, value in settings.items():
        cmd += ["-s", f"{name}={_setting_value(value)}"]
    for name, value in job.args.items():
        cmd += ["-a", f"{name}={value}"]
    return cmd


def _last_line(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            fh.seek(max(0, path.stat().st_size - 8192))
            lines = [ln.strip() for ln in fh.read().decode("utf-8", "replace").splitlines()]
    except OSError:
        return None
    lines = [ln for ln in lines if ln]
    return lines[-1][:500] if lines else None


def terminate(process: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM, then SIGKILL if ``process`` is still there after ``grace`` seconds."""
    if process.poll() is not None:
        return
    try:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    except ProcessLookupError:
        pass  # it ended between the poll and the signal


class RunningJob:
    """A started crawl process; :meth:`wait` (or :meth:`poll`) records its outcome once."""

    def __init__(
        self,
        store: Store,
        job: CrawlJob,
        run_id: int,
        process: subprocess.Popen[bytes],
        log_file: Path,
        log: IO[bytes],
    ) -> None:
        self.store, self.job, self.run_id = store, job, run_id
        self.process, self.log_file, self._log = process, log_file, log
        self.started = time.monotonic()
        self.deadline = self.started + job.timeout if job.timeout is not None else None
        self.timed_out = False
        self.result: JobResult | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def poll(self) -> JobResult | None:
        """The result if the process ended (terminating it past its deadline), else None."""
        if self.result is not None:
            return self.result
        if self.process.poll() is None:
            if self.deadline is None or time.monotonic() < self.deadline:
                return None
            self.timed_out = True
            self.stop()
        return self._finish()

    def wait(self) -> JobResult:
        """Block until the process ends (terminating it past its deadline)."""
        while (result := self.poll()) is None:
            remaining = None if self.deadline is None else self.deadline - time.monotonic()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=None if remaining is None else max(remaining, 0.01))
        return result

    def stop(self, grace: float | None = None) -> None:
        """SIGTERM, then SIGKILL if the process is still there after ``grace`` seconds."""
        terminate(self.process, self.job.grace if grace is None else grace)

    def _finish(self) -> JobResult:
        code = self.process.wait()
        self._log.close()
        status: str | None = None
        error: str | None = None
        if self.timed_out:
            status, error = "timed_out", f"timed out after {self.job.timeout:g}s; stopped"
        elif code < 0:
            status = "killed"
            error = f"crawl process killed by {signal.Signals(-code).name}"
        elif code != 0:
            status = "failed"
            error = _last_line(self.log_file) or f"crawl process exited with status {code}"
        else:
            status, error = "failed", "crawl process exited without closing its run"
        run = self.store.record_outcome(
            self.run_id,
            exit_code=code,
            log_file=str(self.log_file),
            status=status,
            error=error,
            force=self.timed_out,
        )
        self.result = JobResult(
            run=run, exit_code=code, log_file=self.log_file, timed_out=self.timed_out
        )
        return self.result


class Launcher:
    """Starts crawl jobs as subprocesses and records their outcome in ``store``."""

    def __init__(self, store: Store, *, log_dir: Path, db_url: str | None = None) -> None:
        self.store = store
        self.log_dir = log_dir
        self.db_url = db_url

    def start(self, job: CrawlJob) -> RunningJob:
        """Open the job's run, start its process and return at once."""
        reap_stale_runs(self.store)
        run_id = self.store.start_run(job.spider)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_file = self.log_dir / f"{job.spider}-{run_id}.log"
        log = log_file.open("ab")
        # Only the child's environment names the settings module: scrapy finds pricewatch's
        # settings wherever the launcher runs, and this process's environment stays as it is.
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "pricewatch.settings"}
        try:
            process = subprocess.Popen(
                crawl_command(job, run_id, self.db_url),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        except OSError as exc:
            log.close()
            self.store.record_outcome(
                run_id,
                exit_code=None,
                log_file=str(log_file),
                status="failed",
                error=f"cannot start the crawl process: {exc}",
            )
            raise
        self.store.claim_run(run_id, pid=process.pid)
        return RunningJob(self.store, job, run_id, process, log_file, log)

    def run(self, job: CrawlJob) -> JobResult:
        """Start ``job`` and wait for it."""
        return self.start(job).wait()
