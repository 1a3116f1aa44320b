"""Alembic revisions, oldest first: ``NNNN_description.py``."""
