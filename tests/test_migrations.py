"""Migrations build the schema from nothing, go all the way down and up again, and
match the models exactly."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from commission.extensions import db


def _tables():
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_every_migration_runs_down_and_up_again(app):
    directory = app.extensions["migrate"].directory
    assert "audit_entries" in _tables()
    downgrade(directory=directory, revision="base")
    assert _tables() == set()
    upgrade(directory=directory)
    assert _tables() == set(db.metadata.tables)


def test_migrated_schema_matches_the_models(app):
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


def test_db_upgrade_command_builds_an_empty_database(tmp_path):
    from commission import create_app
    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/new.db"})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert _tables() == set(db.metadata.tables)
        db.engine.dispose()
