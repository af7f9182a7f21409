"""A small event, a crowd, four gunicorn workers: people register and cancel
at the same moment, each from their own browser, and the seats still add up.

What people care about: nobody is promised a seat that does not exist, the
page each person sees tells the truth about their place, the longest-waiting
people move up when seats free (once each), and the mail matches what
happened, one message per real change.
"""

from collections import Counter

import pytest
from sqlalchemy import select

from meetup.events.models import CANCELLED, CONFIRMED, WAITLISTED, Registration
from meetup.events.services import events as hosting
from meetup.events.services.registration import register
from meetup.extensions import db
from tests.clock import NOW
from tests.concurrency.conftest import add_people, at_once, logged_in
from tests.conftest import read_afresh
from tests.events.helpers import event_details, mails

CAPACITY = 8
CROWD = 24

CONFIRMED_TEXT = "You are registered. Your seat is confirmed."
WAITLIST_PREFIX = "The event is full: you are on the waitlist, number "
ALREADY_TEXT = "You are already registered for this event."
CANCELLED_TEXT = "Your registration is cancelled."
NOT_REGISTERED_TEXT = "You are not registered for this event."


def small_event(host_prefix="host") -> int:
    host = add_people(host_prefix, 1)[0]
    now = NOW
    event = hosting.create_event(host, event_details(now, capacity=CAPACITY), now=now)
    hosting.publish_event(host, event.id, now=now)
    return event.id


def registration_form(tab, event_id: int) -> dict:
    """The register form as the person filled it in, token included (the page is open in the tab)."""
    token = tab.get(f"/events/{event_id}/register").csrf_token()
    return {"csrf_token": token, "goals": ["learn"], "intro": "Meet people outside my trade", "acknowledge": "y"}


def cancel_form(tab, event_id: int) -> dict:
    return {"csrf_token": tab.get(f"/events/{event_id}").csrf_token()}


def pressing(tab, path, form):
    return lambda: tab.post(path, form)


def registrations(event_id: int) -> dict[int, Registration]:
    read_afresh()  # read what the workers committed, not an old snapshot
    return {r.user_id: r for r in db.session.scalars(select(Registration).where(Registration.event_id == event_id))}


def messages(page) -> list[str]:
    return [text for _category, text in page.flashes]


def waitlist_number(page) -> int | None:
    for text in messages(page):
        if text.startswith(WAITLIST_PREFIX):
            return int(text[len(WAITLIST_PREFIX) :].split(".")[0])
    return None


@pytest.fixture
def event_id(committing_app):
    return small_event()


def test_a_crowd_registering_at_once_gets_exactly_the_seats_there_are(gunicorn, event_id, no_server_errors):
    people = add_people("crowd", CROWD)
    tabs = [logged_in(gunicorn, person.email) for person in people]
    forms = [registration_form(tab, event_id) for tab in tabs]

    pages = at_once([pressing(tab, f"/events/{event_id}/register", form) for tab, form in zip(tabs, forms)])

    assert [tab.server_errors() for tab in tabs] == [[]] * CROWD
    rows = registrations(event_id)
    assert len(rows) == CROWD
    assert Counter(r.status for r in rows.values()) == {CONFIRMED: CAPACITY, WAITLISTED: CROWD - CAPACITY}
    # Each page told its person the truth: a seat, or a distinct place in the queue.
    told_seat = {person.id for person, page in zip(people, pages) if CONFIRMED_TEXT in messages(page)}
    places = {person.id: waitlist_number(page) for person, page in zip(people, pages) if waitlist_number(page)}
    assert told_seat == {user_id for user_id, r in rows.items() if r.status == CONFIRMED}
    assert sorted(places.values()) == list(range(1, CROWD - CAPACITY + 1))
    waiting = sorted((r for r in rows.values() if r.status == WAITLISTED), key=lambda r: r.queue_number)
    assert [places[r.user_id] for r in waiting] == list(range(1, CROWD - CAPACITY + 1))
    # One mail each, saying the same thing as the page.
    sent = mails()
    assert sorted(m.recipient_id for m in sent) == sorted(rows)
    assert {m.recipient_id for m in sent if m.kind == "registration-confirmed"} == told_seat
    assert {m.recipient_id for m in sent if m.kind == "registration-waitlisted"} == set(places)


