"""Writing a client's report files and recording them: ``pricewatch report`` and the demo.

Files go to ``reports/out/CLIENT/YYYY-MM-DD/`` (the period's last day in the client's time
zone) unless another directory is given, named ``CLIENT-YYYY-MM-DD.<format>``. Each file is
written to a temporary name and renamed, so a failed run never leaves a half-written report
where the last good one was. Every run that wrote its files is one ``report`` row.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from pricewatch.db.store import Store
from pricewatch.errors import PricewatchError
from pricewatch.reports.context import Period, ReportContext, build_context
from pricewatch.reports.period import client_zone
from pricewatch.reports.trending import load_trending

FORMATS = ("html", "xlsx", "pdf", "json")
DEFAULT_FORMATS = ("html", "xlsx")
#: Default output root, relative to the current directory.
OUT_ROOT = Path("reports/out")


class ReportFormatError(PricewatchError):
    """``--format`` names a format pricewatch does not write."""


@dataclass(frozen=True, slots=True)
class WrittenReport:
    report_id: int
    context: ReportContext
    directory: Path
    files: tuple[Path, ...]


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a report is built and rendered.

    A large report is hundreds of thousands of small objects that live until it is written;
    Python's collector would scan them again and again (a third of the HTML's time at 5,000
    products) while finding nothing: they are freed by reference counting.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_context(store: Store, slug: str, period: Period) -> ReportContext:
    """The context of ``slug``'s report over ``period`` (set-wise queries, then figures),
    with the period's trending topics."""
    with paused_gc():
        source = store.report_source(slug, period.start, period.end)
        trending = load_trending(store, slug, period.start, period.end)
        return build_context(
            source, period, topics=trending.topics, cross_platform=trending.cross_platform
        )


def parse_formats(text: str) -> tuple[str, ...]:
    """``"html,xlsx"`` -> ``("html", "xlsx")``, in the order given, without repeats."""
    chosen: list[str] = []
    for part in text.replace(" ", "").lower().split(","):
        if not part:
            continue
        if part not in FORMATS:
            raise ReportFormatError(
                f"unknown report format {part!r} (choose from {', '.join(FORMATS)})"
            )
        if part not in chosen:
            chosen.append(part)
    if not chosen:
        raise ReportFormatError(f"no report format given (choose from {', '.join(FORMATS)})")
    return tuple(chosen)


def last_day(period: Period, timezone: str) -> date:
    """The last day of the period in the client's time zone (midnight closes the day before)."""
    return (period.end - timedelta(microseconds=1)).astimezone(client_zone(timezone)).date()


def default_directory(slug: str, period: Period, timezone: str) -> Path:
    return OUT_ROOT / slug / last_day(period, timezone).isoformat()


def _replace(path: Path, data: bytes | None = None, written: Path | None = None) -> None:
    if data is not None:
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(data)
        written = temporary
    assert written is not None
    os.replace(written, path)


def write_files(
    context: ReportContext,
    formats: Sequence[str],
    directory: Path,
    *,
    template_dir: Path | None = None,
    chromium: str | None = None,
) -> tuple[Path, ...]:
    """Render ``context`` in each format into ``directory``; returns the paths in order."""
    from pricewatch.reports.render.excel import write_excel
    from pricewatch.reports.render.html import render_html
    from pricewatch.reports.render.json import render_json
    from pricewatch.reports.render.pdf import write_pdf

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PricewatchError(f"cannot create {directory}: {exc.strerror or exc}") from None
    day = last_day(context.period, context.client.timezone)
    stem = f"{context.client.slug}-{day.isoformat()}"
    html: str | None = None
    paths = []
    with paused_gc():
        for fmt in formats:
            path = directory / f"{stem}.{fmt}"
            temporary = path.with_name(f".{path.name}.tmp")
            if fmt in ("html", "pdf") and html is None:
                html = render_html(context, template_dir=template_dir)
            if fmt == "html":
                assert html is not None
                _replace(path, html.encode("utf-8"))
            elif fmt == "json":
                _replace(path, render_json(context).encode("utf-8"))
            elif fmt == "xlsx":
                _replace(path, written=write_excel(context, temporary))
            else:
                assert html is not None
                _replace(path, written=write_pdf(html, temporary, chromium=chromium))
            paths.append(path)
    return tuple(paths)


def write_report(
    store: Store,
    slug: str,
    period: Period,
    *,
    formats: Sequence[str] = DEFAULT_FORMATS,
    directory: Path | None = None,
    template_dir: Path | None = None,
    chromium: str | None = None,
) -> WrittenReport:
    """Build the context for ``slug`` over ``period``, write the files, record the report."""
    from pricewatch.reports.render.json import report_data

    context = load_context(store, slug, period)
    directory = directory or default_directory(slug, period, context.client.timezone)
    files = write_files(context, formats, directory, template_dir=template_dir, chromium=chromium)
    report_id = store.record_report(
        context.client.id,
        period_start=period.start,
        period_end=period.end,
        formats=list(formats),
        files=[str(path) for path in files],
        summary=report_data(context)["summary"],
    )
    return WrittenReport(report_id, context, directory, files)
