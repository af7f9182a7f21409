"""Two reveals of one event at the same moment (cron and a page view, or two
cron hosts) make each match once and send each mail once."""

from datetime import timedelta

from sqlalchemy import func, select

from meetup.accounts.models import User
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in
from meetup.events.services.registration import register
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.matching.models import Reveal
from meetup.matching.services.choices import save_choices
from meetup.matching.services.prompts import send_prompts
from meetup.matching.services.reveal import reveal_matches
from meetup.rules.models import Match
from meetup.seating.services import forming, publishing
from tests.clock import NOW
from tests.events.helpers import event_details
from tests.events.test_concurrency import simultaneously


def _evening_with_two_mutual_pairs():
    now = NOW
    users = [
        User(
            email=f"reveal{n}@example.com",
            password_hash="!",
            display_name=f"Reveal {n}",
            industry="it",
            email_confirmed_at=now,
        )
        for n in range(5)
    ]
    db.session.add_all(users)
    db.session.commit()
    host, people = users[0], users[1:]
    event = hosting.create_event(
        host,
        event_details(now, starts_at=now + timedelta(hours=1), table_size=4, rounds=1, registration_deadline=None),
        now=now,
    )
    hosting.publish_event(host, event.id, now=now)
    for person in people:
        registration = register(person, event.id, goals=["learn"], intro="", acknowledged=True, now=now)
        check_in(host, event.id, registration.id, now=now)
    forming.form_tables(host, event.id)
    publishing.publish(host, event.id, now=now)
    during = now + timedelta(hours=2)
    a, b, c, d = people
    for chooser, chosen in ((a, b), (b, a), (c, d), (d, c)):
        save_choices(chooser, event.id, [chosen.id], now=during)
    return event.id, now + timedelta(days=4)


def test_two_reveals_at_once_make_each_match_and_send_each_mail_once(committing_app):
    event_id, after = _evening_with_two_mutual_pairs()
    results, errors = simultaneously(committing_app, [lambda: reveal_matches(event_id, now=after)] * 2)

    assert errors == []
    assert sorted(results, key=lambda made: made is not None) == [None, 2]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Match)) == 2
    assert (
        db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "meet-again-match")
        )
        == 4
    )
    assert db.session.get(Reveal, event_id).matches_made == 2


def test_two_workers_prompting_at_once_mail_each_person_once(committing_app):
    event_id, _ = _evening_with_two_mutual_pairs()
    ended = NOW + timedelta(hours=3, minutes=1)
    results, errors = simultaneously(committing_app, [lambda: send_prompts(event_id, now=ended)] * 2)

    assert errors == []
    assert sorted(results) == [0, 4]
    db.session.rollback()
    assert (
        db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "meet-again-prompt")
        )
        == 4
    )
