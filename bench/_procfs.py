"""Process trees from Linux ``/proc``, for the benchmarks that measure what a crawl started.

``crawl_throughput.py`` reads the RSS of the helper processes a crawl started (Playwright's
node driver); ``render_throughput.py`` adds up the CPU time of a worker's whole tree (Python,
the driver, every Chromium process). Both find those processes here.
"""

from __future__ import annotations

import os
from pathlib import Path


def process_table() -> dict[int, list[str]]:
    """``{pid: the fields of /proc/<pid>/stat after "(comm)"}`` of every live process.

    The fields start at ``state`` (index 0), so ``ppid`` is index 1 and ``utime``, ``stime``,
    ``cutime``, ``cstime`` are 11 to 14. Raises ``OSError`` where there is no ``/proc``.
    """
    table: dict[int, list[str]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # exited meanwhile
            continue
        # "pid (comm) state ppid ...": comm may contain spaces, so split after the last ")".
        table[int(entry.name)] = stat.rpartition(")")[2].split()
    return table


def descendant_pids(root: int, table: dict[int, list[str]]) -> list[int]:
    """The pids of ``root``'s children, their children and so on, in ``table``."""
    children: dict[int, list[int]] = {}
    for pid, fields in table.items():
        children.setdefault(int(fields[1]), []).append(pid)
    found: list[int] = []
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found
