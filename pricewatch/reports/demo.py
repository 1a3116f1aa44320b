"""The demo's last step: the demo client's report in HTML, Excel and PDF, paths printed.

Called by :func:`pricewatch.demo.run.run_demo` after the client is seeded and matched and the
hot lists are captured (so its trending section has the demo's topics). The
period starts when the second crawl round started, so the report shows what that round
changed against the first (a period from a week ago would show every listing as new).
"""

from __future__ import annotations

from datetime import datetime

import click

from pricewatch.db.store import Store
from pricewatch.records import utcnow
from pricewatch.reports.context import Period
from pricewatch.reports.render.pdf import PdfError
from pricewatch.reports.writer import WrittenReport, write_report

DEMO_FORMATS = ("html", "xlsx", "pdf")


def write_demo_report(store: Store, client: str, *, since: datetime) -> WrittenReport:
    """Write ``client``'s report since ``since`` and print where it is."""
    period = Period(since, utcnow())
    try:
        written = write_report(store, client, period, formats=DEMO_FORMATS)
    except PdfError as exc:
        click.echo(f"warning: {exc}; writing the report without the PDF", err=True)
        written = write_report(store, client, period, formats=DEMO_FORMATS[:2])
    summary = written.context.summary
    click.echo(click.style(f"\n== the report for {client}", bold=True))
    click.echo(
        f"{summary.products} products, {summary.matched} with competitors, cheapest on "
        f"{summary.cheapest}, {summary.undercut} undercut, {summary.map_violations} below MAP, "
        f"{summary.changes} changes; {len(written.context.topics)} trending topics about its "
        f"catalogue, {len(written.context.cross_platform)} stories on several platforms:"
    )
    for path in written.files:
        click.echo(f"  {path}")
    click.echo(f"e-mail it with 'pricewatch report {client} --send' (PRICEWATCH_SMTP_URL).")
    return written
