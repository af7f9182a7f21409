"""Two workers at once: ``flask --app meetup worker --once`` started twice at
the same instant (two worker services for redundancy, as deploy/README.md
describes), as two processes on the same database, sending to one real SMTP
server.

What people care about: every mutual pair becomes a match once, each person
hears about each match once, everyone coming tomorrow is reminded once, and
every mail arrives once, not twice.
"""

from collections import Counter
from datetime import timedelta
from itertools import combinations

from sqlalchemy import func, select

from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in
from meetup.events.services.registration import register
from meetup.extensions import db
from meetup.matching.models import Reveal
from meetup.matching.services.choices import save_choices
from meetup.rules.models import Match
from meetup.seating.queries.tables import grid
from meetup.seating.services import forming, publishing
from tests.clock import NOW
from tests.concurrency.conftest import add_people, jobs_done
from tests.events.helpers import event_details, mails

EVENTS = 3
PEOPLE = 8


def past_evenings_everyone_chose_their_tablemates() -> set[tuple[int, int]]:
    """Three evenings of the same eight people, a week and more ago, whose
    windows have closed unrevealed; at each, everyone ticked all their
    tablemates. Returns the pairs that must become matches."""
    host = add_people("reveal-host", 1)[0]
    people = add_people("reveal", PEOPLE)
    then = NOW - timedelta(days=EVENTS + 10)
    pairs = set()
    for k in range(EVENTS):
        starts_at = then + timedelta(days=k, hours=1)
        event = hosting.create_event(
            host,
            event_details(
                then, starts_at=starts_at, registration_deadline=None, table_size=4, rounds=1, meet_again_days=1
            ),
            now=then,
        )
        hosting.publish_event(host, event.id, now=then)
        for person in people:
            registration = register(person, event.id, goals=["learn"], intro="", acknowledged=True, now=then)
            check_in(host, event.id, registration.id, now=starts_at)
        forming.form_tables(host, event.id)
        shown = publishing.publish(host, event.id, now=starts_at)
        tables = grid(shown)[0]
        after = starts_at + timedelta(hours=3)
        for person in people:
            table = next(t for t in tables if person.id in t)
            save_choices(person, event.id, [u for u in table if u != person.id], now=after)
        pairs |= {pair for table in tables for pair in combinations(sorted(table), 2)}
    return pairs


def tomorrows_evenings() -> dict[int, set[int]]:
    """Two published evenings starting within a day, people confirmed for
    each: the people each evening's reminders must reach."""
    host = add_people("tomorrow-host", 1)[0]
    people = add_people("tomorrow", 6)
    expected = {}
    for k in range(2):
        starts_at = NOW + timedelta(hours=5 + k)
        event = hosting.create_event(host, event_details(NOW, starts_at=starts_at), now=NOW)
        hosting.publish_event(host, event.id, now=NOW)
        for person in people[k * 3 : k * 3 + 3]:
            register(person, event.id, goals=["learn"], intro="", acknowledged=True, now=NOW)
        expected[event.id] = {person.id for person in people[k * 3 : k * 3 + 3]}
    return expected


def test_two_workers_at_once_do_each_job_once_and_send_each_mail_once(committing_app, command_gate, smtp_server):
    expected = past_evenings_everyone_chose_their_tablemates()
    reminded = tomorrows_evenings()
    db.session.remove()  # no open transaction of ours while the workers run

    port = str(committing_app.config["MAIL_PORT"])
    for _ in range(2):
        command_gate.start("worker", "--once", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    command_gate.wait_until_ready()
    command_gate.release()
    outcomes = command_gate.results()

    assert [status for status, _out, _err in outcomes] == [0, 0], [err for _status, _out, err in outcomes]
    made = [jobs_done(out, "reveal") for _status, out, _err in outcomes]
    queued = [jobs_done(out, "reminders") for _status, out, _err in outcomes]
    print(f"the two workers made {made} of {len(expected)} matches and queued {queued} reminders")
    assert sum(made) == len(expected)
    assert sum(queued) == sum(len(people) for people in reminded.values())
    matches = db.session.scalars(select(Match)).all()
    assert sorted((m.user_low_id, m.user_high_id) for m in matches) == sorted(expected)
    assert db.session.scalar(select(func.count()).select_from(Reveal)) == EVENTS
    assert db.session.scalar(select(func.sum(Reveal.matches_made))) == len(expected)
    told = Counter(m.recipient_id for m in mails() if m.kind == "meet-again-match")
    assert told == Counter(user_id for pair in expected for user_id in pair)
    reminders = Counter((m.recipient_id, m.subject) for m in mails() if m.kind == "event-reminder")
    assert sorted(user_id for user_id, _subject in reminders) == sorted(
        u for people in reminded.values() for u in people
    )
    assert set(reminders.values()) == {1}

    # Each mail of the outbox arrived once, under its own Message-ID; nothing is left unsent.
    outbox = mails()
    assert all(m.sent_at is not None and m.claimed_until is None for m in outbox)
    arrived = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert arrived == Counter(m.message_id for m in outbox)
