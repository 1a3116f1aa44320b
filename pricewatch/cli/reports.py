"""``pricewatch report`` (write, and e-mail, a client's report) and ``pricewatch reports list``.

Registered on the main group by :mod:`pricewatch.cli.main`. The work is done by
:mod:`pricewatch.reports.writer` and :mod:`pricewatch.delivery.smtp`; this module parses
options and prints.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from pricewatch.cli.tables import console, when
from pricewatch.reports.writer import DEFAULT_FORMATS, FORMATS


@click.command()
@click.argument("client")
@click.option("--since", help="Period: the last 7d (default), 12h, 2w, or since a date.")
@click.option("--from", "start", metavar="DATE", help="Period start (a date or time).")
@click.option("--to", "end", metavar="DATE", help="Period end, inclusive for a date.")
@click.option(
    "--format",
    "formats",
    default=",".join(DEFAULT_FORMATS),
    show_default=True,
    help=f"Comma-separated formats: {', '.join(FORMATS)}.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the files (default reports/out/CLIENT/YYYY-MM-DD/).",
)
@click.option("--send", is_flag=True, help="E-mail the report to the client (PRICEWATCH_SMTP_*).")
def report(
    client: str,
    since: str | None,
    start: str | None,
    end: str | None,
    formats: str,
    out: Path | None,
    send: bool,
) -> None:
    """Write CLIENT's price report for a period and print the files' paths."""
    from pricewatch.config import get_config
    from pricewatch.db.store import Store
    from pricewatch.reports.period import PeriodError, resolve_period
    from pricewatch.reports.writer import ReportFormatError, parse_formats, write_report

    try:
        chosen = parse_formats(formats)
    except ReportFormatError as exc:
        raise click.BadParameter(str(exc), param_hint="--format") from None
    settings = None
    if send:  # checked before any work: a missing password is one line, not a lost report
        from pricewatch.delivery.smtp import SmtpSettings

        settings = SmtpSettings.from_config(get_config())
    store = Store.from_url()
    info = store.report_client(client)
    if send and not info.emails:
        raise click.UsageError(f"client {client!r} has no e-mail address to send to")
    try:
        period = resolve_period(since=since, start=start, end=end, timezone=info.timezone)
    except PeriodError as exc:
        raise click.UsageError(str(exc)) from None
    written = write_report(store, client, period, formats=chosen, directory=out)
    for path in written.files:
        click.echo(str(path))
    if settings is not None:
        from pricewatch.delivery.smtp import DeliveryError, build_message, deliver
        from pricewatch.reports.render.email import render_email

        content = render_email(written.context, written.files)
        message = build_message(
            content, written.files, sender=settings.sender, recipients=info.emails
        )
        try:
            attempt = deliver(store, written.report_id, message, settings, info.emails)
        except DeliveryError as exc:
            # The files are written and recorded: say where they are with the error.
            raise DeliveryError(f"{exc}; the report is kept in {written.directory}") from None
        tries = "" if attempt == 1 else f" (attempt {attempt})"
        click.echo(f"sent to {', '.join(info.emails)}{tries}", err=True)


@click.group()
def reports() -> None:
    """Reports written, and their e-mail deliveries."""


@reports.command("list")
@click.option("--client", help="Only this client's reports.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
def reports_list(client: str | None, limit: int, as_json: bool) -> None:
    """Reports newest first: period, formats, status and deliveries."""
    from rich.table import Table

    from pricewatch.db.store import Store

    store = Store.from_url()
    if client is not None:
        store.report_client(client)  # an unknown client is an error, not an empty list
    found = store.reports(client=client, limit=limit)
    if as_json:
        for r in found:
            click.echo(
                json.dumps(
                    {
                        "id": r.id,
                        "client": r.client,
                        "period": {
                            "start": r.period_start.isoformat(),
                            "end": r.period_end.isoformat(),
                        },
                        "formats": list(r.formats),
                        "files": list(r.files),
                        "status": r.status,
                        "created_at": r.created_at.isoformat(),
                        "deliveries": r.deliveries,
                        "last_delivery_error": r.last_delivery_error,
                        "summary": r.summary,
                    },
                    ensure_ascii=False,
                )
            )
        return
    if not found:
        click.echo("no reports yet (write one with 'pricewatch report CLIENT')")
        return
    table = Table(box=None, header_style="bold")
    for name in ("id", "client", "period", "formats", "status", "sent", "written", "files"):
        table.add_column(name, justify="right" if name in ("id", "sent") else "left")
    for r in found:
        status = r.status if not r.last_delivery_error else f"{r.status}: {r.last_delivery_error}"
        table.add_row(
            str(r.id),
            r.client,
            f"{when(r.period_start)} – {when(r.period_end)}",
            ",".join(r.formats),
            status,
            str(r.deliveries),
            when(r.created_at),
            "\n".join(r.files),
        )
    console().print(table)
