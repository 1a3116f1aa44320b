"""``pricewatch topics ...``: crawl hot lists, browse them, their movers, history and health.

``topics crawl`` runs the sources in this process (one Scrapy crawl each, like
``pricewatch crawl``) and prints each capture: stored (with its size) or failed (with its
reason). ``show``, ``movers``, ``history``, ``sources``, ``related`` and ``groups`` read the
database. ``--json`` prints one JSON object per line.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from pricewatch.errors import PricewatchError

_DURATION = re.compile(r"^(\d+)\s*([mhdw])$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str, param_hint: str) -> timedelta:
    """``30m``, ``24h``, ``7d``, ``2w``."""
    match = _DURATION.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise click.BadParameter(
            f"{text!r}: expected a duration like 30m, 24h, 7d", param_hint=param_hint
        )
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def parse_time(text: str, param_hint: str) -> datetime:
    """An ISO date/time (local time unless it says otherwise) or a duration ago (``2h``)."""
    if _DURATION.match(text.strip().lower()):
        return datetime.now(UTC) - parse_duration(text, param_hint)
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: expected a time (2026-11-01T08:00) or a duration ago (2h)",
            param_hint=param_hint,
        ) from None
    return value.astimezone(UTC)  # a naive value is local time


def _store() -> Any:
    from pricewatch.db.store import Store

    return Store.from_url()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    return value


def _echo_json(obj: dict[str, Any]) -> None:
    click.echo(json.dumps({k: _jsonable(v) for k, v in obj.items()}, ensure_ascii=False))


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "-"


def _heat(value: int | None) -> str:
    if value is None:
        return "-"
    if value >= 100_000_000:
        return f"{value / 100_000_000:.1f}亿"
    if value >= 10_000:
        return f"{value / 10_000:.1f}万"
    return str(value)


def arrow(movement: str | None, change: int | None) -> str:
    """``↑3``, ``↓2``, ``new``, ``=`` (or blank: no earlier capture to compare with)."""
    if movement == "up":
        return f"↑{change}"
    if movement == "down":
        return f"↓{-(change or 0)}"
    return {"new": "new", "same": "=", "gone": "gone"}.get(movement or "", "")


def mover_line(m: Any) -> str:
    """``zhihu   ↑2   3→1  title  +1,200 heat/h``: one mover (``Store.topic_movers``)."""
    gained = m.rank_change or 0
    change = {"new": "new", "gone": "gone"}.get(
        m.status, f"↑{gained}" if gained > 0 else f"↓{-gained}"
    )
    ranks = f"{m.previous_rank or '-'}→{m.rank or '-'}"
    velocity = ""
    if m.heat is not None and m.previous_heat is not None:
        # Per hour over real intervals; captures minutes apart show the change itself.
        if (m.at - m.since).total_seconds() >= 600:
            velocity = f"  {m.heat_per_hour:+,.0f} heat/h"
        else:
            velocity = f"  heat {m.heat - m.previous_heat:+,}"
    return f"{m.source:<17} {change:>5} {ranks:>7}  {m.title}{velocity}"


def topic_sources_known() -> dict[str, Any]:
    """``{name: spider class}`` of every topic source (the spider registry's topic spiders)."""
    from pricewatch.spiders.registry import load_spiders
    from pricewatch.spiders.topics._base import TopicSpider

    return {n: s for n, s in sorted(load_spiders().items()) if issubclass(s, TopicSpider)}


@click.group()
def topics() -> None:
    """Trending topics: hot lists of Weibo, Zhihu, Baidu, Douyin... and their history."""


# ---------------------------------------------------------------------------- crawl


def _crawl_targets(
    names: Sequence[str], urls: Sequence[str], known: dict[str, Any]
) -> dict[str, dict[str, str]]:
    """``{source: spider kwargs}`` for the sources asked for, checked before anything runs."""
    from pricewatch.config import get_config

    unknown = [n for n in names if n not in known]
    if unknown:
        raise click.BadParameter(
            f"unknown source(s) {', '.join(unknown)}; known: {', '.join(known)}",
            param_hint="SOURCE",
        )
    chosen = list(dict.fromkeys(names)) or [
        n for n in known if not n.startswith("demo") and (n != "rss" or get_config().topic_feeds)
    ]
    targets: dict[str, dict[str, str]] = {n: {} for n in chosen}
    for value in urls:
        name, sep, url = value.partition("=")
        if not sep or "://" in name:
            if len(chosen) != 1:
                raise click.BadParameter(
                    "with several sources, say which one: --url SOURCE=URL", param_hint="--url"
                )
            name, url = chosen[0], value
        if name not in targets:
            raise click.BadParameter(f"{name!r} is not being crawled", param_hint="--url")
        if not url.startswith(("http://", "https://")):
            raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="--url")
        previous = targets[name].get("url")
        targets[name]["url"] = f"{previous},{url}" if previous else url
    if "rss" in targets and "url" not in targets["rss"] and not get_config().topic_feeds:
        raise PricewatchError("rss: no feeds configured (PRICEWATCH_TOPIC_FEEDS, or --url URL)")
    return targets


