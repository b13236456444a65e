"""What Alembic runs to migrate the case database, on the connection the caller opened.

``inspector.cases.database.upgrade`` passes its connection in ``config.attributes``; the
migrations run in one transaction on it. On PostgreSQL, a transaction-scoped advisory lock
makes two clients opening a fresh shared database at once take turns instead of both
creating the tables. Imported outside Alembic (the test collector imports every module),
it does nothing.
"""

from __future__ import annotations

from alembic import context
from alembic.config import Config
from sqlalchemy import text

# A fixed number all Bundle Inspector clients lock on while migrating a PostgreSQL database.
MIGRATION_LOCK = 0x42494E53  # "BINS"


def run_migrations(config: Config) -> None:
    connection = config.attributes["connection"]
    context.configure(connection=connection, render_as_batch=True)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": MIGRATION_LOCK})
        context.run_migrations()


if getattr(context, "config", None) is not None:  # run by Alembic, not merely imported
    run_migrations(context.config)
