"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from meetup.extensions import db


def test_models_and_migrations_agree(app):
    # The test's own connection: on SQLite another one would wait for the
    # write lock this one holds (meetup.database).
    context = MigrationContext.configure(db.session.connection(), opts={"compare_type": True})
    diff = compare_metadata(context, db.metadata)
    assert diff == [], f"Models differ from the migrations; run `flask --app meetup db migrate`: {diff}"


def test_the_database_is_at_the_newest_revision(app):
    from alembic.script import ScriptDirectory
    from flask import current_app

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    current = MigrationContext.configure(db.session.connection()).get_current_revision()
    assert current == script.get_current_head()
