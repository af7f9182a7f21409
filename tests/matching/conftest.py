"""Meet-again fixtures: an evening whose tables were published, moments in
and after its meet-again window, and logged-in clients per person."""

from datetime import timedelta

import pytest

from meetup.events.models import Event
from meetup.extensions import db
from meetup.seating.services import forming, publishing
from tests.conftest import Auth
from tests.events.conftest import event, host, make_event, sign_up_for  # noqa: F401  (shared fixtures)
from tests.seating.conftest import evening  # noqa: F401


@pytest.fixture
def during(now):
    """The evening is under way (it starts an hour after ``now``)."""
    return now + timedelta(hours=2)


@pytest.fixture
def after(now):
    """Just after the default three-day window has closed."""
    return now + timedelta(hours=3, days=3, minutes=1)


@pytest.fixture
def seated(evening, host, now):
    """Factory: an evening with its tables formed and published.

    Returns (event, users). With the defaults (four people, tables of four,
    one round) everyone shares one table."""

    def make(people=4, rounds=1, users=None, publish=True, **options):
        event, users = evening(people=people, rounds=rounds, users=users, **options)
        if publish:
            forming.form_tables(host, event.id)
            publishing.publish(host, event.id, now=now)
        return event, users

    return make


def shift_event(event_id: int, delta: timedelta) -> None:
    """Move an event in time (tests use it to let its window open or close)."""
    event = db.session.get(Event, event_id)
    event.starts_at, event.ends_at = event.starts_at + delta, event.ends_at + delta
    event.registration_deadline = event.registration_deadline + delta
    db.session.commit()


@pytest.fixture
def client_for(app):
    """Factory: a fresh client logged in as ``user``."""

    def make(user):
        client = app.test_client()
        response = Auth(client).login(email=user.email)
        assert response.status_code == 302, "login failed"
        return client

    return make
