"""Shared fixtures: the app on a migrated database, a rollback per test,
a client, an ``auth`` helper and small factories.

The suite runs on a temporary SQLite file, or on PostgreSQL when
MEETUP_TEST_DATABASE_URL is set (CI does both). Every test starts at the
same instant, MEETUP_TEST_NOW (tests/clock.py), whatever the wall clock says.
"""

import os
import re

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession

from meetup import create_app
from meetup.accounts.services import signups
from meetup.extensions import SESSION_OPTIONS, db, limiter
from tests import clock

PASSWORD = "correct horse battery"


def pytest_report_header(config):
    url = os.environ.get("MEETUP_TEST_DATABASE_URL")
    return [
        f"database: {'PostgreSQL ' + url if url else 'SQLite (temporary file)'}",
        f"clock: every test starts at {clock.TEST_NOW.isoformat()} (MEETUP_TEST_NOW)",
    ]


def pytest_configure(config):
    clock.start()  # before collection and session fixtures: the migrations' seed rows too


def pytest_unconfigure(config):
    clock.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    # Before any fixture of the test, module- and package-scoped ones included.
    clock.back_to_start()
    return (yield)


@pytest.fixture
def now():
    """The instant every test starts at (naive UTC); the clock ticks on from it."""
    return clock.NOW


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("MEETUP_TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def reset_schema(engine: sa.Engine) -> None:
    """Drop everything, so each run starts from the migrations alone."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        else:
            existing = sa.MetaData()
            existing.reflect(connection)
            existing.drop_all(connection)


@pytest.fixture(scope="session")
def base_app(database_url):
    """One app for the whole run, on a database built by the migrations."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    app.test_client_class = RequestScopedClient
    with app.app_context():
        reset_schema(db.engine)
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def make_app():
    """Factory for extra apps (other configs); their connections are closed after."""
    apps = []

    def make(config=None):
        app = create_app(config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()


# Reference rows the migrations seed (the platform's code of conduct): kept,
# so a later test finds the database as the migrations left it.
SEEDED_TABLES = {"codes_of_conduct"}


def delete_all_rows() -> None:
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in SEEDED_TABLES:
                connection.execute(table.delete())


class RequestScopedClient(FlaskClient):
    """Each request gets its own app context, as in production: its own ``g``
    (so the logged-in user is not carried over) and its own session.

    The test's own transaction ends first, as a browser's request comes after
    whatever the test did: on the test's shared connection a request's writes
    (a log-in's session row) would otherwise sit inside the test session's
    savepoint, and be undone when the test later rolls that session back."""

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            # What the test holds is read again when next used: the request
            # may have changed it.
            db.session.expire_all()
        return response


class _ConnectionBoundSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session, pinned to the test's connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture
def app(base_app):
    """The app inside an app context; everything a test writes is rolled back."""
    with base_app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        real_session = db.session
        # Services commit; within the test those commits release savepoints.
        db.session = db._make_scoped_session(
            {
                **SESSION_OPTIONS,
                "bind": connection,
                "class_": _ConnectionBoundSession,
                "join_transaction_mode": "create_savepoint",
            }
        )
        try:
            yield base_app
        finally:
            db.session.remove()
            db.session = real_session
            outer.rollback()
            connection.close()


def end_own_transaction() -> None:
    """End the test's own transaction before other connections (threads,
    servers, commands) write: outside a request, a SQLite transaction begins
    IMMEDIATE and holds the write lock until it ends (meetup.database), even
    when the test only read."""
    if has_app_context():
        db.session.commit()


def read_afresh() -> None:
    """End the test's own transaction and forget what it loaded, so that what
    it reads next is what other connections (threads, servers, commands)
    committed. (The app's session keeps objects loaded across commits:
    meetup.extensions.)"""
    db.session.rollback()
    db.session.expire_all()


@pytest.fixture
def committing_app(base_app):
    """The app with real commits (for other connections, threads and servers);
    every row is deleted afterwards."""
    with base_app.app_context():
        try:
            yield base_app
        finally:
            db.session.remove()
            delete_all_rows()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(base_app):
    """Each test counts on a new in-memory storage (``init_app`` builds it from
    the config). Not ``limiter.reset()``: limits' MemoryStorage runs an expiry
    timer thread 10 ms after a hit, which walks a snapshot of its keys and reads
    each one (``self.expirations[key]``); clearing the dictionaries under it
    raised KeyError in that thread, now and then, and failed the test.
    A replaced storage is left to its own timer, and nothing else touches it."""
    limiter.init_app(base_app)


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path="/") -> str:
    """A CSRF token as a browser would have it: read from a rendered form."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class Auth:
    """Log in and out through the real forms, as a person would."""

    def __init__(self, client):
        self.client = client

    def login(self, email="member@example.com", password=PASSWORD, remember=False, follow=False):
        data = {"email": email, "password": password, "csrf_token": csrf_token(self.client, "/login")}
        if remember:
            data["remember"] = "y"
        return self.client.post("/login", data=data, follow_redirects=follow)

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": csrf_token(self.client)})


@pytest.fixture
def auth(client):
    return Auth(client)


MAIL_LINK_RE = re.compile(r"https?://\S+")


def link_in_mail(address: str, kind: str) -> str:
    """The path (and query) of the first link in the latest mail of ``kind``
    queued to ``address``: where a person clicking it would go."""
    from urllib.parse import urlsplit

    from meetup.mail.models import OutboxMessage

    message = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.recipient_email == address, OutboxMessage.kind == kind)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no {kind} mail to {address}"
    url = urlsplit(MAIL_LINK_RE.search(message.body).group(0))
    return url.path + (f"?{url.query}" if url.query else "")


@pytest.fixture
def make_user(app):
    """Factory: a signed-up user (password PASSWORD) whose address is
    confirmed; ``confirmed_at=None`` for one who has not confirmed yet."""
    counter = iter(range(1, 10_000))

    def make(email=None, display_name=None, industry="it", **fields):
        n = next(counter)
        return signups.sign_up(
            email=email or f"member{n}@example.com",
            password=fields.pop("password", PASSWORD),
            display_name=display_name or f"Member {n}",
            industry=industry,
            **{"confirmed_at": clock.NOW, **fields},
        )

    return make


@pytest.fixture
def user(make_user):
    return make_user(email="member@example.com", display_name="Aiko Tanaka", industry="tax-accountant")


class SMTPRecorder:
    """aiosmtpd handler that keeps every message it receives, with the
    envelope's recipients, and refuses the recipients a test names."""

    def __init__(self):
        self.messages = []
        self.envelope_recipients = []  # per message, beside ``messages``
        self.refuse = {}  # recipient address -> the server's reply, e.g. "550 No such user"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(message_from_bytes(envelope.content, policy=default))
        self.envelope_recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted"


@pytest.fixture
def smtp_server(base_app):
    """A real SMTP server on a free loopback port; the app sends to it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recorder = SMTPRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {key: base_app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    base_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        yield recorder
    finally:
        base_app.config.update(saved)
        controller.stop()


@pytest.fixture
def count_queries(app):
    """Context manager counting the SQL statements run inside it."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements = []

        def record(conn, cursor, statement, *args):
            # Savepoints are the test harness's rollback, not the app's work.
            if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
                statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)

    return counting
