"""What ``pricewatch crawl`` says about each shop it crawled, and the exit code that goes with it.

A crawl's Scrapy stats decide: prices stored and nothing failed is ``OK``; stored prices with
failed pages is ``FAILED`` (partial, exit 1); nothing stored at all is ``NOTHING_CRAWLED``
(exit 3) with the likely cause: the shop did not answer, no product pages were found (the
shop's ``start_urls``/``product_url_pattern`` lead nowhere), or every product page failed.
Ctrl-C is ``INTERRUPTED``. Cron can tell these apart by the exit code alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pricewatch.cli.errors import ExitCode
from pricewatch.crawl.reasons import failures_by_reason, reasons_text

#: Exit codes from least to most severe: the command exits with the worst of its shops.
_SEVERITY = (ExitCode.OK, ExitCode.FAILED, ExitCode.NOTHING_CRAWLED, ExitCode.INTERRUPTED)


@dataclass(frozen=True)
class ShopSummary:
    shop: str
    line: str
    code: ExitCode
    #: Why nothing was stored, or ``None``.
    problem: str | None
    run_id: int | None
    failures: int


def _count(stats: Mapping[str, Any], key: str) -> int:
    return int(stats.get(f"pricewatch/store/{key}", 0) or 0)


def summarize(shop: str, stats: Mapping[str, Any]) -> ShopSummary:
    """The summary line, exit code and problem of one shop's crawl."""
    reason = str(stats.get("finish_reason", "?"))
    pages = int(stats.get("response_received_count", 0) or 0)
    failures = failures_by_reason(stats)
    failed = sum(failures.values())
    stored = _count(stats, "new_observations") + _count(stats, "unchanged") + _count(stats, "gone")
    skipped = {
        k.rsplit("/", 1)[-1]: int(v)
        for k, v in stats.items()
        if k.startswith("pricewatch/skipped/")
    }
    by_reason = reasons_text(failures)
    run_id = stats.get("pricewatch/run_id")
    line = (
        f"{shop}: {reason}; {pages} pages, "
        f"{_count(stats, 'new_observations')} new prices, {_count(stats, 'unchanged')} unchanged, "
        f"{_count(stats, 'gone')} gone, {_count(stats, 'suspect')} suspect, {failed} failures"
        + (f" ({by_reason})" if failures else "")
        + "".join(f", {v} skipped ({k.replace('_', ' ')})" for k, v in sorted(skipped.items()))
        + f" [run {run_id if run_id is not None else '?'}]"
    )
    problem = None
    if reason == "shutdown":
        code = ExitCode.INTERRUPTED
    elif stored == 0 and not skipped:
        code = ExitCode.NOTHING_CRAWLED
        if pages == 0:
            problem = "the shop did not answer" + (f" ({by_reason})" if failures else "")
        elif failed and set(failures) == {"blocked"}:
            problem = (
                f"the shop answered every page with an anti-bot check ({by_reason}): crawl "
                "slower (-s DOWNLOAD_DELAY=5), render it in a browser (render = True) or ask "
                "the shop to allow the crawler"
            )
        elif failed:
            problem = f"every page failed ({by_reason})"
        else:
            problem = (
                f"no product pages found on the {pages} pages fetched: check the shop's "
                "start_urls and product_url_pattern / product_links "
                "('pricewatch extract URL' shows what one page gives)"
            )
    elif reason != "finished" or failed:
        code = ExitCode.FAILED
    else:
        code = ExitCode.OK
    return ShopSummary(shop, line, code, problem, run_id, failed)


def worst(codes: list[ExitCode]) -> ExitCode:
    """The exit code of a command that crawled several shops."""
    return max(codes, key=_SEVERITY.index, default=ExitCode.OK)
