"""The demo's report step (:func:`pricewatch.reports.demo.write_demo_report`) on rows this test
inserts: HTML, Excel and PDF written under reports/out/, their paths printed, the report
recorded; without a working Chromium the PDF is left out with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest
import reportdata
from reportdata import days_ago

from pricewatch.config import get_config
from pricewatch.db import Store
from pricewatch.reports.demo import write_demo_report


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.browser
def test_demo_report_step(
    store: Store,
    in_tmp: Path,
    chromium: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PRICEWATCH_CHROMIUM", chromium)
    get_config.cache_clear()
    reportdata.seed(store)
    written = write_demo_report(store, "acme", since=days_ago(3.5))
    out = capsys.readouterr().out
    assert "== the report for acme" in out
    assert (
        "4 products, 3 with competitors, cheapest on 1, 2 undercut, 2 below MAP, 3 changes; "
        "0 trending topics about its catalogue, 0 stories on several platforms:" in out
    )
    assert [p.suffix for p in written.files] == [".html", ".xlsx", ".pdf"]
    for path in written.files:
        assert f"  {path}" in out and (in_tmp / path).stat().st_size > 1000
        assert path.parts[:3] == ("reports", "out", "acme")
    assert (in_tmp / written.files[2]).read_bytes().startswith(b"%PDF-")
    [report] = store.reports()
    assert report.formats == ("html", "xlsx", "pdf") and report.status == "written"


def test_demo_report_without_chromium_skips_the_pdf(
    store: Store, in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRICEWATCH_CHROMIUM", str(in_tmp / "no-chromium"))
    get_config.cache_clear()
    reportdata.seed(store)
    written = write_demo_report(store, "acme", since=days_ago(3.5))
    captured = capsys.readouterr()
    assert "warning: cannot print the PDF with Chromium" in captured.err
    assert [p.suffix for p in written.files] == [".html", ".xlsx"]
    assert not list(in_tmp.rglob("*.pdf")) and not list(in_tmp.rglob(".*.tmp"))
    assert [r.formats for r in store.reports()] == [("html", "xlsx")]
