import pytest
from sqlalchemy import inspect, text

from inspector.cases.database import (
    DATABASE_VARIABLE,
    CaseDatabaseError,
    connect,
    database_url,
    head_revision,
    schema_revision,
)
from tests.inspector.cases.databases import connected


def test_the_default_is_a_sqlite_file_in_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("BUNDLE_INSPECTOR_DATA", str(tmp_path))
    monkeypatch.delenv(DATABASE_VARIABLE, raising=False)
    assert database_url() == f"sqlite:///{tmp_path}/cases.sqlite3"
    monkeypatch.setenv(DATABASE_VARIABLE, "postgresql://team@db.example.org/cases")
    assert database_url() == "postgresql+psycopg://team@db.example.org/cases"
    assert database_url("other.db").endswith("/other.db")


def test_a_new_database_is_created_at_the_newest_revision(database_url):
    with connected(database_url) as engine:
        assert schema_revision(engine) == head_revision()
        assert {"cases", "analyses", "findings"} <= set(inspect(engine).get_table_names())
    with connected(database_url) as again:  # opening again changes nothing
        assert schema_revision(again) == head_revision()


def test_a_database_from_a_newer_version_is_refused_untouched(database_url):
    with connected(database_url) as engine:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(CaseDatabaseError, match="newer Bundle Inspector"):
            connect(database_url)
        assert schema_revision(engine) == "9999"


def test_bad_urls_and_unreachable_servers_get_one_clear_line():
    with pytest.raises(CaseDatabaseError, match="SQLite or PostgreSQL"):
        connect("mysql://db.example.org/cases")
    with pytest.raises(CaseDatabaseError, match="cannot use the case database") as caught:
        connect("postgresql://nobody:secret@127.0.0.1:1/cases")
    assert "secret" not in str(caught.value) and "\n" not in str(caught.value)
