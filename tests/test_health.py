"""The health check a load balancer polls: /healthz asks the database."""

import time

import pytest
import sqlalchemy as sa

from meetup.extensions import db


def test_healthz_answers_ok_when_the_database_answers(client, count_queries):
    with count_queries() as statements:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    # Cheap: one probe, no session or user lookup (SQLite's BEGIN is ours, not a query).
    assert [s for s in statements if s != "BEGIN"] == ["SELECT 1"]


def test_healthz_needs_no_log_in(client):
    response = client.get("/healthz", follow_redirects=False)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "unreachable_url",
    [
        "sqlite:////nonexistent-directory/meetup.sqlite3",
        "postgresql+psycopg://postgres@127.0.0.1:1/meetup?connect_timeout=2",
    ],
    ids=["sqlite", "postgresql"],
)
def test_healthz_answers_503_when_the_database_does_not(make_app, unreachable_url):
    app = make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": unreachable_url})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert b"Traceback" not in response.data


def test_healthz_is_exempt_from_rate_limits(make_app, database_url):
    app = make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_DEFAULT": "2 per minute"})
    client = app.test_client()
    # Control: the default limit does bite an ordinary page.
    assert [client.get("/").status_code for _ in range(3)][-1] == 429
    assert {client.get("/healthz").status_code for _ in range(10)} == {200}


def test_a_connection_the_server_closed_is_replaced_before_a_request_uses_it(make_app, database_url):
    """PostgreSQL: the pool pings a connection before lending it (pool_pre_ping);
    one whose server process was terminated (as a restart or an idle timeout
    would) is replaced, and the request never sees it."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no server to lose")
    app = make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # one connection now waits in the pool
    with app.app_context():
        assert db.engine.pool.checkedin() == 1
        with db.engine.connect() as pooled:
            victim = pooled.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with sa.create_engine(database_url, poolclass=sa.pool.NullPool).connect() as admin:
        assert admin.exec_driver_sql(f"SELECT pg_terminate_backend({victim})").scalar()
    time.sleep(0.2)  # the server process has ended
    assert [client.get("/healthz").status_code for _ in range(3)] == [200] * 3
    with app.app_context():
        with db.engine.connect() as pooled:
            assert pooled.exec_driver_sql("SELECT pg_backend_pid()").scalar() != victim
