"""No GET changes anything: every route, with the ids of real objects, read
as each kind of person, leaves every row of every table as it was.

The one write a page may do is the meet-again reveal, and only once it is
due: the window has closed, so the worker's reveal job would write
exactly the same rows; the page only does it sooner, so a person who looks
at once sees their matches. The world here has every due reveal done, so any
write during the walk is a bug; the last test pins down that exception.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetup.accounts.models import User
from meetup.events.models import Event
from meetup.extensions import db
from meetup.matching.services.choices import save_choices
from meetup.rules.models import Match
from tests.matching.conftest import shift_event
from tests.sweep_world import (
    ROUTES,
    changed_tables,
    client_as,
    methods,
    send,
    snapshot,
    url,
    world,  # noqa: F401  (world: fixture)
)

# Pages that read query arguments, read with them too.
WITH_ARGUMENTS = {
    "events.index": "?theme=士業交流会",
    "events.check_in_page": "?q=Sweep",
    "matching.people": "?q=Sweep",
    "matching.note": "?event={recent}&next=/people",
    "seating.projector": "?round=2",
    "admin.users": "?q=sweep",
    "admin.outbox": "?status=pending&to=sweep&page=2",
}


def every_get(app, world):
    for route in ROUTES:
        if "GET" in methods(app, route):
            path = url(app, route, world)
            yield path
            if route.endpoint in WITH_ARGUMENTS:
                yield path + WITH_ARGUMENTS[route.endpoint].format(recent=world.recent)


@pytest.mark.parametrize(
    "role", ("host", "co_host", "door_staff", "attendee", "tablemate", "member", "other_host", "admin", "anonymous")
)
def test_reading_every_page_changes_nothing(app, world, role):
    client = client_as(app, world, role)  # logging in is a POST: it happens before the snapshot
    before = snapshot()
    answered = 0
    for path in every_get(app, world):
        response = send(client, "GET", path)
        assert response.status_code < 500, f"GET {path} as {role}: {response.status_code}"
        answered += response.status_code == 200
        assert changed_tables(before, snapshot()) == {}, f"GET {path} as {role} changed the database"
    assert answered >= (6 if role == "anonymous" else 20), f"only {answered} pages answered {role}"


@pytest.mark.parametrize("page", ("matching.matches", "matching.meet_again"))
def test_a_page_may_only_write_a_reveal_that_is_due(app, world, page, now):
    """The reveal of an evening whose window closed is the only write a GET does."""
    tablemate, blocked = (db.session.get(User, world.users[role]) for role in ("tablemate", "blocked"))
    save_choices(tablemate, world.recent, [blocked.id], now=now)
    save_choices(blocked, world.recent, [tablemate.id], now=now)
    shift_event(world.recent, -timedelta(days=db.session.get(Event, world.recent).meet_again_days))
    client = client_as(app, world, "attendee")
    path = url(app, next(r for r in ROUTES if r.endpoint == page), world)
    before = snapshot()
    assert send(client, "GET", path).status_code == 200
    changes = changed_tables(before, snapshot())
    # The reveal's record, the one new match and its two mails: nothing else.
    written = {table: (len(gone), len(new)) for table, (gone, new) in changes.items()}
    assert written == {"match_reveals": (0, 1), "matches": (0, 1), "outbox_messages": (0, 2)}, f"GET {path}"
    match = db.session.scalar(sa.select(Match).where(Match.event_id == world.recent))
    assert {match.user_low_id, match.user_high_id} == {tablemate.id, blocked.id}
    after_first = snapshot()
    assert send(client, "GET", path).status_code == 200
    assert changed_tables(after_first, snapshot()) == {}, "a reveal is written once"
