"""Registering, the waitlist, cancelling and promotion (service level)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetup.errors import DomainError, NotFoundError
from meetup.events.models import CANCELLED, CONFIRMED, WAITLISTED, Registration
from meetup.events.queries.events import waitlist_position
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in
from meetup.events.services.registration import (
    AlreadyRegisteredError,
    RegistrationClosedError,
    cancel_registration,
    cancellation_refusal,
)
from meetup.extensions import db
from meetup.rules.models import ConductAcknowledgement
from tests.events.helpers import event_details, mails, statuses


def test_seats_up_to_capacity_are_confirmed_then_people_wait_in_order(make_event, make_user, sign_up_for):
    event = make_event(capacity=2)
    people = [make_user() for _ in range(4)]
    registrations = [sign_up_for(event, person) for person in people]
    assert [r.status for r in registrations] == [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED]
    assert [waitlist_position(r) for r in registrations] == [None, None, 1, 2]
    assert [m.recipient_id for m in mails("registration-confirmed")] == [people[0].id, people[1].id]
    waitlisted = mails("registration-waitlisted")
    assert [m.recipient_id for m in waitlisted] == [people[2].id, people[3].id]
    assert "number 2" in waitlisted[1].body


def test_confirmation_mail_names_the_event_its_local_time_place_and_link(event, user, sign_up_for):
    sign_up_for(event, user)
    (mail,) = mails("registration-confirmed", to=user)
    assert mail.recipient_email == user.email
    assert mail.subject == "Your seat is confirmed: Shibuya professionals' mixer"
    assert "Hello Aiko Tanaka," in mail.body
    assert "Shibuya Hikarie 8F" in mail.body
    assert f"/events/{event.id}" in mail.body and "http" in mail.body
    local_start = (event.starts_at + timedelta(hours=9)).strftime("%H:%M")  # Tokyo is UTC+9, no DST
    assert local_start in mail.body


def test_mail_is_in_the_recipients_language(event, make_user, sign_up_for):
    japanese = make_user(language="ja", display_name="佐藤 健二")
    sign_up_for(event, japanese)
    (mail,) = mails("registration-confirmed", to=japanese)
    assert mail.subject.startswith("参加が確定しました")
    assert "佐藤 健二" in mail.body


def test_registration_without_accepting_the_code_of_conduct_is_refused_and_changes_nothing(event, user, sign_up_for):
    with pytest.raises(DomainError, match="code of conduct") as refused:
        sign_up_for(event, user, acknowledged=False)
    assert refused.value.field == "acknowledge"
    assert statuses(event) == {}
    assert mails() == []
    assert db.session.scalars(sa.select(ConductAcknowledgement)).all() == []


def test_registration_records_which_code_of_conduct_was_accepted_and_when(event, user, sign_up_for, now):
    sign_up_for(event, user)
    (record,) = db.session.scalars(sa.select(ConductAcknowledgement)).all()
    assert (record.user_id, record.event_id, record.platform_version, record.event_revision) == (
        user.id,
        event.id,
        1,
        0,
    )
    assert record.acknowledged_at == now


def test_one_registration_per_person_and_event(event, user, sign_up_for):
    sign_up_for(event, user)
    with pytest.raises(AlreadyRegisteredError):
        sign_up_for(event, user)
    assert len(mails()) == 1


def test_the_database_refuses_a_second_registration_row(event, user, sign_up_for):
    sign_up_for(event, user)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():  # noqa: PT012 - the savepoint must roll back the failed flush
        db.session.add(Registration(event_id=event.id, user_id=user.id, status=CONFIRMED))
        db.session.flush()


@pytest.mark.parametrize(
    "goals, intro, field",
    [
        ((), "", "goals"),
        (("learn", "peers", "practice-speaking", "learn", "collaborate"), "", "goals"),  # four distinct
        (("collaborate",), "", "goals"),  # not offered by this event
        (("world-domination",), "", "goals"),
        (("learn",), "x" * 141, "intro"),
    ],
)
def test_bad_answers_are_refused_with_a_message_and_change_nothing(event, user, sign_up_for, goals, intro, field):
    with pytest.raises(DomainError) as refused:
        sign_up_for(event, user, goals=goals, intro=intro)
    assert refused.value.field == field
    assert statuses(event) == {}


def test_registration_closes_at_the_deadline(make_event, user, sign_up_for, now):
    event = make_event(registration_deadline=now + timedelta(days=2))
    with pytest.raises(RegistrationClosedError, match="closed"):
        sign_up_for(event, user, at=now + timedelta(days=2))
    assert sign_up_for(event, user, at=now + timedelta(days=1)).status == CONFIRMED


def test_registration_closes_once_the_event_started(event, user, sign_up_for):
    with pytest.raises(RegistrationClosedError, match="started"):
        sign_up_for(event, user, at=event.starts_at)


def test_registration_is_impossible_for_a_cancelled_event_or_a_draft(make_event, host, user, sign_up_for, now):
    draft = make_event(publish=False)
    with pytest.raises(NotFoundError):  # to anyone but its host, a draft does not exist
        sign_up_for(draft, user)
    with pytest.raises(RegistrationClosedError):
        sign_up_for(draft, host)
    cancelled = make_event()
    hosting.cancel_event(host, cancelled.id, now=now)
    with pytest.raises(RegistrationClosedError, match="cancelled"):
        sign_up_for(cancelled, user)


def test_cancelling_a_seat_promotes_the_first_waitlisted_person_and_tells_them(make_event, make_user, sign_up_for, now):
    event = make_event(capacity=1)
    first, second, third = make_user(), make_user(), make_user()
    for person in (first, second, third):
        sign_up_for(event, person)
    cancel_registration(first, event.id, now=now)
    assert statuses(event) == {first.id: CANCELLED, second.id: CONFIRMED, third.id: WAITLISTED}
    (promoted,) = mails("registration-promoted")
    assert promoted.recipient_id == second.id
    assert "now yours" in promoted.body
    assert waitlist_position(db.session.scalar(sa.select(Registration).filter_by(user_id=third.id))) == 1


def test_mail_sent_during_a_request_links_to_base_url_not_to_the_address_the_request_came_in_on(
    app, make_event, make_user, sign_up_for, now
):
    event = make_event(capacity=1)
    leaving, waiting = make_user(), make_user()
    sign_up_for(event, leaving)
    sign_up_for(event, waiting)
    with app.test_request_context(
        f"/events/{event.id}/cancel-registration", method="POST", base_url="https://app-3.internal:8000"
    ):
        cancel_registration(leaving, event.id, now=now)
    (promoted,) = mails("registration-promoted", to=waiting)
    assert f"{app.config['BASE_URL']}/events/{event.id}\n" in promoted.body
    assert "internal" not in promoted.body


def test_leaving_the_waitlist_promotes_nobody(make_event, make_user, sign_up_for, now):
    event = make_event(capacity=1)
    seated, waiting = make_user(), make_user()
    sign_up_for(event, seated)
    sign_up_for(event, waiting)
    cancel_registration(waiting, event.id, now=now)
    assert statuses(event) == {seated.id: CONFIRMED, waiting.id: CANCELLED}
    assert mails("registration-promoted") == []


def test_registering_again_after_cancelling_joins_the_end_of_the_queue(make_event, make_user, sign_up_for, now):
    event = make_event(capacity=1)
    a, b, c = make_user(), make_user(), make_user()
    sign_up_for(event, a)
    sign_up_for(event, b)
    cancel_registration(a, event.id, now=now)  # b is promoted
    sign_up_for(event, c, at=now + timedelta(minutes=1))
    again = sign_up_for(event, a, at=now + timedelta(minutes=2))
    assert again.status == WAITLISTED and waitlist_position(again) == 2


def test_nobody_can_cancel_after_the_start_or_without_registering(event, user, make_user, sign_up_for):
    with pytest.raises(DomainError, match="not registered"):
        cancel_registration(user, event.id, now=event.starts_at - timedelta(days=1))
    sign_up_for(event, user)
    with pytest.raises(RegistrationClosedError, match="too late"):
        cancel_registration(user, event.id, now=event.starts_at)
    assert statuses(event) == {user.id: CONFIRMED}


def test_a_checked_in_person_cannot_cancel_their_registration(event, host, user, sign_up_for):
    registration = sign_up_for(event, user)
    at_the_door = event.starts_at - timedelta(minutes=10)
    check_in(host, event.id, registration.id, now=at_the_door)
    with pytest.raises(RegistrationClosedError, match="checked in"):
        cancel_registration(user, event.id, now=at_the_door + timedelta(minutes=1))
    assert statuses(event) == {user.id: CONFIRMED}
    assert db.session.get(Registration, registration.id).checked_in_at == at_the_door


def test_nothing_is_left_to_cancel_once_the_host_cancelled_the_event(event, host, user, sign_up_for, now):
    sign_up_for(event, user)
    hosting.cancel_event(host, event.id, now=now)
    with pytest.raises(RegistrationClosedError, match="cancelled"):
        cancel_registration(user, event.id, now=now)


def test_what_stops_the_owner_cancelling_is_said_before_they_try(event, host, user, sign_up_for):
    registration = sign_up_for(event, user)
    before = event.starts_at - timedelta(hours=1)
    assert cancellation_refusal(event, registration, before) is None
    assert "too late" in str(cancellation_refusal(event, registration, event.starts_at))
    check_in(host, event.id, registration.id, now=event.starts_at - timedelta(minutes=10))
    assert "checked in" in str(cancellation_refusal(event, registration, before))


def test_raising_capacity_promotes_the_waitlist_in_order(make_event, host, make_user, sign_up_for, now):
    event = make_event(capacity=1)
    people = [make_user() for _ in range(4)]
    for minute, person in enumerate(people):
        sign_up_for(event, person, at=now + timedelta(minutes=minute))
    hosting.update_event(host, event.id, event_details(now, starts_at=event.starts_at, capacity=3), now=now)
    assert [statuses(event)[p.id] for p in people] == [CONFIRMED, CONFIRMED, CONFIRMED, WAITLISTED]
    assert [m.recipient_id for m in mails("registration-promoted")] == [people[1].id, people[2].id]


def test_capacity_cannot_drop_below_the_confirmed_seats(make_event, host, make_user, sign_up_for, now):
    event = make_event(capacity=3)
    for _ in range(2):
        sign_up_for(event, make_user())
    with pytest.raises(DomainError, match="2 people already have a confirmed seat") as refused:
        hosting.update_event(
            host, event.id, event_details(now, starts_at=event.starts_at, capacity=1, title="Renamed"), now=now
        )
    assert refused.value.field == "capacity"
    db.session.refresh(event)
    assert (event.capacity, event.title) == (3, "Shibuya professionals' mixer")
    hosting.update_event(host, event.id, event_details(now, starts_at=event.starts_at, capacity=2), now=now)
    assert event.capacity == 2
