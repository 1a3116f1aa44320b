"""Database engines and schema migrations.

``make_engine`` builds a SQLAlchemy engine tuned for the backend: SQLite gets WAL, a long busy
timeout and real transactions; PostgreSQL URLs are pointed at psycopg 3. ``ensure_schema``
brings a database to the newest Alembic revision; the store calls it on first use and the CLI
(``pricewatch db upgrade``) through :func:`upgrade`.

The default database (no ``PRICEWATCH_DB_URL``/``db_url``) is one fixed SQLite file whatever the
current directory: ``var/pricewatch.db`` under the project root when pricewatch runs from a
checkout, else ``pricewatch.db`` in the per-user data directory (``$XDG_DATA_HOME/pricewatch``,
default ``~/.local/share/pricewatch``); :func:`default_database_path`. Read-only users
(``make_engine(read_only=True)``) never create a file or directory: a missing SQLite file is a
:class:`DatabaseError`. Only SQLite and PostgreSQL are supported; any other scheme is one clear
:class:`~pricewatch.config.ConfigError`.

Alembic is configured entirely in code (:func:`alembic_config`): no ``alembic.ini`` is needed,
migrations live in ``pricewatch/db/migrations``. To add one after changing the models::

    from alembic import command
    from pricewatch.db.engine import alembic_config, upgrade

    upgrade("sqlite:///var/dev.db")  # a database at the current head
    command.revision(alembic_config("sqlite:///var/dev.db"), "add foo", autogenerate=True,
                     rev_id="0002")

then review the generated ``versions/0002_add_foo.py`` (tests/test_db_migrations.py checks that
the migrations still produce exactly the models' schema).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from pricewatch.config import ConfigError, get_config
from pricewatch.errors import PricewatchError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: The repository root when pricewatch runs from a checkout (``pip install -e .``).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SUPPORTED_BACKENDS = ("sqlite", "postgresql")

#: Execution option marking connections that are going to write. On SQLite their transactions
#: start with ``BEGIN IMMEDIATE``: the write lock is taken up front (waiting up to the busy
#: timeout) instead of when the first INSERT runs, so two writers can never both read, then
#: both try to upgrade to a write lock and have one fail with "database is locked".
WRITE_OPTION = "pricewatch_write"

SQLITE_BUSY_TIMEOUT_MS = 30_000

# pg_advisory_xact_lock key serialising concurrent migrations ("pricewatch" in ASCII, truncated
# to fit a bigint).
PG_MIGRATION_LOCK = 0x7072696365776174


# Alembic keeps the running migration context in module globals (alembic.context, alembic.op):
# two threads must not run commands at the same time. Other processes are kept out by
# database locks (see migrations/env.py).
_ALEMBIC_LOCK = threading.RLock()


class SchemaError(RuntimeError):
    """The database schema cannot be brought to the revision this code expects."""


class DatabaseError(PricewatchError):
    """The database cannot be used as asked: missing file, not pricewatch's, not migrated."""


def is_checkout(root: Path = PROJECT_ROOT) -> bool:
    """Whether ``root`` is a pricewatch source tree (its ``pyproject.toml`` names pricewatch)."""
    try:
        text = (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return False
    return 'name = "pricewatch"' in text and (root / "pricewatch" / "__init__.py").is_file()


def user_data_dir() -> Path:
    """``$XDG_DATA_HOME/pricewatch``, default ``~/.local/share/pricewatch``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pricewatch"


def default_database_path() -> Path:
    """The default SQLite file: the checkout's ``var/pricewatch.db``, else the user data dir."""
    if is_checkout():
        return PROJECT_ROOT / "var" / "pricewatch.db"
    return user_data_dir() / "pricewatch.db"


def database_url() -> str:
    """The configured database URL (``get_config().db_url``), else the default SQLite file
    (:func:`default_database_path`, an absolute path: the same file from any directory)."""
    return get_config().db_url or f"sqlite:///{default_database_path()}"


def display_url(url: str | URL) -> str:
    """``url`` as it may be printed: the password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return str(url)


def normalize_url(url: str | URL) -> URL:
    """Parse ``url``, making plain ``postgresql://`` (and ``postgres://``) use psycopg 3.

    Only SQLite and PostgreSQL are supported: any other scheme is a :class:`ConfigError`.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            f"database URL {str(url)!r} is not valid ({exc}); expected e.g. "
            "sqlite:///var/pricewatch.db or postgresql://user@host/dbname"
        ) from None
    # SQLAlchemy's default PostgreSQL driver is psycopg2, which is not a dependency.
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise ConfigError(
            f"database URL {display_url(url)!r}: {parsed.get_backend_name()!r} is not supported; "
            "pricewatch uses SQLite (sqlite:///path/to/file.db) or PostgreSQL "
            "(postgresql://user@host/dbname)"
        )
    return parsed


