"""The daemon's own state, kept in one JSON file so it survives restarts.

``<state dir>/daemon.json`` holds the daemon's pid, host, start time and heartbeat, and per job
its next run time and its last run (start, end, outcome, duration, detail). Crawl outcomes are
also on their ``crawl_run`` rows in the database; this file is what lets a restarted daemon
neither lose nor repeat a run, and lets ``pricewatch status`` tell a running daemon from a dead
or stuck one. Writes are atomic (a temporary file renamed over the old one), so a daemon killed
mid-write leaves the previous state, never a torn file.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STATE_FILE = "daemon.json"


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


@dataclass
class JobState:
    next_run_at: datetime | None = None
    last_started_at: datetime | None = None
    last_finished_at: datetime | None = None
    #: ``ok``, ``failed``, ``timed_out``, ``killed``, ``interrupted``, ``missed``, ``skipped``.
    last_outcome: str | None = None
    last_duration_s: float | None = None
    last_detail: str | None = None
    runs: int = 0

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("next_run_at", "last_started_at", "last_finished_at"):
            data[key] = _iso(getattr(self, key))
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobState:
        return cls(
            next_run_at=_dt(data.get("next_run_at")),
            last_started_at=_dt(data.get("last_started_at")),
            last_finished_at=_dt(data.get("last_finished_at")),
            last_outcome=data.get("last_outcome"),
            last_duration_s=data.get("last_duration_s"),
            last_detail=data.get("last_detail"),
            runs=int(data.get("runs") or 0),
        )


@dataclass
class DaemonState:
    pid: int | None = None
    hostname: str | None = None
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    stopped_at: datetime | None = None
    schedules: str | None = None
    jobs: dict[str, JobState] = field(default_factory=dict)
    #: Jobs waiting for a free crawl process slot right now.
    waiting: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "pid": self.pid,
            "hostname": self.hostname,
            "started_at": _iso(self.started_at),
            "heartbeat_at": _iso(self.heartbeat_at),
            "stopped_at": _iso(self.stopped_at),
            "schedules": self.schedules,
            "jobs": {name: job.as_json() for name, job in sorted(self.jobs.items())},
            "waiting": list(self.waiting),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DaemonState:
        return cls(
            pid=data.get("pid"),
            hostname=data.get("hostname"),
            started_at=_dt(data.get("started_at")),
            heartbeat_at=_dt(data.get("heartbeat_at")),
            stopped_at=_dt(data.get("stopped_at")),
            schedules=data.get("schedules"),
            jobs={k: JobState.from_json(v) for k, v in (data.get("jobs") or {}).items()},
            waiting=list(data.get("waiting") or []),
        )


class StateFile:
    """Thread-safe access to ``daemon.json``: read once, change in memory, write atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / STATE_FILE
        self._lock = threading.RLock()
        self.state = self.read(directory)

    @classmethod
    def read(cls, directory: Path) -> DaemonState:
        """The state in ``directory`` (empty if there is none yet)."""
        path = directory / STATE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return DaemonState()
        except (OSError, ValueError) as exc:
            raise OSError(f"{path}: unreadable daemon state ({exc})") from exc
        return DaemonState.from_json(data)

    def job(self, name: str) -> JobState:
        with self._lock:
            return self.state.jobs.setdefault(name, JobState())

    def update(self, fn: Any = None) -> None:
        """Apply ``fn(state)`` (if given) and write the file."""
        with self._lock:
            if fn is not None:
                fn(self.state)
            self._write()

    def claim(self, schedules: str) -> None:
        """This process is the daemon now (pid, host, start time, a fresh heartbeat)."""
        now = datetime.now(UTC)

        def mark(state: DaemonState) -> None:
            state.pid, state.hostname = os.getpid(), socket.gethostname()
            state.started_at, state.heartbeat_at, state.stopped_at = now, now, None
            state.schedules, state.waiting = schedules, []

        self.update(mark)

    def _write(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        data = json.dumps(self.state.as_json(), indent=2, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".daemon.", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
