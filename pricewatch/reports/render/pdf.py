"""The PDF report: the HTML report printed by the Chromium pricewatch already renders with.

A4, the report's print styles (``@media print`` in ``report.css``), page numbers in the footer.
The page is loaded from memory with every network request refused: a report never fetches
anything. Settings: ``PRICEWATCH_CHROMIUM`` (the executable, as for rendering shops).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pricewatch.config import default_chromium, get_config
from pricewatch.crawl.addon import launch_options
from pricewatch.errors import PricewatchError

FOOTER = (
    '<div style="width:100%;font-size:8px;color:#666;text-align:center;'
    'font-family:sans-serif;"><span class="pageNumber"></span> / '
    '<span class="totalPages"></span></div>'
)


class PdfError(PricewatchError):
    """Chromium could not print the report."""


def write_pdf(html: str, path: Path, *, chromium: str | None = None) -> Path:
    """Print ``html`` to ``path`` as an A4 PDF with page numbers; returns ``path``.

    Playwright's sync API refuses to run where an asyncio loop (or another sync Playwright)
    is running, as in the daemon: the browser is driven from a thread of its own.
    """
    executable = chromium or get_config().chromium or default_chromium()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pricewatch-pdf") as pool:
        return pool.submit(_print, html, path, executable).result()


def _print(html: str, path: Path, executable: str) -> Path:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(**launch_options(executable))
            try:
                page = browser.new_page()
                page.route("**/*", lambda route: route.abort())
                page.set_content(html, wait_until="load")
                page.emulate_media(media="print")
                page.pdf(
                    path=str(path),
                    format="A4",
                    print_background=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=FOOTER,
                    margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"},
                )
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PdfError(f"cannot print the PDF with Chromium ({executable}): {first}") from None
    return path