def make_engine(url: str | URL | None = None, *, read_only: bool = False, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` (default: :func:`database_url`).

    SQLite connections get ``journal_mode=WAL`` (readers never block the crawl's writer),
    ``busy_timeout=30000``, ``foreign_keys=ON`` and ``synchronous=NORMAL`` (durable at every
    checkpoint, safe against process crashes in WAL mode), and the directory of the database
    file is created. With ``read_only`` nothing is created or changed: a missing SQLite file is
    a :class:`DatabaseError` and the journal mode is left alone. Extra keyword arguments go to
    :func:`sqlalchemy.create_engine`.
    """
    parsed = normalize_url(url if url is not None else database_url())
    if parsed.get_backend_name() == "sqlite":
        if read_only:
            _require_sqlite_file(parsed)
        else:
            _create_sqlite_dir(parsed)
        engine = create_engine(parsed, **kwargs)
        _install_sqlite_hooks(engine, wal=not read_only)
        return engine
    # Long crawls keep a pool around while the server may restart: test connections first.
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **kwargs)


def _create_sqlite_dir(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    Path(database).parent.mkdir(parents=True, exist_ok=True)


def _require_sqlite_file(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    if not Path(database).is_file():
        raise DatabaseError(
            f"no database at {Path(database).resolve()}: 'pricewatch crawl SHOP' or "
            "'pricewatch db upgrade' creates it (see 'pricewatch db info')"
        )


def _install_sqlite_hooks(engine: Engine, *, wal: bool = True) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module, whose legacy mode does not
        # BEGIN before SELECTs or DDL; _on_begin below emits BEGIN instead (this is the recipe
        # from SQLAlchemy's SQLite documentation for Python < 3.12).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            if wal:  # switching the journal mode writes to the file
                _use_wal(cursor)
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def _use_wal(cursor: Any) -> None:
    """Put the database in WAL mode (persistent: done once per file, then only checked).

    Changing the journal mode needs an exclusive lock and SQLite reports a held lock at once
    ("database is locked") instead of calling the busy handler, which happens when several
    processes open a new database together. So retry for up to the busy timeout.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            if _pragma(cursor, "journal_mode") == "wal":
                return
            # SQLite answers with the old mode when it could not change it.
            if _pragma(cursor, "journal_mode = WAL") == "wal":
                return
            problem = sqlite3.OperationalError("could not switch the database to WAL mode")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
            problem = exc
        if time.monotonic() >= deadline:
            raise problem
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _pragma(cursor: Any, statement: str) -> str:
    """The (lower-case) answer of ``PRAGMA statement``."""
    return str(cursor.execute(f"PRAGMA {statement}").fetchone()[0]).lower()


def writer(engine: Engine) -> Engine:
    """``engine`` with :data:`WRITE_OPTION` set (shares its connection pool)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for pricewatch's migrations, built without an ini file.

    With ``url`` the migration environment connects there itself (e.g. for
    ``command.revision(alembic_config(url), autogenerate=True, message=...)``); otherwise
    callers pass an open connection in ``config.attributes["connection"]``.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Generated revisions come out ruff-clean (python -m ruff, as in the dev setup).
    config.set_section_option("post_write_hooks", "hooks", "ruff_fix, ruff_format")
    for name, options in (("ruff_fix", "check --fix"), ("ruff_format", "format")):
        config.set_section_option("post_write_hooks", f"{name}.type", "module")
        config.set_section_option("post_write_hooks", f"{name}.module", "ruff")
        config.set_section_option(
            "post_write_hooks", f"{name}.options", f"{options} REVISION_SCRIPT_FILENAME"
        )
    if url is not None:
        # ConfigParser interpolation treats "%" specially (URL-encoded passwords).
        config.set_main_option("sqlalchemy.url", str(url).replace("%", "%%"))
    return config


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest migration revision shipped with this code."""
    head = _script().get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's Alembic revision, or ``None`` for an empty (unmigrated) database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_schema(engine: Engine) -> None:
    """For readers: the database must be pricewatch's, at this code's revision; changes nothing.

    Raises :class:`DatabaseError` for a database without pricewatch's tables (a wrong URL)
    or at another revision (``pricewatch db upgrade`` migrates it).
    """
    where = display_url(engine.url)
    current = current_revision(engine)
    if current == head_revision():
        return
    if current is None:
        raise DatabaseError(
            f"{where} has no pricewatch tables (a wrong PRICEWATCH_DB_URL?); a crawl or "
            "'pricewatch db upgrade' creates them"
        )
    if not _known_revision(current):
        raise DatabaseError(
            f"{where} is at revision {current!r}, unknown to this version of pricewatch "
            "(was it migrated by a newer version?)"
        )
    raise DatabaseError(
        f"{where} is at revision {current}, this pricewatch needs {head_revision()}: "
        "run 'pricewatch db upgrade'"
    )


def ensure_schema(engine: Engine) -> bool:
    """Upgrade the database to the head revision unless it is there already.

    Returns whether migrations ran. Safe to call from several processes at once: migrations
    run under a write lock (SQLite) or an advisory lock (PostgreSQL), and Alembic reads the
    current revision only once it holds the lock.
    """
    current = current_revision(engine)
    if current == head_revision():
        return False
    if current is not None and not _known_revision(current):
        raise SchemaError(
            f"database is at revision {current!r}, unknown to this version of pricewatch "
            "(was it migrated by a newer version?)"
        )
    config = run_alembic(engine, command.upgrade, "head")
    return bool(config.attributes.get("applied"))


def _known_revision(revision: str) -> bool:
    try:
        return _script().get_revision(revision) is not None
    except (CommandError, RevisionError):
        return False


def run_alembic(engine: Engine, fn: Any, *args: Any, **kwargs: Any) -> Config:
    """Run an Alembic command (``command.upgrade``, ``command.downgrade``, ...) on ``engine``.

    Returns the config used; ``config.attributes["applied"]`` lists the revisions applied.
    """
    config = alembic_config()
    with _ALEMBIC_LOCK, writer(engine).connect() as connection:
        config.attributes["connection"] = connection
        fn(config, *args, **kwargs)
    return config


def upgrade(url: str | None = None) -> str:
    """Migrate the database at ``url`` (default: :func:`database_url`) to head.

    Backs ``pricewatch db upgrade``; returns the revision the database is at afterwards.
    """
    engine = make_engine(url)
    try:
        ensure_schema(engine)
        revision = current_revision(engine)
        assert revision is not None
        return revision
    finally:
        engine.dispose()
