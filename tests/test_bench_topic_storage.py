"""bench/topic_storage.py runs at a tiny size, checks what it stored and prints its figures."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_topic_storage_bench_runs_small() -> None:
    result = subprocess.run(
        [sys.executable, "bench/topic_storage.py", "--days", "2", "--entries", "10"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.strip().splitlines()[-1]
    match = re.fullmatch(
        r"rows/baseline hot=([\d.]+) daily=([\d.]+) write_ms first=[\d.]+ last=[\d.]+ "
        r"ratio=[\d.]+",
        last,
    )
    assert match, last
    hot, daily = map(float, match.groups())
    assert hot == 1.0 and daily < 0.2  # every hot entry moves; the daily list barely does
