"""Scratch databases beside the suite's own: a temporary SQLite file, or a
PostgreSQL database created on the test server and dropped afterwards, so a
test can migrate, restore or wipe without disturbing the suite's database."""

import os
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import make_url


@contextmanager
def scratch_database(database_url: str, name: str, tmp_path):
    """Yield the URL of an empty database called ``name`` (per process, so two
    runs on one server do not collide) on the same server as ``database_url``."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / (name + '.sqlite3')}"
        return
    name = f"{name}_{os.getpid()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
