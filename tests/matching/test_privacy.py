"""One-sided interest never reaches anyone.

For a person B, everything B can reach (every GET page of the app, every
export, every mail, the meet-again prompt included) is byte-for-byte the
same whether or not A ticked B, before the reveal and after it, unless B
ticked A too. The same holds for
what the event's host and a site admin see.

How: one shared world is built once; then each scenario (A ticks B / A does
not) runs inside its own savepoint on the test's connection, which is rolled
back afterwards, so both scenarios start from identical rows and ids. Rows
created inside a scenario (choices, matches, mail) may get different ids on
PostgreSQL (sequences do not roll back), and random public ids differ, so
pages are normalised: CSRF tokens, session cookies, public ids, the ids
in an admin's outbox links and the signing second of unsubscribe links are
replaced by stable labels. A control scenario (B ticks A back) must differ,
which proves the crawl can see a difference when there is one.
"""

import itertools
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from meetup.accounts.services.settings import make_admin, update_contacts
from meetup.events.models import Event
from meetup.extensions import db, limiter
from meetup.mail.models import OutboxMessage
from meetup.matching import window
from meetup.matching.services.notes import save_note
from meetup.matching.services.prompts import send_last_calls, send_prompts
from meetup.rules.models import Match
from meetup.seating.models import Note
from tests.conftest import csrf_token
from tests.matching.conftest import shift_event

CSRF = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")')
# A one-click unsubscribe link: its payload (whose link, which topic) is kept;
# its timestamp and signature change with the second it was made.
SIGNED_LINK = re.compile(r"(/mail/unsubscribe/[\w-]+)\.[\w-]+\.[\w-]+")
# The admin's outbox links each message by its id, which a sequence gives on PostgreSQL.
OUTBOX_LINK = re.compile(r"(/admin/outbox/)\d+")
MISSING = 999999
PER_RULE = 60  # at most this many filled-in URLs per route


def _contacts(phone):
    return {
        "email": "",
        "email_shared": False,
        "phone": phone,
        "phone_shared": True,
        "line_id": "",
        "line_id_shared": False,
        "website": "",
        "website_shared": False,
        "other": "",
        "other_shared": False,
    }


@contextmanager
def scenario():
    """Everything inside is rolled back afterwards, ids and all (see the module docstring)."""
    connection = db.session.get_bind()
    db.session.remove()
    savepoint = connection.begin_nested()
    limiter.reset()
    try:
        yield
    finally:
        db.session.remove()
        savepoint.rollback()


def _labels() -> dict[str, str]:
    """Random public ids in this scenario → names that mean the same thing in every scenario."""
    labels = {}
    for m in db.session.scalars(select(Match)):
        labels[m.public_id] = f"MATCH-{m.user_low_id}-{m.user_high_id}"
    for n in db.session.scalars(select(Note)):
        labels[n.public_id] = f"NOTE-{n.author_id}-{n.subject_id}"
    return labels


def _normalise(text: str, labels: dict[str, str]) -> str:
    text = CSRF.sub(r"\1CSRF\2", text)
    text = SIGNED_LINK.sub(r"\1.SIGNED", text)
    text = OUTBOX_LINK.sub(r"\1ID", text)
    for secret, label in labels.items():
        text = text.replace(secret, label)
    return text


def _urls(ids: dict[str, list[int]], extra: list[str]) -> list[str]:
    """Every GET route of the app, filled in with the world's ids (and one that does not exist)."""
    pool = {"event_id": ids["events"] + [MISSING], "user_id": ids["users"] + [MISSING]}
    urls = []
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = sorted(rule.arguments)
        choices = [pool.get(name, ids["events"] + ids["users"] + [MISSING]) for name in names]
        for values in itertools.islice(itertools.product(*choices), PER_RULE):
            path = rule.rule
            for name, value in zip(names, values):
                path = re.sub(r"<(?:[^:<>]+:)?" + name + ">", str(value), path)
            urls.append(path)
    return urls + extra


def _crawl(client, urls) -> dict[str, tuple]:
    seen = {}
    for url in urls:
        response = client.get(url)
        headers = sorted((k, v) for k, v in response.headers.items() if k != "Set-Cookie")
        seen[url] = (response.status_code, headers, response.get_data(as_text=True))
    return seen


def _normalised(pages: dict[str, tuple], labels) -> dict[str, tuple]:
    return {
        url: (status, [(k, _normalise(v, labels)) for k, v in headers], _normalise(body, labels))
        for url, (status, headers, body) in pages.items()
    }


def _mail_to(user_id, labels) -> list[tuple]:
    return [
        (m.kind, m.recipient_email, m.subject, _normalise(m.body, labels), m.calendar)
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient_id == user_id).order_by(OutboxMessage.id)
        )
    ]


