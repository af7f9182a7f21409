"""The host has the tables page open in two tabs (laptop and phone) and
presses the same button in both at the same moment, through gunicorn.

What the host cares about: one draft, then one published seating, with
everyone present seated exactly once per round, no error page, and a
clear word in the tab whose press had nothing left to do. What attendees
care about: "My tables" shows the one seating that was published.
"""

import re
from collections import Counter
from datetime import timedelta
from itertools import combinations

import pytest
from sqlalchemy import select

from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in
from meetup.events.services.registration import register
from meetup.extensions import db
from meetup.seating.models import DRAFT, PUBLISHED, Encounter, Seating
from meetup.seating.queries.tables import grid
from tests.clock import NOW
from tests.concurrency.conftest import add_people, at_once, logged_in
from tests.conftest import read_afresh
from tests.events.helpers import event_details

PEOPLE = 16
TABLE_SIZE = 4
ROUNDS = 2

FORMED_TEXT = "Tables are formed. Check them, then publish."
PUBLISHED_TEXT = "Published. Attendees can now see their tables."
NOTHING_TO_PUBLISH_TEXT = "There are no changes to publish."


@pytest.fixture
def evening(committing_app):
    """A host and sixteen people checked in, an hour before the start (committed)."""
    host = add_people("seating-host", 1)[0]
    people = add_people("seat", PEOPLE)
    now = NOW
    details = event_details(
        now,
        starts_at=now + timedelta(hours=1),
        registration_deadline=None,
        capacity=PEOPLE + 4,
        table_size=TABLE_SIZE,
        rounds=ROUNDS,
    )
    event = hosting.create_event(host, details, now=now)
    hosting.publish_event(host, event.id, now=now)
    for person in people:
        registration = register(person, event.id, goals=["learn"], intro="", acknowledged=True, now=now)
        check_in(host, event.id, registration.id, now=now)
    return event.id, host, people


def seatings(event_id: int) -> list[Seating]:
    read_afresh()  # read what the workers committed
    return list(db.session.scalars(select(Seating).where(Seating.event_id == event_id)))


def assert_everyone_seated_once_per_round(seating: Seating, people) -> None:
    rounds = grid(seating)
    assert len(rounds) == ROUNDS
    for tables in rounds:
        seated = [user_id for table in tables for user_id in table]
        assert sorted(seated) == sorted(p.id for p in people)
        assert Counter(len(table) for table in tables) == {TABLE_SIZE: PEOPLE // TABLE_SIZE}


def host_tabs(gunicorn, host, event_id: int):
    tabs = [logged_in(gunicorn, host.email) for _ in range(2)]
    return tabs, [tab.get(f"/events/{event_id}/tables").csrf_token() for tab in tabs]


def pressing(tab, path, token):
    return lambda: tab.post(path, {"csrf_token": token})


def messages(page) -> list[str]:
    return [text for _category, text in page.flashes]


ROUND_RE = re.compile(r'<section class="card my-round" id="round-(\d+)">(.*?)</section>', re.S)
NAME_RE = re.compile(r'<p class="person-name">(.*?)</p>')


def my_tables(tab, event_id: int) -> list[set[str]]:
    """The names on each round of an attendee's "My tables", as shown."""
    text = tab.get(f"/events/{event_id}/my-tables").text
    return [set(NAME_RE.findall(section)) for _number, section in ROUND_RE.findall(text)]


def test_two_tabs_forming_then_publishing_at_once_leave_one_draft_then_one_published_seating(
    gunicorn, evening, no_server_errors
):
    event_id, host, people = evening
    tabs, tokens = host_tabs(gunicorn, host, event_id)

    formed = at_once([pressing(tab, f"/events/{event_id}/tables/form", token) for tab, token in zip(tabs, tokens)])

    assert [tab.server_errors() for tab in tabs] == [[], []]
    assert [messages(page) for page in formed] == [[FORMED_TEXT], [FORMED_TEXT]]  # forming again is allowed
    rows = seatings(event_id)
    assert [s.status for s in rows] == [DRAFT]  # the later press replaced the earlier draft, not added one
    assert_everyone_seated_once_per_round(rows[0], people)

    published = at_once(
        [pressing(tab, f"/events/{event_id}/tables/publish", token) for tab, token in zip(tabs, tokens)]
    )

    assert [tab.server_errors() for tab in tabs] == [[], []]
    assert sorted(messages(page) for page in published) == sorted([[NOTHING_TO_PUBLISH_TEXT], [PUBLISHED_TEXT]])
    rows = seatings(event_id)
    assert [s.status for s in rows] == [PUBLISHED]
    shown = rows[0]
    assert_everyone_seated_once_per_round(shown, people)
    # Encounters are the published tables, each pair once.
    together = Counter(pair for tables in grid(shown) for table in tables for pair in combinations(sorted(table), 2))
    encounters = db.session.scalars(select(Encounter).where(Encounter.event_id == event_id)).all()
    assert sorted((e.user_low_id, e.user_high_id, e.rounds) for e in encounters) == sorted(
        (a, b, k) for (a, b), k in together.items()
    )
    # Every attendee sees the published seating: their tablemates, round by round.
    names = {p.id: p.display_name for p in people}
    for person in people[:6]:
        tab = logged_in(gunicorn, person.email)
        expected = [
            {names[u] for u in next(t for t in tables if person.id in t) if u != person.id} for tables in grid(shown)
        ]
        assert my_tables(tab, event_id) == expected
        assert tab.server_errors() == []


def test_forming_again_in_one_tab_while_publishing_in_the_other_keeps_both_seatings_whole(
    gunicorn, evening, no_server_errors
):
    """Either order is fine for the host (publish then a fresh draft, or the
    fresh draft published); what must never happen is a half-written or
    doubled seating, or attendees seeing something that was never published."""
    event_id, host, people = evening
    tabs, tokens = host_tabs(gunicorn, host, event_id)
    tabs[0].post(f"/events/{event_id}/tables/form", {"csrf_token": tokens[0]})

    pages = at_once(
        [
            pressing(tabs[0], f"/events/{event_id}/tables/form", tokens[0]),
            pressing(tabs[1], f"/events/{event_id}/tables/publish", tokens[1]),
        ]
    )

    assert [tab.server_errors() for tab in tabs] == [[], []]
    assert messages(pages[0]) == [FORMED_TEXT]
    assert messages(pages[1]) == [PUBLISHED_TEXT]
    rows = seatings(event_id)
    assert sorted(s.status for s in rows) in ([PUBLISHED], [DRAFT, PUBLISHED])
    assert len({s.version for s in rows}) == len(rows)
    for seating in rows:
        assert_everyone_seated_once_per_round(seating, people)
    shown = next(s for s in rows if s.status == PUBLISHED)
    encounters = db.session.scalars(select(Encounter).where(Encounter.event_id == event_id)).all()
    together = Counter(pair for tables in grid(shown) for table in tables for pair in combinations(sorted(table), 2))
    assert {(e.user_low_id, e.user_high_id): e.rounds for e in encounters} == dict(together)
