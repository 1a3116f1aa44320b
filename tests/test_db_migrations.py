"""Engine set-up and Alembic migrations of the storage layer, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from pricewatch.db import engine as engine_module
from pricewatch.db.engine import (
    SchemaError,
    current_revision,
    database_url,
    ensure_schema,
    head_revision,
    make_engine,
    normalize_url,
    run_alembic,
    upgrade,
)
from pricewatch.db.models import Base

REPO = Path(__file__).resolve().parent.parent
TABLES = {"shop", "listing", "price_observation", "crawl_run", "crawl_failure"}


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def test_migrations_create_exactly_the_models_schema(engine: Engine) -> None:
    assert ensure_schema(engine) is True
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_ensure_schema_is_idempotent(engine: Engine) -> None:
    assert current_revision(engine) is None
    assert ensure_schema(engine) is True
    assert current_revision(engine) == head_revision()
    assert ensure_schema(engine) is False
    assert ensure_schema(engine) is False
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_concurrent_ensure_schema_on_a_fresh_database(db_url: str) -> None:
    # Several spiders starting at once on a new database (processes, each with two threads):
    # exactly one migrates, none fails.
    start_at = time.time() + 2.0
    script = textwrap.dedent(
        f"""
        import threading, time
        from pricewatch.db.engine import ensure_schema, make_engine
        engines = [make_engine({db_url!r}) for _ in range(2)]
        results = []
        def migrate(engine):
            results.append(ensure_schema(engine))
        threads = [threading.Thread(target=migrate, args=(e,)) for e in engines]
        time.sleep(max(0.0, {start_at!r} - time.time()))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(sum(results), len(results))
        """
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    migrated = [tuple(map(int, out.split())) for out, _ in outputs]
    # Every thread got an answer (a thread's exception is printed on its process's stderr).
    assert all(n == 2 for _, n in migrated), [err for _, err in outputs]
    assert sum(m for m, _ in migrated) == 1  # and exactly one of them migrated
    engine = make_engine(db_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_downgrade_to_base_and_upgrade_again(engine: Engine) -> None:
    ensure_schema(engine)
    run_alembic(engine, command.downgrade, "base")
    assert current_revision(engine) is None
    assert not TABLES & set(inspect(engine).get_table_names())
    assert ensure_schema(engine) is True
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_0002_makes_a_zero_price_impossible_and_keeps_the_history(engine: Engine) -> None:
    # A database at 0001 with a listing, one real observation and a 0 row (never written by
    # pricewatch, but the old CHECK allowed it).
    run_alembic(engine, command.upgrade, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO shop (id, slug) VALUES (1, 'acme')"))
        conn.execute(text("INSERT INTO listing (id, shop_id, url) VALUES (1, 1, 'https://a/1')"))
        conn.execute(text("INSERT INTO crawl_run (id, spider) VALUES (1, 'acme')"))
        for id_, price in ((1, 1000), (2, 0)):
            conn.execute(
                text(
                    "INSERT INTO price_observation (id, listing_id, price_minor, currency, "
                    "first_seen, last_seen, run_id) VALUES (:id, 1, :p, 'EUR', :t, :t, 1)"
                ),
                {"id": id_, "p": price, "t": "2026-11-30 08:00:00"},
            )
        conn.execute(text("INSERT INTO crawl_failure (run_id, url, reason) VALUES (1, 'u', 'x')"))
    run_alembic(engine, command.upgrade, "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, price_minor FROM price_observation")).all() == [
            (1, 1000)
        ]
        # Rebuilding crawl_run (its status CHECK) must not cascade into its failures.
        assert conn.execute(text("SELECT count(*) FROM crawl_failure")).scalar() == 1
    for statement in (
        "INSERT INTO price_observation (listing_id, price_minor, currency, first_seen, "
        "last_seen) VALUES (1, 0, 'EUR', '2026-12-01', '2026-12-01')",
        "UPDATE crawl_run SET status = 'bogus'",
    ):
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.begin() as conn:
        conn.execute(text("UPDATE crawl_run SET status = 'timed_out', exit_code = -15"))
    run_alembic(engine, command.downgrade, "0001")  # timed_out becomes failed
    with engine.connect() as conn:
        assert conn.execute(text("SELECT status FROM crawl_run")).scalar() == "failed"


def test_upgrade_command(db_url: str) -> None:
    assert upgrade(db_url) == head_revision()
    assert upgrade(db_url) == head_revision()


def test_unknown_revision_is_refused(engine: Engine) -> None:
    ensure_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'from_the_future'"))
    with pytest.raises(SchemaError, match="from_the_future"):
        ensure_schema(engine)


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    engine.dispose()


def test_sqlite_transactions_really_roll_back(tmp_path: Path) -> None:
    # The engine takes over BEGIN from the sqlite3 module: check that DDL and DML both
    # participate in transactions.
    engine = make_engine(f"sqlite:///{tmp_path / 'tx.db'}")
    with pytest.raises(RuntimeError), engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        raise RuntimeError("roll back")
    assert "t" not in inspect(engine).get_table_names()
    engine.dispose()


def test_database_url_default_and_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PRICEWATCH_DB_URL", raising=False)
    monkeypatch.setattr(engine_module, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(engine_module, "is_checkout", lambda: True)
    assert database_url() == f"sqlite:///{tmp_path / 'var' / 'pricewatch.db'}"
    monkeypatch.setenv("PRICEWATCH_DB_URL", "postgresql://u@db/x")
    assert database_url() == "postgresql://u@db/x"


def test_default_sqlite_database_is_created_under_var(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PRICEWATCH_DB_URL", raising=False)
    monkeypatch.setattr(engine_module, "PROJECT_ROOT", tmp_path / "checkout")
    monkeypatch.setattr(engine_module, "is_checkout", lambda: True)
    monkeypatch.chdir(tmp_path)  # not the checkout: the file still goes to the checkout's var/
    assert upgrade() == head_revision()
    assert (tmp_path / "checkout" / "var" / "pricewatch.db").is_file()
    assert not (tmp_path / "var").exists()


def test_postgresql_urls_use_psycopg3() -> None:
    assert normalize_url("postgresql://u:p@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("postgres://u:p@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    engine = make_engine("postgresql://u:p@h/db")  # create_engine does not connect
    assert engine.dialect.driver == "psycopg"
    assert engine.url.password == "p"
    engine.dispose()
