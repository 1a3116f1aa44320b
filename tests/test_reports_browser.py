"""The HTML report in real headless Chromium: no console error, no dialog (the XSS title stays
text), CJK glyphs from a real CJK font, readable on a phone, printable to an A4 PDF
whose pages are numbered (read back with pypdf).

Screenshots go to ``build/screenshots/`` (git-ignored): ``report-zh-CN.png`` (the first
screen on a desktop), ``report-zh-CN-full.png`` (the whole page) and
``report-zh-CN-phone.png``. The README's ``docs/report-zh-CN.png`` is the demo client's report
instead, written by ``scripts/readme-screenshot.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import reportdata
from reportdata import PERIOD

from pricewatch.crawl.addon import launch_options
from pricewatch.db import Store
from pricewatch.reports.context import ReportContext
from pricewatch.reports.render.html import render_html
from pricewatch.reports.render.pdf import PdfError, write_pdf
from pricewatch.reports.writer import load_context

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReportContext]:
    db = tmp_path_factory.mktemp("browser") / "pw.db"
    with Store.from_url(f"sqlite:///{db}") as store:
        reportdata.seed(store)
        reportdata.seed_topics(store)  # a topic title is an XSS attempt too
        yield load_context(store, "acme", PERIOD)


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options(chromium))
        yield browser
        browser.close()


def _open(browser: Any, html: str, path: Path, **page_options: Any) -> tuple[Any, list[str]]:
    """The report loaded from a file as a user opens it; problems collected in a list."""
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(**page_options)
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith(("file:", "data:")) else problems.append(f"request: {r.url}")
        ),
    )
    page.goto(path.as_uri(), wait_until="load")
    return page, problems


def test_report_loads_cleanly_with_real_cjk_glyphs(
    browser: Any, context: ReportContext, tmp_path: Path
) -> None:
    page, problems = _open(
        browser,
        render_html(context),
        tmp_path / "report.html",
        viewport={"width": 1100, "height": 900},
    )
    assert problems == []
    # The XSS title is text, not an element.
    assert page.locator("img").count() == 0
    assert "<img src=x onerror=alert(1)>" in page.locator("body").inner_text()
    assert "-<img src=x onerror=alert(1)>马克杯 测评" in page.locator("body").inner_text()
    # Chromium's own account of the fonts it drew the heading with: a CJK face, all glyphs.
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    heading = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": heading})["fonts"]
    cjk = [f for f in fonts if re.search(r"CJK|SC|Hei|Song|Ming", f["familyName"])]
    assert cjk and sum(f["glyphCount"] for f in cjk) >= 6, fonts
    assert page.locator("svg.chart").count() == 3 and page.locator("svg.spark").count() == 3
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "report-zh-CN.png"  # the first screen, as the README shows it
    page.screenshot(path=str(shot), clip={"x": 0, "y": 0, "width": 1100, "height": 1500})
    page.screenshot(path=str(SCREENSHOTS / "report-zh-CN-full.png"), full_page=True)
    assert shot.stat().st_size > 50_000
    page.close()


def test_report_fits_a_phone_screen(browser: Any, context: ReportContext, tmp_path: Path) -> None:
    page, problems = _open(
        browser,
        render_html(context),
        tmp_path / "report.html",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    assert problems == []
    # The page itself never scrolls sideways; wide tables scroll inside their own box.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    headline = page.locator(".cards").bounding_box()
    assert headline is not None and headline["width"] <= 390
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report-zh-CN-phone.png"))
    page.close()


def test_pdf_is_a4_with_several_pages(
    chromium: str, context: ReportContext, tmp_path: Path
) -> None:
    path = write_pdf(render_html(context), tmp_path / "report.pdf", chromium=chromium)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert len(boxes) >= 2  # the report runs over more than one page
    assert all(abs(float(w) - 595.92) < 1 and abs(float(h) - 842.88) < 1 for w, h in boxes)
    # Every page's footer numbers it "N / total"; the Chinese text is real text, not outlines.
    from pypdf import PdfReader

    pages = PdfReader(path).pages
    texts = [" ".join(page.extract_text().split()) for page in pages]
    for number, text in enumerate(texts, start=1):
        assert f"{number} / {len(pages)}" in text, text[-200:]
    assert "价格报告" in texts[0]


def test_pdf_with_a_missing_chromium_is_one_clear_error(
    context: ReportContext, tmp_path: Path
) -> None:
    with pytest.raises(
        PdfError, match=r"cannot print the PDF with Chromium \(/nonexistent/chromium\)"
    ):
        write_pdf(render_html(context), tmp_path / "report.pdf", chromium="/nonexistent/chromium")
    assert not (tmp_path / "report.pdf").exists()
