"""The part every store module shares: the engine, its sessions and the schema check.

A store opened for writing migrates the schema on first use; one opened ``read_only`` (the CLI's
reading commands) never creates or migrates anything: it checks that the database is
pricewatch's, at this code's revision, and refuses to write.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from pricewatch.db.engine import check_schema, ensure_schema, make_engine, writer
from pricewatch.money import from_minor_units

#: Keys per ``IN (...)`` list: far below SQLite's and PostgreSQL's bound-parameter limits.
CHUNK = 500


def money_or_none(minor: int | None, currency: str | None) -> Decimal | None:
    """``minor`` units as a ``Decimal`` in ``currency``; None when either is missing."""
    return None if minor is None or currency is None else from_minor_units(minor, currency)


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class StoreBase:
    """A SQLAlchemy engine with read and write sessions; the schema is migrated on first use.

    Each public method of the store is one short transaction, so a store may be shared between
    threads and a crawl killed at any moment leaves every completed call committed.
    """

    def __init__(
        self, engine: Engine, *, owns_engine: bool = False, read_only: bool = False
    ) -> None:
        self.engine = engine
        # Same pool; on SQLite its transactions take the write lock at BEGIN.
        self._writer = writer(engine)
        self._owns_engine = owns_engine
        self._schema_ready = False
        self.read_only = read_only

    @classmethod
    def from_url(cls, url: str | None = None, *, read_only: bool = False) -> Self:
        """A store on its own engine for ``url`` (default: the configured database).

        ``read_only``: the database must exist with pricewatch's current schema (a
        :class:`~pricewatch.db.engine.DatabaseError` otherwise); nothing is created or migrated.
        """
        return cls(make_engine(url, read_only=read_only), owns_engine=True, read_only=read_only)

    def close(self) -> None:
        """Release the engine's connections if this store created the engine."""
        if self._owns_engine:
            self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _ready(self) -> None:
        if not self._schema_ready:
            if self.read_only:
                check_schema(self.engine)
            else:
                ensure_schema(self.engine)
            self._schema_ready = True

    def _read_session(self) -> Session:
        self._ready()
        return Session(self.engine)

    def _write_session(self) -> Session:
        if self.read_only:
            raise RuntimeError("this store was opened read-only")
        self._ready()
        return Session(self._writer, expire_on_commit=False)
