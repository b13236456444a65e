"""Fixtures shared by the core's tests: ``database_url``, a fresh case database of each kind
(SQLite, PostgreSQL; see ``tests.inspector.cases.databases``)."""

from tests.inspector.cases.databases import database_url

__all__ = ["database_url"]
