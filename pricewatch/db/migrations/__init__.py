"""Alembic migration environment for the pricewatch schema (see ``pricewatch.db.engine``)."""
