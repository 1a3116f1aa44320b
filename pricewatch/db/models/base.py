"""Schema building blocks shared by every model module: the declarative base, UTC timestamps,
big primary keys, constraint naming and CHECK helpers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Dialect, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import DateTime, TypeDecorator

# Explicit constraint names: SQLite batch migrations can only drop or alter constraints that
# have names, and deterministic names keep PostgreSQL and SQLite schemas identical.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that only accepts and always returns aware UTC datetimes.

    PostgreSQL stores ``timestamptz`` natively but returns it in the session time zone;
    SQLite has no time zone support at all and hands back naive values. Normalising both
    ways here means the rest of the code never sees a naive or non-UTC datetime.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            # A naive value is ambiguous (local time? UTC?): refuse rather than guess.
            raise ValueError(f"naive datetime {value!r}: pricewatch stores aware UTC datetimes")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite's DATETIME storage format has no offset; store UTC wall-clock time.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Big primary keys for the tables that grow with every crawl; on SQLite only INTEGER PRIMARY
# KEY is an alias of the rowid (and autoincrements), so the variant keeps it INTEGER there.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def check_in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
