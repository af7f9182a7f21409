"""A reported or blocked person cannot find out, or find out who.

For the reported person B, everything B can reach (every GET page of the
app, the statements each page runs, every mail, and the answers to B's own
report and block of the reporter) is the same whether or not A and C
reported B, and whether or not A blocked B. Only a host's explicit warning
reaches B, and it names nobody: the control run shows the comparison does
see that mail.

The crawl, the savepoint scenarios and the normalisation are the meet-again
privacy test's (tests/matching/test_privacy.py); statement counts are added
here as the observable stand-in for timing.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetup.accounts.models import User
from meetup.conduct.services import blocks, moderation, reports
from meetup.extensions import db
from tests.clock import NOW
from tests.conduct.conftest import post
from tests.matching.conftest import seated, shift_event  # noqa: F401  (shared fixtures)
from tests.matching.test_privacy import _crawl, _differences, _labels, _mail_to, _normalised, _urls, scenario


@pytest.fixture
def world(seated, make_user, host, client_for, make_event, sign_up_for, monkeypatch, now):
    """A, B, C, D shared a table; B also has a seat at the host's next event.

    The conduct pages' clock stands still, so B's own report shows the same
    time in every run however long the crawls take."""
    monkeypatch.setattr("meetup.conduct.views.utcnow", lambda: now)
    a, b, c, d = (
        make_user(display_name=name, industry=industry)
        for name, industry in (
            ("Akira Sato", "lawyer"),
            ("Beni Ito", "insurance"),
            ("Chika Mori", "restaurant"),
            ("Daichi Abe", "it"),
        )
    )
    event, _ = seated(users=[a, b, c, d])
    shift_event(event.id, timedelta(hours=-2))
    upcoming = make_event(title="Next month")
    sign_up_for(upcoming, b)
    people = {"a": a, "b": b, "c": c, "d": d, "host": host}
    ids = {"events": [event.id, upcoming.id], "users": [p.id for p in people.values()], "event": event.id}
    people = {name: (person.id, person.display_name) for name, person in people.items()}
    extra = ["/conduct/reports", "/conduct/blocked", f"/events/{event.id}/people/{a.id}/report"]
    return ids, people, client_for(b), extra


def _counted_crawl(client, urls) -> tuple[dict, dict]:
    counts = {}
    pages = {}
    for url in urls:
        statements = []

        def record(conn, cursor, statement, *args, statements=statements):
            if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
                statements.append(statement)

        db.session.remove()  # every page starts from an empty session, so counts do not depend on its cache
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            pages.update(_crawl(client, [url]))
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        counts[url] = len(statements)
    return pages, counts


def _run(world, *, reported=False, blocked=False, warned=False) -> dict:
    ids, people, client, extra = world
    # Each run reads the people afresh: the previous run's session is gone.
    a, b, c, host = (db.session.get(User, people[name][0]) for name in ("a", "b", "c", "host"))
    event_id, now = ids["event"], NOW
    snapshot = {}
    with scenario():
        if reported:
            first = reports.report(
                a,
                event_id,
                b.id,
                category="selling",
                description="Insurance pitch, twice.",
                round_=0,
                table_no=0,
                now=now,
            )
            reports.report(c, event_id, b.id, category="contact-pressure", description="Asked for my LINE.", now=now)
            if warned:
                moderation.warn(host, event_id, first.id, now=now)
        if blocked:
            blocks.block(a, event_id, b.id, now=now)
        db.session.remove()
        pages, counts = _counted_crawl(client, _urls(ids, extra))
        card = f"/events/{event_id}/people/{a.id}"
        retaliation = [
            post(client, card + "/report", card, category="harassment", description="Rude."),
            post(client, card + "/block", card),
        ]
        labels = _labels()
        snapshot["before", "b"] = _normalised(pages, labels)
        snapshot["before", "counts"] = counts
        snapshot["before", "retaliation"] = [(r.status_code, r.headers.get("Location")) for r in retaliation]
        snapshot["before", "after-retaliation"] = _normalised(_crawl(client, ["/conduct/reports", card]), labels)
        snapshot["before", "mail"] = _mail_to(b.id, labels)
        db.session.remove()
    return snapshot


def _all_differences(one, other) -> list:
    found = _differences(
        {k: v for k, v in one.items() if k[1] in ("b", "mail", "after-retaliation")},
        {k: v for k, v in other.items() if k[1] in ("b", "mail", "after-retaliation")},
    )
    for key in (("before", "counts"), ("before", "retaliation")):
        if one[key] != other[key]:
            found.append(key + (None,))
    return found


def test_nothing_b_can_reach_shows_that_b_was_reported_or_blocked(world):
    untouched = _run(world)
    reported = _run(world, reported=True)
    blocked = _run(world, blocked=True)

    assert _all_differences(untouched, reported) == []
    assert _all_differences(untouched, blocked) == []
    # The crawl covered the pages that matter, and B's own report and block of A went through.
    pages = untouched["before", "b"]
    event_id = world[0]["event"]
    a_id, _ = world[1]["a"]
    assert pages[f"/events/{event_id}/my-tables"][0] == 200
    assert pages[f"/events/{event_id}/people/{a_id}"][0] == 200
    assert len(pages) > 40
    assert untouched["before", "retaliation"] == [(302, "/conduct/reports"), (302, f"/events/{event_id}/people/{a_id}")]
    assert [url for url, (status, *_) in pages.items() if status >= 500] == []


def test_the_comparison_sees_the_warning_and_the_warning_names_nobody(world):
    """Control run: a host's warning is the one thing that reaches B."""
    reported = _run(world, reported=True)
    warned = _run(world, reported=True, warned=True)
    assert _all_differences(reported, warned) == [("before", "mail", None)]
    [warning] = [mail for mail in warned["before", "mail"] if mail[0] == "conduct-warning"]
    people = world[1]
    for hint in (people["a"][1], people["c"][1], "Insurance pitch", "LINE", "Round", "Table"):
        assert hint not in warning[2] + warning[3]
