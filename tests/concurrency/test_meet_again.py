"""Meet-again ticks racing the reveal, through gunicorn: attendees keep
ticking and unticking their tablemates while the window closes, and the
reveal runs at that moment from three places at once (``worker --once``,
the service in-process, and the pages, which reveal lazily once the window
has closed).

What attendees care about: a tick that was confirmed as saved counts, a tick
that came too late is refused with a clear message in their language (and
changes nothing), and the matches are exactly the mutual pairs among the
choices that were saved; each match is made once and told once to each side.
"""

import random
import re
import threading
import time
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from meetup.events.models import Event
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in
from meetup.events.services.registration import register
from meetup.extensions import db
from meetup.matching.models import MeetAgainChoice, Reveal
from meetup.matching.services.reveal import reveal, reveals_due
from meetup.matching.window import closes_at
from meetup.rules.models import Match
from meetup.seating.services import forming, publishing
from meetup.timeutil import utcnow
from tests.clock import NOW
from tests.concurrency.conftest import add_people, at_once, jobs_done, logged_in
from tests.conftest import read_afresh
from tests.events.helpers import event_details, mails

ATTENDEES = 12
SAVED_MSGID = (
    "Saved. Nobody is told anything now; when the window closes, only choices made by both people become matches."
)
CLOSED_MSGID = "The meet-again window for this event has closed; choices are final."
TICKING_BEFORE_CLOSE = 2.0  # seconds of ticking while the window is still open
GIVE_UP_AFTER = 20.0  # a person still not refused this long after the close fails the test


def translated(app, msgid: str, language: str) -> str:
    with app.test_request_context(), force_locale(language):
        return gettext(msgid)


