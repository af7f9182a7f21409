"""A ban racing registrations, each from its own connection on a database
that really commits: however the race falls, the banned person ends with no
live registration at the host's upcoming events, no event is overbooked,
and freed seats go to the waitlist."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from meetup import database
from meetup.accounts.models import User
from meetup.conduct.services import moderation
from meetup.events.models import CANCELLED, CONFIRMED, Registration
from meetup.events.services import events as hosting
from meetup.events.services.registration import register
from meetup.extensions import db
from meetup.rules.models import Report
from meetup.rules.services import BannedError
from tests.clock import NOW
from tests.events.helpers import event_details
from tests.events.test_concurrency import crowd_app, simultaneously  # noqa: F401  (an app per thread pool)

EVENTS = 4
CAPACITY = 3
ROUNDS = 3


def _setup(round_: int):
    """A host, a reported seller, a reporter, eight others; EVENTS upcoming
    events of CAPACITY seats, each already holding the seller and one other."""
    now = NOW
    users = [
        User(
            email=f"race{round_}-{n}@example.com",
            password_hash="!",
            display_name=f"Race {n}",
            industry="it",
            email_confirmed_at=now,
        )
        for n in range(11)
    ]
    db.session.add_all(users)
    db.session.commit()
    host, seller, reporter, others = users[0], users[1], users[2], users[3:]
    past = hosting.create_event(host, event_details(now, title="Last month"), now=now)
    report = Report(
        event_id=past.id,
        reporter_id=reporter.id,
        reported_id=seller.id,
        category="selling",
        description="Sold insurance",
        status="open",
        created_at=now,
    )
    db.session.add(report)
    db.session.commit()
    events = []
    for n in range(EVENTS):
        event = hosting.create_event(
            host,
            event_details(now, title=f"Month {n}", capacity=CAPACITY, starts_at=now + timedelta(days=7 * (n + 1))),
            now=now,
        )
        hosting.publish_event(host, event.id, now=now)
        for person in (seller, others[n]):
            register(person, event.id, goals=["learn"], intro="", acknowledged=True, now=now)
        events.append(event.id)
    return host.id, seller.id, [u.id for u in others], past.id, report.id, events


def _job(function, *args):
    def job():
        return function(*args)

    return job


def _ban(host_id, event_id, report_id):
    return moderation.ban(db.session.get(User, host_id), event_id, report_id, now=NOW).id


def _register(user_id, event_id):
    return register(
        db.session.get(User, user_id), event_id, goals=["learn"], intro="", acknowledged=True, now=NOW
    ).status


def _race(app, round_):
    """Ban the seller while others, and the seller himself, register for the
    host's upcoming events. Returns (seller's live registrations, confirmed
    per event, errors that are not the polite refusal)."""
    host_id, seller_id, others, past_id, report_id, events = _setup(round_)
    # The seller cancelled his seat at the last event, and races to take one again.
    db.session.execute(
        Registration.__table__.update()
        .where(Registration.event_id == events[-1], Registration.user_id == seller_id)
        .values(status=CANCELLED)
    )
    db.session.commit()
    jobs = [_job(_ban, host_id, past_id, report_id), _job(_register, seller_id, events[-1])]
    jobs += [_job(_register, other, event_id) for event_id in events for other in others[4:7]]
    _results, errors = simultaneously(app, jobs)
    db.session.remove()
    live = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.user_id == seller_id, Registration.event_id.in_(events), Registration.status != CANCELLED)
    )
    confirmed = [
        db.session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.event_id == event_id, Registration.status == CONFIRMED)
        )
        for event_id in events
    ]
    return live, confirmed, [error for error in errors if not isinstance(error, BannedError)]


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_ban_racing_registrations_leaves_the_banned_person_no_seat(crowd_app, round_):
    live, confirmed, errors = _race(crowd_app, round_)
    assert errors == []
    assert live == 0
    # The seller's seats went to people waiting: every event full, never one too many.
    assert confirmed == [CAPACITY] * EVENTS


def test_control_without_the_locks_the_same_race_breaks(crowd_app, monkeypatch):
    """Proves the test above can fail: with row locks off, overbooking, a
    surviving registration or a failed transaction shows up."""
    monkeypatch.setattr(database, "ROW_LOCKS_ENABLED", False)
    for attempt in range(3):
        live, confirmed, errors = _race(crowd_app, ROUNDS + attempt)
        if live or any(number > CAPACITY for number in confirmed) or errors:
            return
    pytest.fail("without the locks the race never broke anything: the test above proves nothing")
