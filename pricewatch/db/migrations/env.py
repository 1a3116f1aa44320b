"""Alembic environment, configured from code by ``pricewatch.db.engine.alembic_config``.

Online migrations use the connection passed in ``config.attributes["connection"]`` (so they
get the engine's SQLite pragmas and transaction handling) or else connect to the configured
``sqlalchemy.url`` / ``$PRICEWATCH_DB_URL``. Batch mode is on because SQLite can only alter
tables by copying them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from alembic.runtime.migration import MigrationContext, MigrationInfo
from sqlalchemy import Connection

from pricewatch.db.engine import PG_MIGRATION_LOCK, make_engine, normalize_url, writer
from pricewatch.db.models import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Write UTCDateTime as plain ``sa.DateTime(timezone=True)`` in generated migrations.

    The UTC normalisation happens in Python; migrations must not import the models.
    """
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


COMMON_OPTIONS: dict[str, Any] = {
    "target_metadata": target_metadata,
    "render_as_batch": True,
    "compare_type": True,
    "render_item": render_item,
}


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (``alembic upgrade --sql``)."""
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("offline migrations need sqlalchemy.url in the Alembic config")
    context.configure(
        url=normalize_url(url),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **COMMON_OPTIONS,
    )
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # Issued on the DB-API connection because the pragma is ignored inside a transaction and
    # SQLAlchemy would begin one for any statement it executes.
    dbapi_connection = connection.connection.driver_connection
    assert dbapi_connection is not None
    dbapi_connection.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def _record_step(
    ctx: MigrationContext,
    step: MigrationInfo,
    heads: Collection[Any],
    run_args: Mapping[str, Any],
) -> None:
    # Lets callers (ensure_schema) tell whether this process actually applied anything, as
    # opposed to finding the work done by another process once it got the lock.
    config.attributes.setdefault("applied", []).append(step.up_revision_id)


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode rebuilds a table by copying it and dropping the original; with foreign
        # keys enforced, that DROP would cascade-delete every referencing row (a listing
        # rebuild would wipe the price history). Integrity is checked before committing.
        _sqlite_foreign_keys(connection, on=False)
    try:
        # SQLite does support transactional DDL once BEGIN is emitted (the engine does that):
        # all migrations of an upgrade then commit or roll back together.
        context.configure(
            connection=connection,
            transactional_ddl=True,
            on_version_apply=_record_step,
            **COMMON_OPTIONS,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Two processes starting on a fresh database must not both create the tables:
                # the loser waits here, then Alembic sees the new revision and does nothing.
                # (On SQLite the engine's BEGIN IMMEDIATE does the same.)
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_MIGRATION_LOCK})")
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration broke foreign keys: {broken[:10]}")
    finally:
        if sqlite:
            _sqlite_foreign_keys(connection, on=True)


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with writer(engine).connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