@pytest.fixture
def evening_just_ended(committing_app):
    """Twelve attendees (half reading Japanese) at three tables of four, the
    seating published and the meet-again window open (committed)."""
    host = add_people("ma-host", 1)[0]
    people = add_people("ma-en", ATTENDEES // 2) + add_people("ma-ja", ATTENDEES // 2, language="ja")
    # The evening ended a day ago, less ten minutes: a one-day window, still open.
    then = NOW - timedelta(days=1, hours=3) + timedelta(minutes=10)
    details = event_details(
        then, starts_at=then + timedelta(hours=1), registration_deadline=None, table_size=4, rounds=1, meet_again_days=1
    )
    event = hosting.create_event(host, details, now=then)
    hosting.publish_event(host, event.id, now=then)
    for person in people:
        registration = register(person, event.id, goals=["learn"], intro="", acknowledged=True, now=then)
        check_in(host, event.id, registration.id, now=then)
    forming.form_tables(host, event.id)
    publishing.publish(host, event.id, now=then + timedelta(hours=1))
    return event.id, people


def close_window_at(event_id: int, moment) -> None:
    """Move the evening so that its window closes at ``moment`` (a real instant in the test)."""
    event = db.session.get(Event, event_id)
    shift = moment - closes_at(event)
    event.starts_at, event.ends_at = event.starts_at + shift, event.ends_at + shift
    event.registration_deadline += shift
    db.session.commit()


def outcome(page, saved_text: str, closed_text: str) -> str:
    if page.flashes == [("success", saved_text)]:
        return "saved"
    if page.flashes == [("error", closed_text)]:
        return "refused"
    return f"unexpected: {page.status} {page.flashes}"


def test_ticks_racing_the_reveal_count_exactly_when_they_were_saved(
    gunicorn, committing_app, command_gate, evening_just_ended, no_server_errors
):
    event_id, people = evening_just_ended
    path = f"/events/{event_id}/meet-again"
    tabs = [logged_in(gunicorn, person.email) for person in people]
    opened = [tab.get(path) for tab in tabs]
    tokens = [page.csrf_token() for page in opened]
    ids = {person.id for person in people}
    mates = [sorted(int(v) for v in re.findall(r'name="chosen" value="(\d+)"', page.text)) for page in opened]
    assert all(len(m) == 3 and set(m) <= ids for m in mates)  # each sees their three tablemates

    texts = [
        (
            translated(committing_app, SAVED_MSGID, person.language or "en"),
            translated(committing_app, CLOSED_MSGID, person.language or "en"),
        )
        for person in people
    ]
    assert texts[0] != texts[-1]  # English and Japanese readers, each told in their language

    # Everyone first ticks their whole table, well before the close: a person whose every
    # tick in the race below loses the write lock to the others still has a saved choice,
    # so mutual pairs (and therefore matches) exist whatever the scheduling.
    first = [
        outcome(tab.post(path, {"csrf_token": token, "chosen": m}), *text)
        for tab, token, m, text in zip(tabs, tokens, mates, texts)
    ]
    assert first == ["saved"] * ATTENDEES

    command_gate.start("worker", "--once")
    command_gate.wait_until_ready()
    close = utcnow() + timedelta(seconds=TICKING_BEFORE_CLOSE + 1)
    close_window_at(event_id, close)
    close_wall = time.time() + (close - utcnow()).total_seconds()

    def ticking(n):
        tab, (saved_text, closed_text) = tabs[n], texts[n]
        rng = random.Random(n)
        log = [(mates[n], "saved")]
        time.sleep(max(0.0, close_wall - TICKING_BEFORE_CLOSE - time.time()))
        while sum(result == "refused" for _chosen, result in log) < 2 and time.time() < close_wall + GIVE_UP_AFTER:
            # Half the time everyone at the table, else any subset (an empty one unticks everyone):
            # whichever tick lands last, mutual pairs are all but certain, so matches are tested.
            chosen = mates[n] if rng.random() < 0.5 else sorted(rng.sample(mates[n], rng.randint(0, 3)))
            sent = time.time()
            page = tab.post(path, {"csrf_token": tokens[n], "chosen": chosen})
            result = outcome(page, saved_text, closed_text)
            # Saved only if pressed before the close; refused only if answered after it.
            assert result != "saved" or sent < close_wall, (sent - close_wall, result)
            assert result != "refused" or time.time() > close_wall, (time.time() - close_wall, result)
            log.append((chosen, result))
        return log

    def revealing():
        with committing_app.app_context():
            made = []
            time.sleep(max(0.0, close_wall - 0.2 - time.time()))
            threading.Timer(max(0.0, close_wall - time.time()), command_gate.release).start()  # the timer fires
            while time.time() < close_wall + 1.5:
                now = utcnow()
                made.append(sum(reveal(event_id, now=now) for event_id in reveals_due(now)))
                db.session.remove()
                time.sleep(0.02)
            return made

    results = at_once([lambda n=n: ticking(n) for n in range(ATTENDEES)] + [revealing], timeout=GIVE_UP_AFTER + 30)
    logs, in_process = results[:ATTENDEES], results[ATTENDEES]
    [(status, out, err)] = command_gate.results()
    assert status == 0, err

    print(
        f"ticks saved {sum(r == 'saved' for log in logs for _c, r in log)} "
        f"(per person {[sum(r == 'saved' for _c, r in log) for log in logs]}), refused "
        f"{sum(r == 'refused' for log in logs for _c, r in log)}; the timer said {out.strip()!r}, "
        f"in-process reveals {[m for m in in_process if m is not None]}"
    )
    assert [tab.server_errors() for tab in tabs] == [[]] * ATTENDEES
    for log in logs:
        results_seen = [result for _chosen, result in log]
        # Saved while open, then refused for good: never a saved tick after a refusal.
        assert set(results_seen) <= {"saved", "refused"}, results_seen
        assert "refused" in results_seen, "still accepted ticks long after the window closed"
        first_refusal = results_seen.index("refused")
        assert set(results_seen[first_refusal:]) == {"refused"}, results_seen
    final = {
        person.id: next((set(chosen) for chosen, result in reversed(log) if result == "saved"), set())
        for person, log in zip(people, logs)
    }
    assert sum(result == "saved" for log in logs for _chosen, result in log) > 0

    read_afresh()  # read what the workers and the reveals committed
    stored = {}
    for chooser, chosen in db.session.execute(
        select(MeetAgainChoice.chooser_id, MeetAgainChoice.chosen_id).where(MeetAgainChoice.event_id == event_id)
    ):
        stored.setdefault(chooser, set()).add(chosen)
    assert {k: v for k, v in final.items() if v} == stored  # every saved tick counts; no refused one does
    mutual = {(a, b) for a, chosen in final.items() for b in chosen if a < b and a in final.get(b, set())}
    matches = db.session.scalars(select(Match)).all()
    assert sorted((m.user_low_id, m.user_high_id) for m in matches) == sorted(mutual)
    assert mutual, "no mutual pair among the saved ticks: the test proved nothing this time"
    revealed = db.session.get(Reveal, event_id)
    assert revealed.matches_made == len(mutual)
    # Revealed once: by the pages, the worker or the service, but only one of them made matches.
    made_by_timer = jobs_done(out, "reveal")
    assert made_by_timer + sum(m or 0 for m in in_process) in (0, len(mutual))
    # Each side told once about each match.
    told = sorted((m.recipient_id, m.kind) for m in mails() if m.kind == "meet-again-match")
    assert told == sorted((user_id, "meet-again-match") for pair in mutual for user_id in pair)
    # And each person's Matches page shows exactly their matches.
    names = {person.id: person.display_name for person in people}
    for person, tab in zip(people, tabs):
        page = tab.get("/matches").text
        shown = set(re.findall(r'<h2 class="person-name">([^<]*?)(?: <span|</h2>)', page))
        assert shown == {names[b if a == person.id else a] for a, b in mutual if person.id in (a, b)}
