"""Event factories: a host, published events and registrations made through
the services, as the app makes them."""

import pytest

from meetup.events.services import events as hosting
from meetup.events.services.registration import register
from tests.events.helpers import event_details


@pytest.fixture
def host(make_user):
    return make_user(email="host@example.com", display_name="Emi Host", industry="sme-consultant")


@pytest.fixture
def make_event(host, now):
    """Factory: an event by ``host`` (published unless publish=False)."""

    def make(by=None, publish=True, **overrides):
        by = by or host
        event = hosting.create_event(by, event_details(now, **overrides), now=now)
        if publish:
            hosting.publish_event(by, event.id, now=now)
        return event

    return make


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def sign_up_for(now):
    """Factory: register a user for an event with sensible answers."""

    def sign_up(event, user, goals=("learn",), intro="Meet people outside tax work", acknowledged=True, at=None):
        return register(user, event.id, goals=list(goals), intro=intro, acknowledged=acknowledged, now=at or now)

    return sign_up