def _pairs(pairs: Sequence[str], param_hint: str) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r}: expected NAME=VALUE", param_hint=param_hint)
        out[name.strip()] = value
    return out


@topics.command("crawl")
@click.argument("sources", nargs=-1)
@click.option(
    "--url",
    "urls",
    multiple=True,
    metavar="[SOURCE=]URL",
    help="Fetch the source from this URL instead (a mirror, a saved response served locally).",
)
@click.option(
    "-a",
    "arguments",
    multiple=True,
    metavar="NAME=VALUE",
    help="Spider argument, e.g. -a categories=3,2 for douyin-brands.",
)
@click.option("-s", "settings", multiple=True, metavar="NAME=VALUE", help="Scrapy setting.")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log (INFO).")
def crawl_command(
    sources: tuple[str, ...],
    urls: tuple[str, ...],
    arguments: tuple[str, ...],
    settings: tuple[str, ...],
    verbose: bool,
) -> None:
    """Capture hot lists (all sources when none is named); exit 1 if any capture failed."""
    from scrapy.crawler import CrawlerProcess

    from pricewatch.crawl.process import project_settings

    known = topic_sources_known()
    targets = _crawl_targets(sources, urls, known)
    overrides: dict[str, Any] = {"PRICEWATCH_PROGRESS_INTERVAL": 0}
    if not verbose:
        overrides["LOG_LEVEL"] = "ERROR"
    overrides.update(_pairs(settings, "-s"))
    for kwargs in targets.values():
        kwargs.update(_pairs(arguments, "-a"))
    started = datetime.now(UTC)
    process = CrawlerProcess(project_settings(overrides))
    for name, kwargs in targets.items():
        process.crawl(process.create_crawler(known[name]), **kwargs)
    process.start()
    captures = _store().topic_captures_since(started)
    failed = 0
    for capture in captures:
        if capture.status == "failed":
            failed += 1
            click.echo(f"{capture.source}: failed: {capture.reason} ({capture.detail})", err=True)
        else:
            small = capture.status == "small"
            flag = " (flagged small: far fewer entries than usual)" if small else ""
            click.echo(f"{capture.source}: {capture.entries} topics{flag}")
    crawled = {c.source.split("/")[0] for c in captures}
    for name in targets:
        if name not in crawled:
            failed += 1
            click.echo(f"{name}: no capture stored (see -v for Scrapy's log)", err=True)
    if failed:
        click.get_current_context().exit(1)


# ---------------------------------------------------------------------------- reading


@topics.command("show")
@click.option("--source", help="Only this source.")
@click.option("--at", "at_text", metavar="TIME", help="The list as it was then (or 2h ago).")
@click.option("--limit", default=50, show_default=True, help="Entries per source.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per topic.")
def show_command(source: str | None, at_text: str | None, limit: int, as_json: bool) -> None:
    """The current (or a past) list of each source, with movement since the capture before."""
    at = parse_time(at_text, "--at") if at_text else None
    rows = _store().topic_list(source, at)
    if source and not rows:
        raise PricewatchError(f"no stored capture of {source!r}" + (" by then" if at else ""))
    if not rows and not as_json:
        click.echo("no hot list stored" + (" by then" if at else " yet: pricewatch topics crawl"))
    shown: dict[str, int] = {}
    for row in rows:
        shown[row.source] = shown.get(row.source, 0) + 1
        if shown[row.source] > limit:
            continue
        if as_json:
            _echo_json(
                {
                    "source": row.source,
                    "rank": row.rank,
                    "title": row.title,
                    "heat": row.heat,
                    "url": row.url,
                    "labels": row.labels,
                    "first_seen": row.first_seen,
                    "peak_rank": row.peak_rank,
                    "movement": row.movement,
                    "rank_change": row.rank_change,
                    "pinned": row.pinned,
                    "ad": row.ad,
                    "captured_at": row.captured_at,
                }
            )
            continue
        if shown[row.source] == 1:
            click.echo(
                click.style(f"\n{row.source}  (captured {_when(row.captured_at)})", bold=True)
            )
        place = "置顶" if row.pinned else "ad" if row.ad else str(row.rank)
        labels = " ".join(row.labels)
        click.echo(
            f"{place:>4} {arrow(row.movement, row.rank_change):>5}  {row.title}"
            f"  {_heat(row.heat)}{'  ' + labels if labels else ''}"
        )


