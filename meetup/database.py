"""Database set-up that the models do not see: SQLite pragmas, PostgreSQL
connection checks, and transactions that lock a row before they count.

SQLite gets WAL (readers never wait for the writer), a busy timeout (writers
queue instead of failing), enforced foreign keys, and SQLAlchemy-controlled
BEGIN statements so that a service can ask for ``BEGIN IMMEDIATE``.
"""

import select as io_select
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

from meetup.extensions import db

# The largest value of an Integer column on PostgreSQL (SQLite's are wider):
# every id and count. A larger number names nothing and would make the
# database refuse the query.
INTEGER_MAX = 2**31 - 1

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


def configure_postgresql(engine: Engine) -> None:
    """Replace a pooled connection the server has closed, before a request uses it.

    ``pool_pre_ping`` asks the server (a round trip) at every checkout. An
    idle connection has nothing to read unless the server has sent something
    unasked: its goodbye and end of file when it restarts, ends idle sessions
    or is told to terminate the backend. So a look at the socket, without
    waiting, finds the same dead connections; the pool then opens a new one."""

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, _record, _proxy):
        if dbapi_connection.closed or _has_unread_data(dbapi_connection.fileno()):
            raise DisconnectionError("the database server closed this connection")


def _has_unread_data(fd: int) -> bool:
    poll = io_select.poll()
    poll.register(fd, io_select.POLLIN | io_select.POLLERR | io_select.POLLHUP)
    return bool(poll.poll(0))


@contextmanager
def immediate_begin():
    """Within this block, a new SQLite transaction takes the write lock at BEGIN."""
    token = _begin_immediate.set(True)
    try:
        yield
    finally:
        _begin_immediate.reset(token)


# Test-only switch: the concurrency tests' control run turns row locks off to
# prove that, without them, simultaneous registrations do overbook. Never
# change it anywhere else.
ROW_LOCKS_ENABLED = True


def lock_row(model, id):
    """Take the write lock on one row before anything else is counted, and
    return that row freshly loaded (None if it does not exist).

    PostgreSQL: ``SELECT … FOR UPDATE`` on the row, so every other locker of
    it waits until this transaction ends. SQLite: ``BEGIN IMMEDIATE``, the
    database-wide write lock, taken before anything is read. Either way the
    caller counts only after the lock, and counts what others committed.
    """
    session = db.session()  # the current request's (or thread's) Session
    if session.in_transaction():
        # By contract nothing was written earlier in the request, only read
        # (the reader, the page's objects).
        if session.get_bind().dialect.name == "postgresql":
            # READ COMMITTED (pinned in create_app): every statement after the
            # lock sees all that was committed before it, so the lock can be
            # taken in the transaction already open, without a COMMIT and a
            # new BEGIN. Objects loaded earlier are expired, as a commit would.
            session.expire_all()
        else:
            # A SQLite read transaction holds its snapshot, and BEGIN
            # IMMEDIATE must start a transaction: end it, start afresh.
            session.commit()
    statement = select(model).where(model.id == id).execution_options(populate_existing=True)
    if not ROW_LOCKS_ENABLED:
        return session.scalars(statement).one_or_none()
    with immediate_begin():
        # SQLite ignores FOR UPDATE; its lock came with BEGIN IMMEDIATE.
        return session.scalars(statement.with_for_update(of=model)).one_or_none()
