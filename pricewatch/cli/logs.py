"""Logging the CLI sets up: progress lines on stderr even when Scrapy's own log is quiet, and,
without ``-v``, one line per problem instead of Scrapy's log records and tracebacks."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

#: Scrapy's records that only repeat a failure the spider records (and the CLI reports) itself.
_REPEATS = (
    ("scrapy.downloadermiddlewares.retry", "Gave up retrying"),
    ("scrapy.downloadermiddlewares.robotstxt", "Error downloading"),
    ("scrapy.core.scraper", "Error downloading"),
)


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


class OneLineHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Warnings and errors as one line each (``  warning: ...``), never a traceback.

    Records of the ``quiet`` loggers (the crawled spiders: their failures are listed after the
    crawl) and Scrapy's records that repeat a recorded failure are left out.
    """

    def __init__(self, quiet: Iterable[str] = ()) -> None:
        super().__init__(sys.stderr)
        self.quiet = set(quiet)
        self.setLevel(logging.WARNING)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name in self.quiet or record.name.split(".")[0] == "py":
            return False
        message = record.getMessage()
        return not any(
            record.name == name and message.startswith(start) for name, start in _REPEATS
        )

    def format(self, record: logging.LogRecord) -> str:
        lines = record.getMessage().strip().splitlines()
        text = lines[0] if lines else ""
        if record.exc_info and record.exc_info[1] is not None:
            exc_lines = str(record.exc_info[1]).strip().splitlines()
            text += f": {type(record.exc_info[1]).__name__}: {exc_lines[0] if exc_lines else ''}"
        return f"  {record.levelname.lower()}: {text}"


def attach_problem_logging(verbose: bool, quiet: Iterable[str] = ()) -> dict[str, object]:
    """Without ``verbose``: Scrapy's log off, one line per problem on stderr (returns the Scrapy
    settings that do it). With ``verbose`` Scrapy logs as usual, from INFO."""
    if verbose:
        return {"LOG_LEVEL": "INFO"}
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, OneLineHandler)]:
        root.removeHandler(handler)
    root.addHandler(OneLineHandler(quiet))
    return {"LOG_ENABLED": False, "LOG_LEVEL": "WARNING"}
