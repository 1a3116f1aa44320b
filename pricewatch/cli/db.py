"""``pricewatch db``: which database pricewatch uses (``db info``) and migrating it
(``db upgrade``, the one command besides crawls that creates or changes the schema)."""

from __future__ import annotations

import click


@click.group()
def db() -> None:
    """Database maintenance: where it is (info) and migrations (upgrade)."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create the database or apply migrations up to the newest (crawls do it too)."""
    from pricewatch.db.engine import database_url, display_url, upgrade

    revision = upgrade()
    click.echo(f"database {display_url(database_url())} at revision {revision}")


def _where_from() -> str:
    """Why this database: configured (environment or file), or the default location."""
    import os

    from pricewatch.config import CONFIG_ENV, DEFAULT_CONFIG_FILE, get_config
    from pricewatch.db.engine import PROJECT_ROOT, is_checkout

    if os.environ.get("PRICEWATCH_DB_URL"):
        return "PRICEWATCH_DB_URL"
    if get_config().db_url:
        return f"db_url in {os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_FILE}"
    if is_checkout():
        return f"default: the checkout's var/ ({PROJECT_ROOT})"
    return "default: the per-user data directory"


@db.command("info")
def db_info() -> None:
    """Where the database is, why, and its state (never creates or changes it)."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    from pricewatch.db.engine import (
        current_revision,
        database_url,
        display_url,
        head_revision,
        make_engine,
        normalize_url,
    )

    url = database_url()
    parsed = normalize_url(url)
    click.echo(f"database: {display_url(url)}")
    click.echo(f"from:     {_where_from()}")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(make_url(url).database or "")
        click.echo(f"file:     {path.resolve()}")
        if not path.is_file():
            click.echo("state:    not created yet (a crawl or 'pricewatch db upgrade' creates it)")
            return
    engine = make_engine(url, read_only=True)
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    if revision is None:
        state = "no pricewatch tables ('pricewatch db upgrade' creates them)"
    elif revision == head:
        state = f"revision {revision} (up to date)"
    else:
        state = f"revision {revision}, this pricewatch needs {head}: run 'pricewatch db upgrade'"
    click.echo(f"state:    {state}")
