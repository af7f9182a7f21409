"""Database set-up that the models do not see: SQLite pragmas and transactions
that lock a row before they count.

SQLite gets WAL (readers never wait for the writer), a busy timeout (writers
queue instead of failing), enforced foreign keys, and SQLAlchemy-controlled
BEGIN statements so that a service can ask for ``BEGIN IMMEDIATE``.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

_begin_immediate: ContextVar[bool] = ContextVar("begin_immediate", default=False)


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Install the pragmas and BEGIN handling on a SQLite engine."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself (pysqlite's own handling defers it
        # and breaks SAVEPOINT); see SQLAlchemy's "Serializable isolation /
        # Savepoints / Transactional DDL" recipe for pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _begin_immediate.get() else "BEGIN")


@contextmanager
def immediate_begin():
    """Within this block, a new SQLite transaction takes the write lock at BEGIN."""
    token = _begin_immediate.set(True)
    try:
        yield
    finally:
        _begin_immediate.reset(token)
