"""Shared pytest fixtures.

Database fixtures: ``db_url`` runs a test against a fresh SQLite file and a fresh PostgreSQL
database (on ``$PRICEWATCH_TEST_PG``, default ``postgresql://postgres@127.0.0.1:5432/test``);
``store`` is a :class:`pricewatch.db.Store` on it. Without a reachable PostgreSQL server the
PostgreSQL variants are skipped, except under ``CI=true`` where they fail: CI must not go green
by silently testing SQLite only.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pricewatch.db import Store

PG_ADMIN_URL = os.environ.get("PRICEWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """URL of a PostgreSQL database to create test databases from (checked once)."""
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        message = f"PostgreSQL at {PG_ADMIN_URL} is unreachable: {str(exc).strip()}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: the PostgreSQL tests must run)", pytrace=False)
        pytest.skip(message)
    return PG_ADMIN_URL


def _fresh_postgres_database(admin_url: str) -> Iterator[str]:
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = f"pricewatch_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            # FORCE: a failed test may leave connections behind in its engine's pool.
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database: a SQLite file, or a new PostgreSQL database dropped after."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'pricewatch.db'}"
    else:
        yield from _fresh_postgres_database(request.getfixturevalue("pg_admin_url"))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A :class:`pricewatch.db.Store` on ``db_url`` (migrated on first use)."""
    from pricewatch.db import Store

    with Store.from_url(db_url) as s:
        yield s


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of the Chromium executable; skips (fails under CI=true) when it is missing."""
    path = os.environ.get("PRICEWATCH_CHROMIUM") or _default_chromium()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        message = f"Chromium not found at {path} (set PRICEWATCH_CHROMIUM)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: the browser tests must run)", pytrace=False)
        pytest.skip(message)
    return path


def _default_chromium() -> str:
    from pricewatch.config import default_chromium

    return default_chromium()
