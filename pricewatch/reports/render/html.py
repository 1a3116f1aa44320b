"""The HTML report: one self-contained file (inline CSS and SVG, no script, no external URL).

Rendered from ``report.html`` (see :mod:`pricewatch.reports.render.environment` for template
overrides, autoescaping and languages).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from markupsafe import Markup

from pricewatch.reports.context import ProductReport, ReportContext
from pricewatch.reports.i18n import translations
from pricewatch.reports.render.environment import make_environment
from pricewatch.reports.render.svg import history_chart, sparkline

TEMPLATE = "report.html"


#: Periods shorter than this label a chart's time axis with date and time, not the date alone.
SHORT_PERIOD = timedelta(days=2)


def render_html(context: ReportContext, *, template_dir: Path | None = None) -> str:
    """The report as an HTML document in the client's language and time zone."""
    client = context.client
    env, fmt = make_environment(client.locale, client.timezone, template_dir=template_dir)
    own_label = translations(client.locale).gettext("Your price")
    # A chart's time axis names days; a period of a day or so (a report after two crawls an
    # hour apart) names the moments, or both ends would read the same date.
    period = context.period
    axis_label = fmt.day if period.end - period.start >= SHORT_PERIOD else fmt.when

    def chart(product: ProductReport) -> Markup:
        return history_chart(
            product,
            context.period,
            money=lambda value: fmt.money(value, product.currency),
            when=axis_label,
            own_label=own_label,
        )

    changes = sorted(
        (change for product in context.products for change in product.changes),
        key=lambda change: (change.at, change.shop, change.url),
    )
    return env.get_template(TEMPLATE).render(
        ctx=context,
        changes=changes,
        movers=[context.product(sku) for sku in context.movers],
        threshold=Decimal(client.undercut_threshold_bp) / 10_000,
        sparkline=lambda product: sparkline(product, context.period),
        chart=chart,
    )
