"""No overbooking, ever: many people press "Register" at the same moment,
each from their own connection, against a database that really commits.

Each run starts every thread at once (a barrier), and each thread works in
its own app context and session, as concurrent requests do. The control run
switches the event lock off to prove these tests can catch overbooking.
"""

import threading

import pytest
from sqlalchemy import select

from meetup import database
from meetup.accounts.models import User
from meetup.events.models import CONFIRMED, WAITLISTED, Event, Registration
from meetup.events.services import events as hosting
from meetup.events.services.registration import cancel_registration, register
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from tests.clock import NOW
from tests.conftest import end_own_transaction, read_afresh
from tests.events.helpers import event_details

CAPACITY = 30
PEOPLE = 110
# At most this many connections at once (PostgreSQL's default limit is 100,
# shared with whatever else runs); every thread still uses its own.
POOL = 40


@pytest.fixture
def crowd_app(make_app, database_url, committing_app):
    """A second app on the same database, with a pool big enough for the crowd."""
    return make_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": POOL, "max_overflow": 0, "pool_timeout": 60},
        }
    )


@pytest.fixture
def crowd(committing_app):
    """A published 30-seat event and 110 people who want a seat (committed)."""
    now = NOW
    users = [
        User(
            email=f"crowd{n}@example.com",
            password_hash="!",
            display_name=f"Crowd {n}",
            industry="it",
            email_confirmed_at=now,
        )
        for n in range(PEOPLE + 1)
    ]
    db.session.add_all(users)
    db.session.commit()
    host, people = users[0], users[1:]
    event = hosting.create_event(host, event_details(now, capacity=CAPACITY), now=now)
    hosting.publish_event(host, event.id, now=now)
    return event.id, [person.id for person in people]


def simultaneously(app, jobs) -> tuple[list, list]:
    """Run every job in its own thread, all released at once; (results, errors)."""
    end_own_transaction()
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def work(job):
        with app.app_context():
            try:
                barrier.wait()
                results.append(job())
            except Exception as error:  # collected and asserted on by the caller
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def registering(event_id, user_id):
    def job():
        user = db.session.get(User, user_id)
        return register(user, event_id, goals=["learn"], intro="", acknowledged=True, now=NOW).id

    return job


def cancelling(event_id, user_id):
    def job():
        return cancel_registration(db.session.get(User, user_id), event_id, now=NOW).id

    return job


def registrations(event_id) -> list[Registration]:
    read_afresh()  # end this thread's old snapshot; read what the crowd committed
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event_id)
            .order_by(Registration.queue_number, Registration.id)
        )
    )


def test_simultaneous_registrations_never_overbook(crowd_app, crowd):
    event_id, people = crowd
    results, errors = simultaneously(crowd_app, [registering(event_id, person) for person in people])

    assert errors == []
    assert len(results) == PEOPLE
    rows = registrations(event_id)
    confirmed = [r for r in rows if r.status == CONFIRMED]
    waitlisted = [r for r in rows if r.status == WAITLISTED]
    assert len(confirmed) == CAPACITY
    assert len(waitlisted) == PEOPLE - CAPACITY
    # First come, first served in the order the registrations went through:
    # numbers 1..110 without gaps or repeats, the first 30 seated, and (for
    # new rows) that order is also the order in which rows were written.
    assert [r.queue_number for r in rows] == list(range(1, PEOPLE + 1))
    assert all(r.status == CONFIRMED for r in rows[:CAPACITY])
    assert [r.id for r in rows] == sorted(r.id for r in rows)
    # Everyone got exactly one mail saying which of the two happened.
    kinds = db.session.execute(select(OutboxMessage.recipient_id, OutboxMessage.kind)).all()
    assert sorted(user_id for user_id, _kind in kinds) == sorted(people)
    assert sum(kind == "registration-confirmed" for _user, kind in kinds) == CAPACITY


def test_control_without_the_lock_the_same_crowd_overbooks_or_fails(crowd_app, crowd, monkeypatch):
    """Proves the test above can fail: with locking off, the invariant breaks.

    A race is a race, so the crowd gets up to three fresh events to show it."""
    monkeypatch.setattr(database, "ROW_LOCKS_ENABLED", False)
    event_id, people = crowd
    host_id = db.session.get(Event, event_id).host_id
    for _attempt in range(3):
        _results, errors = simultaneously(crowd_app, [registering(event_id, person) for person in people])
        confirmed = sum(r.status == CONFIRMED for r in registrations(event_id))
        print(f"control run without the lock: {confirmed} confirmed for {CAPACITY} seats, {len(errors)} errors")
        if db.engine.dialect.name == "postgresql":
            # Read committed with no row lock: many transactions count the
            # same free seats and all take one.
            broken = confirmed > CAPACITY
        else:
            # SQLite without BEGIN IMMEDIATE: readers race to become the
            # writer; the losers fail ("database is locked"), or winners overbook.
            broken = confirmed > CAPACITY or bool(errors)
        if broken:
            return
        event_id = another_event(host_id)
    pytest.fail("without the lock the crowd neither overbooked nor failed: the concurrency test proves nothing")


def another_event(host_id):
    now = NOW
    host = db.session.get(User, host_id)
    event = hosting.create_event(host, event_details(now, capacity=CAPACITY), now=now)
    hosting.publish_event(host, event.id, now=now)
    return event.id


def test_a_storm_of_cancellations_and_registrations_never_overbooks_or_promotes_twice(crowd_app, crowd):
    event_id, people = crowd
    first, late = people[:60], people[60:]
    for person in first:  # 30 seated, 30 waiting
        registering(event_id, person)()
        db.session.remove()
    leaving = first[:20]  # 20 seats free up while 50 more people arrive
    jobs = [cancelling(event_id, person) for person in leaving] + [registering(event_id, person) for person in late]
    _results, errors = simultaneously(crowd_app, jobs)

    assert errors == []
    rows = registrations(event_id)
    confirmed = [r for r in rows if r.status == CONFIRMED]
    assert len(confirmed) == CAPACITY
    # The 20 freed seats went to the 20 longest waiting, each promoted once.
    promoted = db.session.scalars(
        select(OutboxMessage.recipient_id).where(OutboxMessage.kind == "registration-promoted")
    ).all()
    assert len(promoted) == len(set(promoted)) == len(leaving)
    assert set(promoted) == set(first[30:50])
    waiting = [r for r in rows if r.status == WAITLISTED]
    assert [r.queue_number for r in waiting] == sorted(r.queue_number for r in waiting)
    assert {r.user_id for r in waiting} == set(first[50:]) | set(late)
    assert all(w.queue_number > c.queue_number for w in waiting for c in confirmed if c.user_id in late)