@pytest.fixture
def world(seated, make_user, make_event, sign_up_for, host, client_for, now):
    """A, B, C, D shared a table an hour ago; B and C will both tick each other;
    B has a note about A and a seat at next month's event; a host and an admin."""
    a, b, c, d = (
        make_user(display_name=name, industry=industry)
        for name, industry in (
            ("Akira Sato", "lawyer"),
            ("Beni Ito", "design"),
            ("Chika Mori", "restaurant"),
            ("Daichi Abe", "it"),
        )
    )
    for n, person in enumerate((a, b, c, d)):
        update_contacts(person, _contacts(f"090-0000-000{n}"))
    admin = make_user(display_name="Site Admin")
    make_admin(admin.email)
    event, _ = seated(users=[a, b, c, d])
    shift_event(event.id, timedelta(hours=-2))
    upcoming = make_event(title="Next month")
    sign_up_for(upcoming, b)
    save_note(b, a.id, "Akira: ask about the patent question", event_id=event.id, now=now)
    clients = {
        name: client_for(person) for name, person in (("a", a), ("b", b), ("c", c), ("host", host), ("admin", admin))
    }
    ids = {
        "events": [event.id, upcoming.id],
        "users": [p.id for p in (a, b, c, d, host, admin)],
        "a": a.id,
        "b": b.id,
        "c": c.id,
        "event": event.id,
    }
    extra = [f"/people?q={q}" for q in ("Akira", "patent", "Chika", "nobody")] + [
        "/events/?theme=x",
        f"/events/{event.id}/tables/projector?round=1",
    ]
    return ids, clients, extra


def _tick(client, event_id, *user_ids):
    path = f"/events/{event_id}/meet-again"
    response = client.post(path, data={"chosen": [str(u) for u in user_ids], "csrf_token": csrf_token(client, path)})
    assert response.status_code == 302


def _after_the_evening(event_id) -> None:
    """The worker's mails after the evening: the meet-again prompt, then the last call."""
    event = db.session.get(Event, event_id)
    ended, final_day = event.ends_at + timedelta(minutes=1), window.closes_at(event) - timedelta(hours=1)
    send_prompts(event_id, now=ended)
    send_last_calls(event_id, now=final_day)


def _run(world, a_ticks_b: bool, b_ticks_a: bool = False) -> dict:
    ids, clients, extra = world
    snapshot = {}
    with scenario():
        urls = _urls(ids, extra)
        _tick(clients["b"], ids["event"], ids["c"], *([ids["a"]] if b_ticks_a else []))
        _tick(clients["c"], ids["event"], ids["b"])
        _tick(clients["a"], ids["event"], *([ids["b"]] if a_ticks_b else []))
        _after_the_evening(ids["event"])
        for phase in ("before", "after"):
            if phase == "after":
                shift_event(ids["event"], timedelta(days=-4))  # the window has closed
                db.session.remove()
            pages = {viewer: _crawl(clients[viewer], urls) for viewer in ("b", "host", "admin")}
            labels = _labels()  # after the crawl: a page view may have revealed new matches
            for viewer, seen in pages.items():
                snapshot[phase, viewer] = _normalised(seen, labels)
            snapshot[phase, "mail"] = _mail_to(ids["b"], labels)
            db.session.remove()
    return snapshot


def _differences(one: dict, other: dict) -> list[tuple[str, str, str | None]]:
    """(phase, viewer or "mail", url) for everything that is not identical."""
    found = []
    for (phase, what), seen in one.items():
        if what == "mail":
            if seen != other[phase, what]:
                found.append((phase, what, None))
        else:
            found += [(phase, what, url) for url in seen if seen[url] != other[phase, what].get(url)]
    return found


def test_nothing_b_can_reach_shows_that_a_ticked_b(world):
    without = _run(world, a_ticks_b=False)
    ticked = _run(world, a_ticks_b=True)

    assert _differences(without, ticked) == []
    # The crawl really covered the pages that matter, in both phases.
    b_after = without["after", "b"]
    assert b_after["/matches"][0] == 200 and "Chika Mori" in b_after["/matches"][2]  # the B–C match
    assert "Akira Sato" not in b_after["/matches"][2].split('id="content"')[1]
    assert any(kind == "meet-again-match" for kind, *_ in without["after", "mail"])
    assert [kind for kind, *_ in without["before", "mail"]].count("meet-again-prompt") == 1
    ids = world[0]
    assert without["before", "b"][f"/events/{ids['event']}/meet-again"][0] == 200
    assert without["before", "b"][f"/events/{ids['event']}/event.ics"][0] == 200
    assert without["before", "host"][f"/events/{ids['event']}/attendees.csv"][0] == 200
    assert len(without["before", "b"]) > 40
    assert [
        url
        for key, pages in without.items()
        if key[1] != "mail"
        for url, (status, *_) in pages.items()
        if status >= 500
    ] == []


def test_the_crawl_sees_a_difference_when_the_choice_is_mutual(world):
    """Control run: if B ticked A too, B's pages and mail do change (a match appears)."""
    one_sided = _run(world, a_ticks_b=False, b_ticks_a=True)
    mutual = _run(world, a_ticks_b=True, b_ticks_a=True)
    differences = _differences(one_sided, mutual)
    assert ("after", "b", "/matches") in differences
    assert ("after", "mail", None) in differences
    # Before the reveal nothing differs even for a mutual pair: nobody is told anything early.
    assert [d for d in differences if d[0] == "before"] == []
    # Hosts and admins see at most how many matches were made (dashboard, the tables' explanations),
    # and an admin's outbox lists the match mail that went to both people at the reveal.
    event_id = world[0]["event"]
    assert {d[2] for d in differences if d[1] == "host"} == {f"/events/{event_id}/dashboard"}
    assert {d[2] for d in differences if d[1] == "admin"} == {f"/events/{event_id}/dashboard", "/admin/outbox"}
