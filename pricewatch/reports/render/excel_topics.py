"""The Excel report's trending sheets: the topics relevant to the catalogue (sheet "Topics")
and the period's biggest cross-platform stories, one row per platform (long format, so the
autofilter works). Written with :mod:`pricewatch.reports.render.excel`'s typed cells: topic
titles are scraped text, written as strings and quote-prefixed when they start like a formula.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pricewatch.reports.context import ReportContext
from pricewatch.reports.render.excel import _Sheet

if TYPE_CHECKING:
    from pricewatch.reports.render.excel import _Book


def _hours(seconds: float) -> float:
    return round(seconds / 3600, 2)


def topic_sheets(book: _Book, ctx: ReportContext, _: Callable[[str], str]) -> None:
    headers = [
        _("Topic"),
        _("Platform"),
        _("Peak rank"),
        _("Peak heat"),
        _("Hours on list"),
        _("First on list"),
        _("Your products"),
        _("SKU"),
        _("Matched words"),
        _("Link"),
    ]
    sheet = _Sheet(book, _("Topics"), headers, [40, 14, 9, 12, 10, 17, 40, 20, 20, 40])
    for topic in ctx.topics:
        values = [
            (topic.title, "text"),
            (topic.source, "text"),
            (topic.peak_rank, "int"),
            (topic.peak_heat, "int"),
            (_hours(topic.time_on_list.total_seconds()), "index"),
            (topic.first_seen, "time"),
            ("; ".join(topic.products), "text"),
            (", ".join(topic.skus), "text"),
            (", ".join(topic.terms), "text"),
            (topic.url, "text"),
        ]
        sheet.write_row(values)
    sheet.finish()

    headers = [
        _("Story"),
        _("Platforms"),
        _("Best rank"),
        _("Platform"),
        _("Rank"),
        _("Title on this platform"),
        _("Your products"),
        _("Link"),
    ]
    sheet = _Sheet(book, _("Cross-platform topics"), headers, [40, 10, 9, 14, 7, 40, 20, 40])
    for story in ctx.cross_platform:
        sources = len({p.source for p in story.platforms})
        for platform in story.platforms:
            values = [
                (story.title, "text"),
                (sources, "int"),
                (story.best_rank, "int"),
                (platform.source, "text"),
                (platform.peak_rank, "int"),
                (platform.title, "text"),
                (", ".join(story.skus), "text"),
                (platform.url, "text"),
            ]
            sheet.write_row(values)
    sheet.finish()
