from inspector.cases.database import schema_revision
from inspector.cases.migrations import env
from tests.inspector.cases.databases import connected


def test_imported_outside_alembic_it_does_nothing():
    assert env.MIGRATION_LOCK > 0


def test_run_by_alembic_it_migrates_the_callers_connection(database_url):
    with connected(database_url) as engine:
        assert schema_revision(engine) == "0001"