def test_cancellations_and_registrations_at_once_promote_the_longest_waiting_once_each(
    gunicorn, event_id, no_server_errors
):
    """Eight seated, eight waiting; then at one moment five seated people
    cancel (two of them pressing in two tabs), the last two waiting give up,
    and four newcomers register (one in two tabs)."""
    earlier = add_people("early", 2 * CAPACITY)
    now = NOW
    for person in earlier:
        register(person, event_id, goals=["learn"], intro="", acknowledged=True, now=now)
    seated, waiting = earlier[:CAPACITY], earlier[CAPACITY:]
    newcomers = add_people("late", 4)
    before = {m.id for m in mails()}

    leaving_seated, leaving_waiting = seated[:5], waiting[-2:]
    cancel_path, register_path = f"/events/{event_id}/cancel-registration", f"/events/{event_id}/register"
    jobs, tabs, who = [], [], []
    for person in leaving_seated + leaving_waiting:
        for _tab in range(2 if person in seated[:2] else 1):
            tab = logged_in(gunicorn, person.email)
            jobs.append(pressing(tab, cancel_path, cancel_form(tab, event_id)))
            tabs.append(tab), who.append((person.id, "cancel"))
    for person in newcomers:
        for _tab in range(2 if person is newcomers[0] else 1):
            tab = logged_in(gunicorn, person.email)
            jobs.append(pressing(tab, register_path, registration_form(tab, event_id)))
            tabs.append(tab), who.append((person.id, "register"))

    pages = at_once(jobs)

    assert [tab.server_errors() for tab in tabs] == [[]] * len(tabs)
    rows = registrations(event_id)
    status = {user_id: r.status for user_id, r in rows.items()}
    assert Counter(status.values())[CONFIRMED] == CAPACITY
    # The five freed seats went to the five who had waited longest.
    promoted = [p.id for p in waiting[:5]]
    assert {user_id for user_id, s in status.items() if s == CONFIRMED} == {p.id for p in seated[5:]} | set(promoted)
    leavers = {p.id for p in leaving_seated + leaving_waiting}
    assert {user_id for user_id, s in status.items() if s == CANCELLED} == leavers
    still_waiting = sorted((r for r in rows.values() if r.status == WAITLISTED), key=lambda r: r.queue_number)
    assert [r.user_id for r in still_waiting][:1] == [waiting[5].id]
    assert {r.user_id for r in still_waiting[1:]} == {p.id for p in newcomers}
    # Double presses: one cancellation and one registration went through, the other tab was told why not.
    for person_id, action in set(who):
        said = [messages(page) for (pid, act), page in zip(who, pages) if (pid, act) == (person_id, action)]
        done = CANCELLED_TEXT if action == "cancel" else WAITLIST_PREFIX
        refusal = NOT_REGISTERED_TEXT if action == "cancel" else ALREADY_TEXT
        assert sum(any(text.startswith(done) for text in texts) for texts in said) == 1, (action, said)
        assert all(any(text.startswith(done) or text == refusal for text in texts) for texts in said), said
    # Mail: one per promotion, one per newcomer's place in the queue, nothing else.
    sent = [m for m in mails() if m.id not in before]
    assert sorted((m.kind, m.recipient_id) for m in sent) == sorted(
        [("registration-promoted", user_id) for user_id in promoted]
        + [("registration-waitlisted", p.id) for p in newcomers]
    )


def test_control_without_the_event_lock_the_same_crowd_overbooks_or_fails(unlocked_gunicorn, event_id):
    """Proves the first test can fail: the same app with its lock switched
    off lets a crowd through gunicorn overbook (PostgreSQL) or error out
    (SQLite). A race is a race, so the crowd gets up to three events."""
    for attempt in range(3):
        if attempt:
            event_id = small_event(f"host{attempt}-")
        crowd = [logged_in(unlocked_gunicorn, person.email) for person in add_people(f"control{attempt}-", CROWD)]
        forms = [registration_form(tab, event_id) for tab in crowd]
        at_once([pressing(tab, f"/events/{event_id}/register", form) for tab, form in zip(crowd, forms)])
        confirmed = Counter(r.status for r in registrations(event_id).values())[CONFIRMED]
        errors = sum(len(tab.server_errors()) for tab in crowd)
        print(f"control run without the lock: {confirmed} confirmed for {CAPACITY} seats, {errors} server errors")
        if confirmed > CAPACITY or errors:
            return
    pytest.fail("without the lock the crowd neither overbooked nor failed: the concurrency test proves nothing")