@topics.command("movers")
@click.option("--window", default="24h", show_default=True, help="Compare with this long ago.")
@click.option("--source", help="Only this source.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per topic.")
def movers_command(window: str, source: str | None, as_json: bool) -> None:
    """New, rising, falling and gone topics over the window."""
    movers = _store().topic_movers(parse_duration(window, "--window"), source=source)
    if not movers and not as_json:
        click.echo("nothing moved (or fewer than two captures per source)")
    for m in movers:
        if as_json:
            _echo_json(dataclasses.asdict(m))
            continue
        click.echo(mover_line(m))


@topics.command("history")
@click.argument("ref", metavar="TITLE|ID")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per topic.")
def history_command(ref: str, as_json: bool) -> None:
    """One topic's history: entered, peak rank and heat, time on the list, every move."""
    histories = _store().topic_history(ref)
    if not histories:
        raise PricewatchError(f"no topic matches {ref!r}")
    for h in histories:
        if as_json:
            _echo_json(dataclasses.asdict(h))
            continue
        click.echo(click.style(f"\n[{h.topic_id}] {h.source}: {h.title}", bold=True))
        hours = h.time_on_list.total_seconds() / 3600
        click.echo(
            f"entered {_when(h.first_seen)}, last seen {_when(h.last_seen)}, "
            f"{'on the list now' if h.on_list else 'off the list'}; peak rank "
            f"{h.peak_rank or '-'}, peak heat {_heat(h.peak_heat)}; {hours:.1f} h on the list "
            f"({h.entries} time{'s' if h.entries != 1 else ''})"
        )
        for p in h.points:
            place = "置顶" if p.pinned else "ad" if p.ad else str(p.rank)
            click.echo(
                f"  {_when(p.first_seen)} – {_when(p.last_seen)}  {place:>4}  {_heat(p.heat)}"
            )


@topics.command("sources")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per source.")
def sources_command(as_json: bool) -> None:
    """Every source: last success and its size, last failure and its reason."""
    from pricewatch.db.store.topic_results import SourceStatus

    statuses = {s.source: s for s in _store().topic_sources()}
    names = sorted(set(topic_sources_known()) | set(statuses))
    for name in names:
        subs = [s for key, s in statuses.items() if key == name or key.startswith(name + "/")]
        if not subs:
            subs = [None]
        for s in subs:
            if as_json:
                _echo_json(dataclasses.asdict(s or SourceStatus(name, 0, 0, *[None] * 6)))
                continue
            if s is None:
                click.echo(f"{name:<24} never captured")
                continue
            small = ", flagged small" if s.last_status == "small" else ""
            ok = (
                f"ok {_when(s.last_success)} ({s.last_entries} topics{small})"
                if s.last_success
                else "never stored"
            )
            bad = f"; failed {_when(s.last_failure)}: {s.last_reason}" if s.last_failure else ""
            click.echo(f"{s.source:<24} {ok}{bad}  [{s.captures} captures, {s.failures} failed]")


@topics.command("related")
@click.argument("client")
@click.option("--since", default="7d", show_default=True, help="Topics seen since (7d, 24h).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per topic.")
def related_command(client: str, since: str, as_json: bool) -> None:
    """Trending topics that concern CLIENT's catalogue (brand, keywords, model names)."""
    from pricewatch.topics.related import related_topics

    found = related_topics(_store(), client, datetime.now(UTC) - parse_duration(since, "--since"))
    if not found and not as_json:
        click.echo(f"no trending topic concerns {client}'s catalogue since {since} ago")
    for r in found:
        if as_json:
            _echo_json(dataclasses.asdict(r))
            continue
        hours = r.time_on_list.total_seconds() / 3600
        click.echo(
            f"{r.source:<14} best #{r.best_rank or '-':<3} {hours:5.1f} h  {r.title}  "
            f"[{', '.join(r.terms)}] → {', '.join(r.products)}"
        )


@topics.command("groups")
@click.option("--since", default="24h", show_default=True, help="Topics seen since (24h, 7d).")
@click.option("--client", help="Segment with this client's brand and product words too.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per group.")
def groups_command(since: str, client: str | None, as_json: bool) -> None:
    """Stories trending on several platforms at once, biggest first."""
    from pricewatch.topics.related import cross_platform

    store = _store()
    catalogue = store.client_catalogue(client) if client else None
    if client and catalogue is None:
        raise PricewatchError(f"no client {client!r}")
    start = datetime.now(UTC) - parse_duration(since, "--since")
    for group in cross_platform(store, start, catalogue=catalogue):
        if as_json:
            _echo_json(
                {
                    "title": group.title,
                    "sources": list(group.sources),
                    "best_rank": group.best_rank,
                    "members": [
                        {"source": m.source, "title": m.title, "rank": m.rank}
                        for m in group.members
                    ],
                }
            )
            continue
        click.echo(f"{len(group.sources)} platforms  {group.title}  ({', '.join(group.sources)})")
        for member in group.members:
            click.echo(f"    {member.source:<14} #{member.rank or '-'}  {member.title}")
