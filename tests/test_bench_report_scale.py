"""``bench/report_scale.py`` at a tiny size: it builds, checks and times, and its check catches
a report that lost products, competitors or changes."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_report_scale_runs_and_prints_the_summary_line() -> None:
    proc = subprocess.run(
        [sys.executable, str(BENCH / "report_scale.py"), "--products", "40", "--days", "12"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("small: 4 products x 5 competitors x 12 days")
    assert lines[1].startswith("large: 40 products x 5 competitors x 12 days")
    assert re.fullmatch(r"report s_small=\d+\.\d\d s_large=\d+\.\d\d growth=\d+\.\d\d", lines[-1])


def test_report_scale_check_catches_a_wrong_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    bench = importlib.import_module("report_scale")
    built = {"products": 10, "competitors": 5, "changes": 7, "observations": 80}
    right = {"products": 10, "competitors": [5], "changes": 7}
    assert bench.check(right, built) == []
    assert bench.check({**right, "products": 9}, built) == ["9 products in the report, 10 built"]
    assert bench.check({**right, "competitors": [4, 5]}, built)
    assert bench.check({**right, "changes": 6}, built) == ["6 changes in the report, 7 built"]
