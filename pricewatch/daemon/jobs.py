"""Running one scheduled job: every crawl and topic capture as its own supervised subprocess.

A crawl job starts one ``scrapy crawl SHOP`` process per shop through the launcher
(:mod:`pricewatch.crawl.launcher`: a log file per process, the job's timeout, the outcome on
the ``crawl_run``); a topics job does the same per source; a report job runs
``pricewatch report CLIENT`` as a process with the job's timeout. Crawl and topic processes
share one global cap (:class:`ProcessSlots`, default the CPU count): the rest wait in a queue
that ``pricewatch status`` and the metrics show.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pricewatch.crawl.launcher import CrawlJob, JobResult, Launcher, RunningJob, terminate
from pricewatch.crawl.reasons import failures_by_reason
from pricewatch.daemon.schedules import JobSpec

log = logging.getLogger("pricewatch.daemon")

#: Worst first: the outcome a job with several processes reports.
OUTCOME_ORDER = ("failed", "killed", "timed_out", "interrupted", "ok")


class ProcessSlots:
    """A global cap on concurrent crawl processes; waiting jobs are counted by name."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._free = threading.Semaphore(self.size)
        self._lock = threading.Lock()
        self.waiting: list[str] = []
        self.running = 0

    def acquire(self, who: str, stop: threading.Event) -> bool:
        with self._lock:
            self.waiting.append(who)
        try:
            while not stop.is_set():
                if self._free.acquire(timeout=0.2):
                    with self._lock:
                        self.running += 1
                    return True
            return False
        finally:
            with self._lock:
                self.waiting.remove(who)

    def release(self) -> None:
        with self._lock:
            self.running -= 1
        self._free.release()


@dataclass
class JobOutcome:
    """What one run of a scheduled job did."""

    outcome: str
    detail: str = ""
    run_ids: list[int] = field(default_factory=list)
    results: list[JobResult] = field(default_factory=list)


def outcome_of(result: JobResult) -> str:
    if result.timed_out:
        return "timed_out"
    status = result.run.status
    if status == "finished" and result.exit_code == 0:
        return "ok"
    return {"killed": "killed", "interrupted": "interrupted"}.get(status, "failed")


def capture_failures(result: JobResult) -> list[str]:
    """Failure reasons of a topic source's run (``blocked``, ``empty``...): the crawl process
    finished, but the hot list was not captured and nothing was stored."""
    return sorted(r for r, n in failures_by_reason(result.run.stats or {}).items() if n)


def worst(outcomes: Sequence[str]) -> str:
    return min(outcomes, key=OUTCOME_ORDER.index) if outcomes else "ok"


class JobRunner:
    """Executes :class:`JobSpec` runs; :meth:`stop_all` ends every running process."""

    def __init__(
        self,
        launcher: Launcher,
        slots: ProcessSlots,
        *,
        shops: Callable[[], Sequence[str]],
        log_dir: Path,
        stop_grace: float,
    ) -> None:
        self.launcher, self.slots = launcher, slots
        self.shops, self.log_dir, self.stop_grace = shops, log_dir, stop_grace
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._running: set[RunningJob] = set()
        self._commands: set[subprocess.Popen[bytes]] = set()

    # ------------------------------------------------------------------ kinds

    def run(self, spec: JobSpec) -> JobOutcome:
        if spec.kind == "report":
            return self._report(spec)
        targets = list(self.shops()) if spec.targets == ("all",) else list(spec.targets)
        outcomes: list[JobOutcome] = []
        threads = [
            threading.Thread(
                target=lambda t=t: outcomes.append(self._spider(spec, t)),
                name=f"job-{spec.name}-{t}",
            )
            for t in targets
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        merged = JobOutcome(worst([o.outcome for o in outcomes]))
        for o in outcomes:
            merged.run_ids += o.run_ids
            merged.results += o.results
        merged.detail = "; ".join(o.detail for o in outcomes if o.detail)
        return merged

    def _spider(self, spec: JobSpec, spider: str) -> JobOutcome:
        who = f"{spec.name}:{spider}"
        if not self.slots.acquire(who, self.stopping):
            return JobOutcome("interrupted", f"{spider}: not started (daemon stopping)")
        try:
            job = CrawlJob(
                spider,
                settings=dict(spec.settings),
                args=dict(spec.args),
                timeout=spec.timeout.total_seconds() if spec.timeout else None,
                grace=self.stop_grace,
            )
            running = self.launcher.start(job)
            with self._lock:
                self._running.add(running)
            try:
                result = running.wait()
            finally:
                with self._lock:
                    self._running.discard(running)
        except Exception as exc:  # the launcher records what it can; the daemon keeps going
            log.exception("job %s: %s could not run", spec.name, spider)
            return JobOutcome("failed", f"{spider}: {type(exc).__name__}: {exc}")
        finally:
            self.slots.release()
        outcome = outcome_of(result)
        detail = "" if outcome == "ok" else f"{spider}: {result.run.error or outcome}"
        if outcome == "ok" and spec.kind == "topics":
            broke = capture_failures(result)
            if broke:
                outcome, detail = "failed", f"{spider}: capture failed ({', '.join(broke)})"
        return JobOutcome(outcome, detail, [result.run.id], [result])

    def _report(self, spec: JobSpec) -> JobOutcome:
        (client,) = spec.targets
        cmd = [sys.executable, "-m", "pricewatch", "report", client]
        if spec.since:
            cmd += ["--since", spec.since]
        if spec.formats:
            cmd += ["--format", ",".join(spec.formats)]
        if spec.send:
            cmd.append("--send")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        log_file = self.log_dir / f"report-{client}-{stamp}.log"
        timeout = spec.timeout.total_seconds() if spec.timeout else None
        code, timed_out = self._command(cmd, log_file, timeout)
        if timed_out:
            return JobOutcome("timed_out", f"report {client} timed out after {timeout:g}s")
        if code != 0:
            return JobOutcome("failed", f"report {client} exited with status {code} ({log_file})")
        return JobOutcome("ok")

    def _command(self, cmd: list[str], log_file: Path, timeout: float | None) -> tuple[int, bool]:
        with log_file.open("ab") as out:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
            with self._lock:
                self._commands.add(proc)
            try:
                deadline = time.monotonic() + timeout if timeout else None
                while proc.poll() is None:
                    if deadline is not None and time.monotonic() >= deadline:
                        terminate(proc, self.stop_grace)
                        return proc.wait(), True
                    time.sleep(0.2)
                return proc.returncode, False
            finally:
                with self._lock:
                    self._commands.discard(proc)

    # ------------------------------------------------------------------ stopping

    def stop_all(self, grace: float) -> None:
        """SIGTERM every running job process, SIGKILL those still there after ``grace``."""
        self.stopping.set()
        with self._lock:
            crawls, commands = list(self._running), list(self._commands)
        threads = [threading.Thread(target=job.stop, args=(grace,)) for job in crawls]
        threads += [threading.Thread(target=terminate, args=(p, grace)) for p in commands]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
