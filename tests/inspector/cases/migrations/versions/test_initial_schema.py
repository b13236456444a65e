from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from inspector.cases.database import MIGRATIONS, schema_revision
from tests.inspector.cases.databases import connected


def test_it_upgrades_an_empty_database_and_downgrades_to_nothing(database_url):
    with connected(database_url) as engine:
        assert {"cases", "analyses", "findings"} <= set(inspect(engine).get_table_names())
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert schema_revision(engine) is None
        assert not {"cases", "analyses", "findings"} & set(inspect(engine).get_table_names())
