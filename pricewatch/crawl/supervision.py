"""Run supervision: which crawl runs still have a live process, and opening runs safely.

A crawl process that is killed outright (SIGKILL, the OOM killer, a power cut) cannot close
its ``crawl_run``; the next crawl on the same host finds it ``running`` with a dead pid and
marks it ``killed`` (:func:`open_run` does this before it opens a new run). Liveness is a
question for the operating system, not for storage: :class:`pricewatch.db.Store` takes the
check as a function.
"""

from __future__ import annotations

import os
from datetime import datetime

from pricewatch.db.store import Store

#: How much later than its run a process may seem to have started and still own the run.
PID_REUSE_SLACK_S = 30.0


def process_alive(pid: int, started_at: datetime) -> bool:
    """Whether ``pid`` is still the live process that started a run at ``started_at``."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, but belongs to another user
    info = linux_process_info(pid)
    if info is None:
        return True  # not Linux (or /proc unreadable): trust kill(0)
    state, process_start = info
    if state in ("Z", "X"):
        return False  # zombie: dead, its parent just has not reaped it yet
    # A process that started after the run did cannot be the run's process: the pid was
    # reused. The slack covers the coarse boot time and small wall-clock corrections (the
    # kernel derives btime from the current clock). Should a big clock step still make a live
    # run look dead, its next finish_run sets the real status again.
    return process_start <= started_at.timestamp() + PID_REUSE_SLACK_S


def linux_process_info(pid: int) -> tuple[str, float] | None:
    """(state, start time as a Unix timestamp) of ``pid`` from /proc, or None."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            stat = fh.read()
        with open("/proc/stat") as fh:
            boot = next(int(line.split()[1]) for line in fh if line.startswith("btime "))
    except (OSError, StopIteration, ValueError):
        return None
    # The command name (field 2) may contain spaces and parentheses: split after the last ")".
    fields = stat[stat.rindex(")") + 2 :].split()
    state, start_ticks = fields[0], int(fields[19])
    return state, boot + start_ticks / os.sysconf("SC_CLK_TCK")


def reap_stale_runs(store: Store) -> list[int]:
    """Mark ``killed`` this host's runs whose process is gone; returns their ids."""
    return store.reap_stale_runs(process_alive)


def open_run(store: Store, spider: str) -> int:
    """Reap dead runs, then record a new ``running`` crawl of ``spider`` by this process."""
    reap_stale_runs(store)
    return store.start_run(spider)
