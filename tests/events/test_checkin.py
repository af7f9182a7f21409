"""Door check-in, undo, and the code-of-conduct gate (service level)."""

from datetime import timedelta

import pytest

from meetup.conduct.services.code import publish_version
from meetup.errors import DomainError, NotFoundError
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in, undo_check_in
from meetup.events.services.registration import acknowledge_conduct
from meetup.rules.queries import has_acknowledged_current
from tests.events.helpers import event_details


@pytest.fixture
def door_open(event):
    return event.starts_at - timedelta(minutes=30)


def test_the_host_checks_a_confirmed_attendee_in_and_can_undo(event, host, user, sign_up_for, door_open):
    registration = sign_up_for(event, user)
    check_in(host, event.id, registration.id, now=door_open)
    assert registration.checked_in_at == door_open
    undo_check_in(host, event.id, registration.id, now=door_open)
    assert registration.checked_in_at is None


def test_late_arrivals_can_be_checked_in_after_the_start(event, host, user, sign_up_for):
    registration = sign_up_for(event, user)
    late = event.ends_at - timedelta(minutes=5)
    check_in(host, event.id, registration.id, now=late)
    assert registration.checked_in_at == late


def test_check_in_does_not_open_days_before(event, host, user, sign_up_for, now):
    registration = sign_up_for(event, user)
    with pytest.raises(DomainError, match="opens 6 hours before"):
        check_in(host, event.id, registration.id, now=now)
    assert registration.checked_in_at is None


def test_only_confirmed_seats_can_be_checked_in(make_event, host, make_user, sign_up_for):
    event = make_event(capacity=1)
    sign_up_for(event, make_user())
    waiting = sign_up_for(event, make_user(display_name="Waiting Person"))
    with pytest.raises(DomainError, match="Waiting Person does not have a confirmed seat"):
        check_in(host, event.id, waiting.id, now=event.starts_at)


def test_nobody_but_the_host_or_an_admin_checks_people_in(event, host, user, make_user, sign_up_for, door_open):
    registration = sign_up_for(event, user)
    with pytest.raises(NotFoundError):
        check_in(user, event.id, registration.id, now=door_open)
    other = hosting.create_event(make_user(), event_details(door_open), now=door_open)
    with pytest.raises(NotFoundError):  # a registration of another event
        check_in(host, other.id, registration.id, now=door_open)
    assert registration.checked_in_at is None


def test_a_changed_event_code_must_be_accepted_again_before_check_in(event, host, user, sign_up_for, now, door_open):
    registration = sign_up_for(event, user)
    hosting.update_event(
        host,
        event.id,
        event_details(now, starts_at=event.starts_at, conduct_extra="No business cards before round two."),
        now=now,
    )
    with pytest.raises(DomainError, match="needs to accept the current code of conduct"):
        check_in(host, event.id, registration.id, now=door_open)
    with pytest.raises(DomainError, match="tick the box"):
        acknowledge_conduct(user, event.id, accepted=False, now=now)
    acknowledge_conduct(user, event.id, accepted=True, now=now)
    check_in(host, event.id, registration.id, now=door_open)
    assert registration.checked_in_at == door_open


def test_a_new_platform_code_must_be_accepted_again_before_check_in(event, host, user, sign_up_for, now, door_open):
    registration = sign_up_for(event, user)
    publish_version(text_en="Version two.", text_ja="第2版。", now=now)
    assert not has_acknowledged_current(user.id, event)
    with pytest.raises(DomainError, match="needs to accept"):
        check_in(host, event.id, registration.id, now=door_open)
    acknowledge_conduct(user, event.id, accepted=True, now=now)
    check_in(host, event.id, registration.id, now=door_open)
