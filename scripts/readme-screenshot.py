"""Regenerate ``docs/report-zh-CN.png``, the README's picture of a client report.

Runs the offline demo on a scratch SQLite database (nothing of ``var/`` or ``reports/out`` is
touched), opens the demo client's HTML report in headless Chromium as a person opens the file
and writes the first screen::

    .venv/bin/python scripts/readme-screenshot.py [--port 8851]

It fails (exit 1, one line) when the report has console errors or makes a network request.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "report-zh-CN.png"
WIDTH, HEIGHT = 1100, 1500


def run_demo(workdir: Path, port: int) -> Path:
    """Run ``pricewatch demo`` in ``workdir``; the HTML report it wrote."""
    # Reports go to reports/out/ under the current directory: the scratch one.
    env = {**os.environ, "PRICEWATCH_DB_URL": f"sqlite:///{workdir / 'demo.db'}"}
    proc = subprocess.run(
        [sys.executable, "-m", "pricewatch", "demo", "--port", str(port)],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"error: the demo failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
    found = re.findall(r"^\s+(\S+\.html)$", proc.stdout, flags=re.MULTILINE)
    if not found:
        sys.exit("error: the demo printed no HTML report path")
    path = Path(found[-1])
    return path if path.is_absolute() else workdir / path


def screenshot(html: Path, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from pricewatch.config import default_chromium, get_config
    from pricewatch.crawl.addon import launch_options

    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options(get_config().chromium or default_chromium()))
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        page.on(
            "console",
            lambda m: problems.append(m.text) if m.type in ("error", "warning") else None,
        )
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on(
            "request",
            lambda r: None if r.url.startswith(("file:", "data:")) else problems.append(r.url),
        )
        page.goto(html.as_uri(), wait_until="load")
        page.screenshot(path=str(out), clip={"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT})
        browser.close()
    if problems:
        sys.exit(f"error: the report had problems in Chromium: {problems[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8851, help="first demo shop port")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pricewatch-shot-") as tmp:
        html = run_demo(Path(tmp), args.port)
        screenshot(html, OUT)
    print(f"wrote {OUT.relative_to(ROOT)} from {html.name}")


if __name__ == "__main__":
    main()
