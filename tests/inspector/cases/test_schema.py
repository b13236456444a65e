from sqlalchemy import create_engine, inspect

from inspector.cases import schema
from tests.inspector.cases.databases import connected


def _shape(engine):
    found = inspect(engine)
    return {table: ({c["name"]: (type(c["type"]).__name__, c["nullable"])
                     for c in found.get_columns(table)},
                    sorted(i["name"] for i in found.get_indexes(table)))
            for table in sorted(found.get_table_names()) if table != "alembic_version"}


def test_the_migrations_build_exactly_the_tables_schema_describes(tmp_path):
    declared = create_engine(f"sqlite:///{tmp_path / 'declared.sqlite3'}")
    schema.metadata.create_all(declared)
    with connected(str(tmp_path / "migrated.sqlite3")) as migrated:
        assert _shape(migrated) == _shape(declared)
        assert set(_shape(migrated)) == {"cases", "analyses", "findings"}
    declared.dispose()
