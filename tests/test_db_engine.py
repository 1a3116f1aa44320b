"""Where the database is and who may create it (pricewatch/db/engine.py, store read-only)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect

from pricewatch.cli.main import cli
from pricewatch.config import ConfigError
from pricewatch.db import engine as engine_module
from pricewatch.db.engine import (
    DatabaseError,
    database_url,
    default_database_path,
    is_checkout,
    make_engine,
    upgrade,
)
from pricewatch.db.store import Store


def test_default_database_is_one_fixed_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PRICEWATCH_DB_URL", raising=False)
    assert is_checkout()  # the tests run from a checkout
    assert default_database_path() == engine_module.PROJECT_ROOT / "var" / "pricewatch.db"
    monkeypatch.chdir(tmp_path)
    assert database_url() == f"sqlite:///{engine_module.PROJECT_ROOT / 'var' / 'pricewatch.db'}"
    # installed (not a checkout): the per-user data directory
    monkeypatch.setattr(engine_module, "is_checkout", lambda: False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_database_path() == tmp_path / "data" / "pricewatch" / "pricewatch.db"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = tmp_path / "home" / ".local" / "share" / "pricewatch" / "pricewatch.db"
    assert default_database_path() == expected
    assert not is_checkout(tmp_path)


def test_read_only_never_creates_a_sqlite_file(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent" / "x.db"
    with pytest.raises(DatabaseError, match=r"no database at .*nonexistent/x\.db"):
        Store.from_url(f"sqlite:///{missing}", read_only=True)
    assert not missing.parent.exists()
    result = CliRunner().invoke(cli, ["prices"], env={"PRICEWATCH_DB_URL": f"sqlite:///{missing}"})
    assert result.exit_code == 1
    assert result.output.startswith("error: no database at ")
    assert not missing.parent.exists()


def test_read_only_on_a_foreign_sqlite_database_says_so_and_changes_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    result = CliRunner().invoke(cli, ["prices"], env={"PRICEWATCH_DB_URL": f"sqlite:///{path}"})
    assert result.exit_code == 1
    assert "has no pricewatch tables" in result.output
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert tables == ["invoices"]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched


def test_read_only_commands_never_migrate_any_database(db_url: str) -> None:
    """The issue's case: pointed at an unrelated (empty) database, `prices` created tables."""
    if db_url.startswith("sqlite"):
        sqlite3.connect(db_url.removeprefix("sqlite:///")).close()  # an empty, existing file
    for command in (["prices"], ["history", "x"], ["runs"], ["prices", "--since", "7d"]):
        result = CliRunner().invoke(cli, command, env={"PRICEWATCH_DB_URL": db_url})
        assert result.exit_code == 1, result.output
        assert "has no pricewatch tables" in result.output
    engine = make_engine(db_url, read_only=True)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
    with pytest.raises(RuntimeError, match="read-only"):
        Store.from_url(db_url, read_only=True).start_run("x")
    upgrade(db_url)  # a writing command does create them
    with Store.from_url(db_url, read_only=True) as store:
        assert store.current_prices() == []


@pytest.mark.parametrize("url", ["mysql://u@h/db", "oracle://u:secret@h/db", "mssql://h/db"])
def test_unsupported_schemes_are_one_clear_line(url: str) -> None:
    with pytest.raises(ConfigError, match="is not supported; pricewatch uses SQLite"):
        make_engine(url)
    result = CliRunner().invoke(cli, ["prices"], env={"PRICEWATCH_DB_URL": url})
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "secret" not in result.output


def test_db_info_prints_where_and_state(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'info.db'}"
    env = {"PRICEWATCH_DB_URL": url}
    before = CliRunner().invoke(cli, ["db", "info"], env=env)
    assert before.exit_code == 0, before.output
    assert f"database: {url}" in before.output
    assert "from:     PRICEWATCH_DB_URL" in before.output
    assert "not created yet" in before.output
    assert not (tmp_path / "info.db").exists()
    upgrade(url)
    after = CliRunner().invoke(cli, ["db", "info"], env=env)
    assert "(up to date)" in after.output
    default = CliRunner().invoke(cli, ["db", "info"], env={"PRICEWATCH_DB_URL": ""})
    assert "from:     default: the checkout's var/" in default.output


def test_switching_to_wal_retries_while_another_connection_holds_the_lock(
    tmp_path: Path,
) -> None:
    # Two processes opening a new database both change its journal mode; SQLite answers one
    # of them "database is locked" at once (a lock upgrade it will not wait for). Connecting
    # retries instead of failing; a different error is not retried.
    real = sqlite3.connect(tmp_path / "new.db", isolation_level=None)

    class Contended:
        def __init__(self, refusals: int, message: str = "database is locked") -> None:
            self.refusals, self.message, self.calls = refusals, message, 0

        def execute(self, sql: str) -> sqlite3.Cursor:
            if sql.endswith("= WAL") and self.calls < self.refusals:
                self.calls += 1
                raise sqlite3.OperationalError(self.message)
            return real.execute(sql)

    contended = Contended(3)
    engine_module._use_wal(contended)
    assert contended.calls == 3
    assert real.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    real.close()
    other = sqlite3.connect(tmp_path / "other.db", isolation_level=None)
    real = other
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        engine_module._use_wal(Contended(1, "disk I/O error"))
    other.close()
