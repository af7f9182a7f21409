"""Seating fixtures: an evening with people checked in, built through the
events services as the app builds it."""

from datetime import timedelta

import pytest

from meetup.events.services.checkin import check_in
from tests.events.conftest import event, host, make_event, sign_up_for  # noqa: F401  (shared fixtures)

INDUSTRIES = ["tax-accountant", "lawyer", "design", "it", "education", "restaurant"]


@pytest.fixture
def evening(make_event, make_user, sign_up_for, host, now):
    """Factory: an event with ``people`` registered (and checked in unless told otherwise).

    Returns (event, users). The event starts in an hour so check-in is open."""

    def make(people=12, checked_in=True, users=None, starts_at=None, **event_options):
        users = (
            list(users)
            if users is not None
            else [
                make_user(display_name=f"Person {n}", industry=INDUSTRIES[n % len(INDUSTRIES)]) for n in range(people)
            ]
        )
        options = {"table_size": 4, "rounds": 2, "capacity": len(users) + 10, **event_options}
        event = make_event(starts_at=starts_at or now + timedelta(hours=1), registration_deadline=None, **options)
        for n, user in enumerate(users):
            registration = sign_up_for(event, user, goals=("learn",) if n % 2 else ("peers",))
            if checked_in:
                check_in(host, event.id, registration.id, now=now)
        return event, users

    return make
