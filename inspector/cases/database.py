"""Where the case database is, connecting to it, and bringing its schema up to date.

The database is named by a SQLAlchemy URL: ``--db`` on the command line (the app's setting
in the app), else ``$BUNDLE_INSPECTOR_CASES_DB``, else a SQLite file in the data directory
(``cases.sqlite3`` beside the workspaces). A team shares one PostgreSQL database:
``postgresql://USER@HOST/DB`` (the password from ``~/.pgpass`` or ``PGPASSWORD``, as every
PostgreSQL client reads them; the psycopg 3 driver is used whatever the URL names). A bare
path is a SQLite file.

Opening runs the shipped Alembic migrations up to the newest revision, in place, in one
transaction: an old database is upgraded, a new one created. A database whose revision this
version does not know was made by a newer Bundle Inspector and is refused, untouched.
SQLite runs in WAL mode with a 30 s busy timeout, so the app and a triage run can share it.

>>> database_url("/tmp/team/cases.db")
'sqlite:////tmp/team/cases.db'
>>> database_url("postgresql://support@db.example.org/cases")
'postgresql+psycopg://support@db.example.org/cases'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from inspector.files import data_directory

DATABASE_VARIABLE = "BUNDLE_INSPECTOR_CASES_DB"
FILE_NAME = "cases.sqlite3"
MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_SECONDS = 30
CONNECT_TIMEOUT_SECONDS = 10


class CaseDatabaseError(Exception):
    """The case database cannot be used; the message is one line for the user."""


def database_url(explicit: str | None = None) -> str:
    """The URL to use (see the module docstring), as a string without a password."""
    return _url(explicit).render_as_string(hide_password=True)


def _url(explicit: str | None) -> URL:
    text = explicit or os.environ.get(DATABASE_VARIABLE) or str(data_directory() / FILE_NAME)
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser().absolute()))
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise CaseDatabaseError(f"not a database URL: {text!r} ({exc})") from None
    if url.get_backend_name() in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() != "sqlite":
        raise CaseDatabaseError(f"the case database is SQLite or PostgreSQL, not "
                                f"{url.get_backend_name()!r}")
    return url


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def connect(explicit: str | None = None) -> Engine:
    """An engine on the case database, its schema brought up to date.

    Raises ``CaseDatabaseError`` when it cannot be reached, created or upgraded.
    """
    url = _url(explicit)
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite":
        if url.database:
            try:
                Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CaseDatabaseError(f"cannot create the folder of {shown}: "
                                        f"{exc.strerror or exc}") from None
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True,
                               connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    try:
        upgrade(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise CaseDatabaseError(f"cannot use the case database {shown}: "
                                f"{reason[0] if reason else type(exc).__name__}") from None
    except CaseDatabaseError:
        engine.dispose()
        raise
    return engine


def schema_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty one."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision this version ships."""
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (the newest by default), in one transaction."""
    script = ScriptDirectory(str(MIGRATIONS))
    current = schema_revision(engine)
    if revision == "head" and current == script.get_current_head():
        return
    if current is not None:
        try:
            script.get_revision(current)
        except CommandError:
            raise CaseDatabaseError(
                f"the case database is at schema revision {current!r}, which this version "
                "does not know: it was made by a newer Bundle Inspector; upgrade to use it"
            ) from None
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
