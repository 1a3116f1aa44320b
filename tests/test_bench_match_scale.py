"""Smoke test of ``bench/match_scale.py``: it runs at a tiny size and its figures add up."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "match_scale.py"


def test_match_scale_runs_and_finds_the_products() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH), "--products", "40", "--per-product", "3"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("small: 4 products x 3 listings")
    assert lines[1].startswith("large: 40 products x 3 listings")
    last = re.fullmatch(
        r"match s_small=([\d.]+) s_large=([\d.]+) growth=([\d.]+) cpu_growth=([\d.]+) "
        r"precision=([\d.]+) recall=([\d.]+)",
        lines[-1],
    )
    assert last, lines[-1]
    precision, recall = float(last.group(5)), float(last.group(6))
    # The generated near misses (another model number or size) must not be suggested.
    assert precision >= 0.95 and recall >= 0.95, lines
