"""Logging the CLI sets up: progress lines on stderr even when Scrapy's own log is quiet."""

from __future__ import annotations

import logging
import sys


def attach_progress_logging(verbose: bool) -> None:
    """Show ``pricewatch.progress`` lines on stderr; with ``verbose`` Scrapy's log gets them too."""
    progress = logging.getLogger("pricewatch.progress")
    if not any(getattr(h, "_pricewatch", False) for h in progress.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("  %(message)s"))
        handler._pricewatch = True  # type: ignore[attr-defined]
        progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    progress.propagate = verbose
