"""Two workers at once announce each new evening once: ``flask --app meetup
worker --once`` started twice at the same instant, as two processes on the
same database, sending to one real SMTP server.

What followers care about: each of them hears of each new evening exactly
once, however many workers run, and never of a draft or a cancelled one.
"""

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from meetup.communities.services import follow
from meetup.events.models import Event
from meetup.events.services import events as hosting
from meetup.extensions import db
from tests.clock import NOW
from tests.concurrency.conftest import add_people, jobs_done
from tests.events.helpers import event_details, mails

FOLLOWERS = 12
EVENINGS = 3


def a_community_with_new_evenings() -> tuple[set[int], set[int], set[int]]:
    """A host's community, its followers (half reading Japanese) and three
    evenings just published, besides a draft and a cancelled one. Returns the
    followers, the evenings to announce and those never to announce."""
    host = add_people("announce-host", 1)[0]
    people = add_people("follower", FOLLOWERS)
    for n, person in enumerate(people):
        person.language = ("en", "ja")[n % 2]
    db.session.commit()
    published = set()
    for k in range(EVENINGS):
        details = event_details(NOW, starts_at=NOW + timedelta(days=7 + k), title=f"Evening {k}")
        event = hosting.create_event(host, details, now=NOW)
        hosting.publish_event(host, event.id, now=NOW)
        published.add(event.id)
    draft = hosting.create_event(host, event_details(NOW, title="Draft"), now=NOW)
    cancelled = hosting.create_event(host, event_details(NOW, title="Cancelled"), now=NOW)
    hosting.publish_event(host, cancelled.id, now=NOW)
    hosting.cancel_event(host, cancelled.id, now=NOW)
    for person in people:
        follow(person, draft.community_id, now=NOW)
    return {p.id for p in people}, published, {draft.id, cancelled.id}


def test_two_workers_at_once_announce_each_evening_to_each_follower_once(committing_app, command_gate, smtp_server):
    followers, published, never = a_community_with_new_evenings()
    db.session.remove()  # no open transaction of ours while the workers run

    port = str(committing_app.config["MAIL_PORT"])
    for _ in range(2):
        command_gate.start("worker", "--once", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    command_gate.wait_until_ready()
    command_gate.release()
    outcomes = command_gate.results()

    assert [status for status, _out, _err in outcomes] == [0, 0], [err for _status, _out, err in outcomes]
    queued = [jobs_done(out, "announcements") for _status, out, _err in outcomes]
    print(f"the two workers queued {queued} announcements of {len(published)} evenings to {len(followers)} people")
    assert sum(queued) == len(published) * len(followers)

    announcements = [m for m in mails() if m.kind == "community-announcement"]
    told = Counter((m.recipient_id, m.subject) for m in announcements)
    assert set(told.values()) == {1}
    assert Counter(m.recipient_id for m in announcements) == Counter({f: len(published) for f in followers})
    assert not any("Draft" in m.subject or "Cancelled" in m.subject for m in announcements)
    assert sum("新しい回のお知らせ" in m.subject for m in announcements) == len(published) * FOLLOWERS // 2
    stamped = dict(db.session.execute(select(Event.id, Event.announced_at)).all())
    assert all(stamped[e] is not None for e in published) and all(stamped[e] is None for e in never)

    # Each mail arrived once, under its own Message-ID, with its one-click link.
    outbox = mails()
    assert all(m.sent_at is not None for m in outbox)
    arrived = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert arrived == Counter(m.message_id for m in outbox)
    assert all(
        message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        for message in smtp_server.messages
        if message["Message-ID"] in {m.message_id for m in announcements}
    )
