"""When the database fails in the middle of a request, the person still gets
the app's own 500 page (not the server's bare one, which is what an error
page that needs the database would leave), and the next request works."""

import pytest
import sqlalchemy as sa
from flask import g
from flask_login import current_user

from meetup.accounts.models import User
from meetup.accounts.services import signups
from meetup.extensions import db
from tests.clock import NOW
from tests.conftest import PASSWORD, Auth, delete_all_rows

EMAIL = "door@example.com"
SORRY = "Something went wrong on our side"


@pytest.fixture
def app(base_app, make_app, database_url):
    """An app that answers errors as in production, on the suite's database,
    with a member who can log in; the rows are deleted afterwards."""
    app = make_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False, "SQLALCHEMY_DATABASE_URI": database_url})

    @sa.event.listens_for(_engine(app), "before_cursor_execute")
    def _database_gone(conn, cursor, statement, *args):
        if g and g.get("database_gone"):
            raise conn.dialect.loaded_dbapi.OperationalError("server closed the connection unexpectedly")

    with app.app_context():
        signups.sign_up(email=EMAIL, password=PASSWORD, display_name="Aiko Tanaka", industry="it", confirmed_at=NOW)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            delete_all_rows()


def _engine(app):
    with app.app_context():
        return db.engine


def _fails(app, name, failure):
    """A page that reads the logged-in member (or not), then meets ``failure``."""

    def view(load_user):
        if load_user:
            assert current_user.display_name == "Aiko Tanaka"
        failure()
        return "not reached"

    app.add_url_rule(f"/_test/{name}/<int:load_user>", f"test_{name}", view)


def _duplicate_email():
    """A write the database refuses at flush: the session then refuses every
    further statement until it is rolled back."""
    db.session.add(User(email=EMAIL, password_hash="x", display_name="Copy", industry="it"))
    db.session.flush()


def _database_gone():
    """Every statement from here to the end of the request fails, as when the
    server has gone away: the error page must not need it."""
    g.database_gone = True
    db.session.scalar(sa.select(sa.func.count()).select_from(User))


def _backend_terminated():
    """The server ends this request's connection (a restart, a failover, an
    administrator), then the request reads again."""
    pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    admin = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as connection:
            assert connection.scalar(sa.text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    finally:
        admin.dispose()
    db.session.scalar(sa.select(sa.func.count()).select_from(User))


FAILURES = {"duplicate": _duplicate_email, "gone": _database_gone, "terminated": _backend_terminated}


@pytest.mark.parametrize("load_user", [1, 0], ids=["member-loaded", "member-not-loaded"])
@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_a_database_failure_mid_request_gets_the_apps_own_500_page_and_the_next_request_works(
    app, database_url, failure, load_user
):
    if failure == "terminated" and not database_url.startswith("postgresql"):
        pytest.skip("a server that ends a connection: PostgreSQL only")
    _fails(app, failure, FAILURES[failure])
    client = app.test_client()
    assert Auth(client).login(email=EMAIL).status_code == 302

    response = client.get(f"/_test/{failure}/{load_user}")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert SORRY in page and "Traceback" not in page

    after = client.get("/profile")
    assert after.status_code == 200 and "Aiko Tanaka" in after.get_data(as_text=True)
