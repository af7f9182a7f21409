"""Two reveal jobs at once: the systemd timer's ``flask --app meetup
reveal-matches`` started twice at the same instant (two app servers each
running the timer, or a slow run overlapping the next), as two processes
on the same database.

What people care about: every mutual pair becomes a match once, and each
person hears about each match once, not twice.
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
from meetup.seating import services as seating
from meetup.seating.services import grid
from tests.clock import NOW
from tests.concurrency.conftest import add_people
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
        seating.form_tables(host, event.id)
        shown = seating.publish(host, event.id, now=starts_at)
        tables = grid(shown)[0]
        after = starts_at + timedelta(hours=3)
        for person in people:
            table = next(t for t in tables if person.id in t)
            save_choices(person, event.id, [u for u in table if u != person.id], now=after)
        pairs |= {pair for table in tables for pair in combinations(sorted(table), 2)}
    return pairs


def test_two_reveal_jobs_at_once_make_each_match_once_and_tell_each_person_once(committing_app, command_gate):
    expected = past_evenings_everyone_chose_their_tablemates()
    db.session.remove()  # no open transaction of ours while the jobs run

    for _ in range(2):
        command_gate.start("reveal-matches")
    command_gate.wait_until_ready()
    command_gate.release()
    outcomes = command_gate.results()

    assert [status for status, _out, _err in outcomes] == [0, 0], [err for _status, _out, err in outcomes]
    made = [int(out.split()[1]) for _status, out, _err in outcomes]  # "Revealed N new match(es)."
    print(f"the two jobs made {made} of {len(expected)} matches")
    assert sum(made) == len(expected)
    matches = db.session.scalars(select(Match)).all()
    assert sorted((m.user_low_id, m.user_high_id) for m in matches) == sorted(expected)
    assert db.session.scalar(select(func.count()).select_from(Reveal)) == EVENTS
    assert db.session.scalar(select(func.sum(Reveal.matches_made))) == len(expected)
    told = Counter(m.recipient_id for m in mails() if m.kind == "meet-again-match")
    assert told == Counter(user_id for pair in expected for user_id in pair)
