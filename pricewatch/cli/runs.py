"""``pricewatch runs`` (the latest crawl runs) and ``pricewatch runs show ID`` (one run, with its
failed URLs grouped by reason). Read-only, like the other reading commands."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import click
from rich.table import Table

from pricewatch.cli.tables import console, times_caption, when
from pricewatch.cli.times import display_zone
from pricewatch.crawl.reasons import reasons_text
from pricewatch.db.store.runs import json_safe
from pricewatch.errors import PricewatchError


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{seconds:.1f}s"


def _reasons(by_reason: dict[str, int]) -> str:
    return reasons_text(by_reason) or "-"


@click.group(invoke_without_command=True)
@click.option("--limit", default=20, show_default=True, help="How many runs to list.")
@click.option("--shop", help="Only this shop's (or topic source's) runs.")
@click.option("--utc", is_flag=True, help="Show times in UTC instead of local time.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.pass_context
def runs(ctx: click.Context, limit: int, shop: str | None, utc: bool, as_json: bool) -> None:
    """The latest crawl runs, newest first ('runs show ID' for one run's failures)."""
    if ctx.invoked_subcommand is not None:
        return
    from pricewatch.db.store import Store

    with Store.from_url(read_only=True) as store:
        found = store.runs(limit=limit, spider=shop)
    if as_json:
        for run in found:
            click.echo(json.dumps(_run_json(run), ensure_ascii=False))
        return
    if not found:
        if shop:
            click.echo(f"no runs of {shop} yet: run 'pricewatch crawl {shop}'")
        else:
            click.echo("no crawl runs yet: run 'pricewatch crawl SHOP'")
        return
    zone = display_zone(utc)
    table = Table(title=f"Crawl runs ({len(found)}), {times_caption(zone)}")
    for column in ("run", "shop", "status", "started", "took", "stored", "new", "failures"):
        table.add_column(column, no_wrap=True)
    for run in found:
        table.add_row(
            str(run.id),
            run.spider,
            run.status,
            when(run.started_at, zone),
            _duration(run.duration_s),
            str(run.items_scraped),
            str(run.observations_new),
            f"{run.failures} ({_reasons(run.failures_by_reason)})" if run.failures else "0",
        )
    console().print(table)


#: ``runs --json`` keys, in this order.
RUN_KEYS = (
    "id",
    "spider",
    "status",
    "started_at",
    "finished_at",
    "duration_s",
    "items_scraped",
    "observations_new",
    "observations_unchanged",
    "failures",
    "failures_by_reason",
    "error",
    "exit_code",
    "log_file",
)


def _run_json(run: Any) -> dict[str, Any]:
    return {key: json_safe(getattr(run, key)) for key in RUN_KEYS}


@runs.command("show")
@click.argument("run_id", type=int)
@click.option("--utc", is_flag=True, help="Show times in UTC instead of local time.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text.")
def runs_show(run_id: int, utc: bool, as_json: bool) -> None:
    """One crawl run: its counts and every failed URL, grouped by reason."""
    from pricewatch.db.store import Store

    with Store.from_url(read_only=True) as store:
        run = store.run(run_id)
        if run is None:
            raise PricewatchError(f"no crawl run {run_id} (see 'pricewatch runs')")
        failures = store.failures(run_id)
    if as_json:
        data = _run_json(run)
        data["failed_urls"] = [
            {"url": f.url, "reason": f.reason, "detail": f.detail, "at": json_safe(f.at)}
            for f in failures
        ]
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    zone = display_zone(utc)
    click.echo(
        f"run {run.id}: {run.spider}, {run.status}" + (f" ({run.error})" if run.error else "")
    )
    click.echo(
        f"  started {when(run.started_at, zone)}, finished {when(run.finished_at, zone)} "
        f"({times_caption(zone)}), took {_duration(run.duration_s)}"
    )
    click.echo(
        f"  {run.items_scraped} stored: {run.observations_new} new prices, "
        f"{run.observations_unchanged} unchanged; {run.failures} failures"
    )
    if run.log_file:
        click.echo(f"  log: {run.log_file} (exit {run.exit_code})")
    grouped: dict[str, list[Any]] = defaultdict(list)
    for failure in failures:
        grouped[failure.reason].append(failure)
    for reason, items in sorted(grouped.items()):
        click.echo(f"{reason} ({len(items)}):")
        for failure in items:
            detail = f"  {failure.detail}" if failure.detail else ""
            click.echo(f"  {failure.url}{detail}")
