"""Database set-up that the models do not see: SQLite pragmas and BEGIN
statements, transactions that lock a row before they count, and ``folded``,
text compared as people mean it (width, case, hiragana/katakana) on both databases.

SQLite gets WAL (readers never wait for the writer), a busy timeout (writers
queue instead of failing) and enforced foreign keys. Every transaction that
may write begins ``BEGIN IMMEDIATE``: it waits for the write lock before it
reads anything. A deferred transaction that read first and then writes fails
at once, whatever the busy timeout, if another connection committed since its
first read (WAL's snapshot rule: "database is locked"). Only the transactions
of a GET, HEAD or OPTIONS request, which change nothing
(tests/test_get_changes_nothing.py), begin deferred, so pages read side by
side with each other and with the one writer.
"""

import unicodedata

from flask import has_request_context, request
from sqlalchemy import String, event, literal, select
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from meetup.extensions import db

# The largest value of an Integer column on PostgreSQL (SQLite's are wider):
# every id and count. A larger number names nothing and would make the
# database refuse the query.
INTEGER_MAX = 2**31 - 1

READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Execution option for the one transaction of a page that must write after
# all (``lock_row`` in a GET): it begins IMMEDIATE like any other writer.
_WRITES = "meetup_writes"


def _may_write() -> bool:
    """Whether a transaction begun now may write: anywhere but in a page read."""
    return not (has_request_context() and request.method in READING_METHODS)


_HIRAGANA = "".join(chr(code) for code in range(0x3041, 0x3097))  # ぁ to ゖ
_KATAKANA = "".join(chr(code) for code in range(0x30A1, 0x30F7))  # ァ to ヶ
_AS_KATAKANA = str.maketrans(_HIRAGANA, _KATAKANA)


def fold(text: str | None) -> str | None:
    """Text as a search compares it: NFKC (ｼﾌﾞﾔ, ＩＴ and the full-width space
    made plain), lower case, hiragana as katakana. The same steps as ``folded``
    in SQL, so a folded query matches folded columns on either database."""
    if text is None:
        return None
    return unicodedata.normalize("NFKC", text).lower().translate(_AS_KATAKANA)


class folded(FunctionElement):  # noqa: N801  (an SQL function, named like SQLAlchemy's)
    """``fold`` of a column, in SQL: PostgreSQL's normalize/lower/translate, and on
    SQLite the Python function each connection registers (configure_sqlite)."""

    type = String()
    inherit_cache = True


@compiles(folded)
def _folded_sqlite(element, compiler, **kw):
    return f"meetup_fold({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element, compiler, **kw):
    text = compiler.process(element.clauses, **kw)
    hiragana = compiler.process(literal(_HIRAGANA), literal_binds=True)
    katakana = compiler.process(literal(_KATAKANA), literal_binds=True)
    return f"translate(lower(normalize({text}, NFKC)), {hiragana}, {katakana})"


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Install the pragmas and BEGIN handling on a SQLite engine."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself (pysqlite's own handling defers it
        # and breaks SAVEPOINT); see SQLAlchemy's "Serializable isolation /
        # Savepoints / Transactional DDL" recipe for pysqlite.
        dbapi_connection.isolation_level = None
        dbapi_connection.create_function("meetup_fold", 1, fold, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        writes = _may_write() or connection.get_execution_options().get(_WRITES, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes and ROW_LOCKS_ENABLED else "BEGIN")


# Test-only switch: the concurrency tests' control runs turn the locks off
# (FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite) to prove that,
# without them, simultaneous registrations do overbook or fail. Never change
# it anywhere else.
ROW_LOCKS_ENABLED = True


def lock_row(model, id):
    """Take the write lock on one row before anything else is counted, and
    return that row freshly loaded (None if it does not exist)."""
    return locked(select(model).where(model.id == id), model).one_or_none()


def locked(statement, model):
    """The rows of ``statement`` (a select of ``model``), with this
    transaction holding their write lock: count only after it.

    PostgreSQL: ``SELECT … FOR UPDATE`` on those rows, so every other locker
    waits until this transaction ends; READ COMMITTED (pinned in create_app)
    lets every later statement see what was committed before the lock.
    SQLite ignores FOR UPDATE: a transaction that may write holds the
    database write lock since its BEGIN IMMEDIATE, so nobody else has
    written since it began. Whatever the session loaded before is read
    again when next used, so everything counted is read after the lock.
    """
    session = db.session()  # the current request's (or thread's) Session
    if session.get_bind().dialect.name == "sqlite" and not _may_write():
        _begin_writing(session)
    session.flush()
    session.expire_all()
    if ROW_LOCKS_ENABLED:
        statement = statement.with_for_update(of=model)
    return session.scalars(statement)


def _begin_writing(session) -> None:
    """A page that writes after all (the meet-again reveal once its window has
    closed): its transaction began deferred. End it (it only read) and begin
    one that takes the write lock first."""
    session.commit()
    session.connection(execution_options={_WRITES: True})
