"""``pricewatch demo``: the offline demo, end to end.

Serves the three bundled demo shops on 127.0.0.1, crawls them (round 1), switches the shops to
round 2 (some prices move, stock changes, one product disappears), crawls again, and prints
what changed. Each round is a ``pricewatch crawl`` subprocess, as the daemon runs them. Data
goes to the configured database (``PRICEWATCH_DB_URL``, default ``pricewatch db info`` says).
``demo --serve`` records the ports it serves on (:func:`served_demo_urls`), so
``pricewatch crawl demo_...`` finds shops moved with ``--port``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import click

from pricewatch.cli.tables import print_changes
from pricewatch.db.engine import database_url, default_database_path
from pricewatch.db.store import Store
from pricewatch.demo.client import seed_demo_client
from pricewatch.demo.server import DemoServer
from pricewatch.demo.topics import PATHS, HotlistServer, run_topics_demo
from pricewatch.errors import PricewatchError
from pricewatch.reports.demo import write_demo_report


def crawl_subprocess(
    shop_names: list[str], base_urls: dict[str, str]
) -> subprocess.CompletedProcess[bytes]:
    """``pricewatch crawl SHOP...`` in a child process, its summary lines on this terminal.

    A child per round because Twisted's reactor runs once per process; the demo wants the
    CLI's own progress and summary lines, so it runs the command rather than the launcher.
    """
    cmd = [sys.executable, "-m", "pricewatch", "crawl", *shop_names]
    for shop, url in base_urls.items():
        cmd += ["--base-url", f"{shop}={url}"]
    return subprocess.run(cmd, check=False)


def served_file() -> Path:
    """Where ``demo --serve`` says which ports it serves the shops on (next to the database)."""
    return default_database_path().parent / "demo-serve.json"


def served_demo_urls() -> dict[str, str]:
    """``{shop: url}`` of the demo shops a running ``pricewatch demo --serve`` serves."""
    try:
        state = json.loads(served_file().read_text("utf-8"))
        os.kill(int(state["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {str(k): str(v) for k, v in dict(state["urls"]).items()}


def _start(port: int) -> DemoServer:
    server = DemoServer(base_port=port)
    try:
        server.start()
    except OSError as exc:
        raise PricewatchError(f"{exc.strerror or exc} (pick other ports with --port)") from exc
    return server


def serve_forever(port: int) -> None:
    """``pricewatch demo --serve``: keep the demo shops up until Ctrl-C."""
    server = _start(port)
    hotlists = HotlistServer(port + 9)
    try:
        hotlists.start()
    except PricewatchError:
        server.stop()
        raise
    click.echo("demo shops (Ctrl-C stops them):")
    for shop in server.shops:
        click.echo(f"  {shop.slug:<15} {shop.url}   {shop.name}")
    click.echo("demo hot lists:")
    for source in PATHS:
        click.echo(f"  {source:<17} {hotlists.url(source)}")
    # The demo client and its matched catalogue, so report jobs of schedules/example.toml run.
    with Store.from_url() as store:
        client = seed_demo_client(store, {s.slug: s.url for s in server.shops}, crawled=False)
    click.echo(f"demo client: {client}")
    base_urls = " ".join(f"--base-url {s.slug}={s.url}" for s in server.shops)
    click.echo("\ntry:")
    click.echo(f"  pricewatch crawl {' '.join(s.slug for s in server.shops)} {base_urls}")
    click.echo(f"  pricewatch extract --json {server.shops[0].url}products/... ")
    click.echo("  pricewatch prices")
    click.echo("switch the shops to their second round (changed prices) with: kill -USR1 <pid>")

    def next_round(*_: object) -> None:
        server.set_round(2 if server.round == 1 else 1)
        hotlists.round = server.round
        click.echo(f"demo shops and hot lists now serve round {server.round}")

    stop = threading.Event()
    signal.signal(signal.SIGUSR1, next_round)
    # Installed explicitly: a process started in the background by a shell inherits an ignored
    # SIGINT, and Python then never raises KeyboardInterrupt.
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(f"(pid {os.getpid()})")
    # 'pricewatch crawl demo_...' finds the shops on these ports while they are served.
    urls = {s.slug: s.url for s in server.shops}
    state = served_file()
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps({"pid": os.getpid(), "urls": urls}), "utf-8")
    try:
        while not stop.wait(1.0):
            pass
    finally:
        state.unlink(missing_ok=True)
        hotlists.stop()
        server.stop()


def run_demo(port: int) -> None:
    server = _start(port)
    slugs = [s.slug for s in server.shops]
    base_urls = {s.slug: s.url for s in server.shops}
    click.echo(f"database: {database_url()}")
    click.echo("demo shops: " + ", ".join(f"{s.slug} {s.url}" for s in server.shops))
    try:
        rounds_started = []
        for round_ in (1, 2):
            server.set_round(round_)
            click.echo(click.style(f"\n== round {round_}: crawling {len(slugs)} shops", bold=True))
            rounds_started.append(datetime.now(UTC))
            result = crawl_subprocess(slugs, base_urls=base_urls)
            # 1 is a partial crawl (some pages failed, listed above): the demo carries on.
            if result.returncode not in (0, 1):
                raise PricewatchError(f"round {round_} crawl failed (exit {result.returncode})")
    finally:
        server.stop()
    store = Store.from_url()
    click.echo(click.style("\n== what changed between the two rounds", bold=True))
    changes = [c for c in store.changes_since(rounds_started[1]) if c.shop in slugs]
    print_changes(changes)
    gone = store.gone_since(rounds_started[1])
    for listing in gone:
        if listing.shop in slugs:
            click.echo(f"gone (HTTP 404): {listing.shop} {listing.title or ''} {listing.url}")
    total = len([p for p in store.current_prices() if p.shop in slugs])
    click.echo(
        f"\n{total} demo listings tracked. Next: 'pricewatch prices', "
        "'pricewatch history URL', 'pricewatch demo --serve'."
    )
    client = seed_demo_client(store, base_urls)
    # The hot lists first (pricewatch/demo/topics.py), so the report's trending section has
    # the topics that concern the client's catalogue.
    run_topics_demo(port + 9)
    write_demo_report(store, client, since=rounds_started[1])
