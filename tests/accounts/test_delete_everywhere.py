"""Deleting an account removes the person's data in every domain and frees
their seats for the waitlist."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from meetup.accounts.services import WrongPasswordError
from meetup.events.models import CANCELLED, CONFIRMED, Registration
from meetup.extensions import db
from meetup.mail.models import MailOptOut
from meetup.matching.models import MeetAgainChoice
from meetup.privacy import services as privacy
from meetup.rules.models import Block, Match
from meetup.seating.models import Note
from tests.conftest import PASSWORD
from tests.events.conftest import event, host, make_event, sign_up_for  # noqa: F401  (shared fixtures)


def test_deleting_frees_upcoming_seats_and_removes_private_data(make_event, make_user, sign_up_for, now):
    leaving, waiting, other = make_user(), make_user(), make_user()
    upcoming = make_event(capacity=1)
    sign_up_for(upcoming, leaving, intro="Looking for a co-author")
    sign_up_for(upcoming, waiting)
    past = make_event()
    db.session.add_all(
        [
            Note(author_id=leaving.id, subject_id=other.id, text="Runs a bakery in Kichijoji"),
            Note(author_id=other.id, subject_id=leaving.id, text="Other's own note stays"),
            MeetAgainChoice(event_id=past.id, chooser_id=leaving.id, chosen_id=other.id),
            Block(blocker_id=leaving.id, blocked_id=other.id),
            Match(user_low_id=min(leaving.id, other.id), user_high_id=max(leaving.id, other.id), event_id=past.id),
            MailOptOut(user_id=leaving.id, topic="reminders"),
            MailOptOut(user_id=other.id, topic="reminders"),
        ]
    )
    db.session.commit()

    privacy.delete_account(leaving, password=PASSWORD, now=now)

    db.session.expire_all()
    seats = dict(
        db.session.execute(
            select(Registration.user_id, Registration.status).where(Registration.event_id == upcoming.id)
        ).all()
    )
    assert seats == {leaving.id: CANCELLED, waiting.id: CONFIRMED}
    assert db.session.scalar(select(Registration.intro).where(Registration.user_id == leaving.id)) == ""
    assert [n.text for n in db.session.scalars(select(Note))] == ["Other's own note stays"]
    assert db.session.scalars(select(MeetAgainChoice)).all() == []
    assert db.session.scalars(select(Block)).all() == []
    assert db.session.scalars(select(MailOptOut.user_id)).all() == [other.id]
    assert db.session.scalar(select(Match)).ended_at is not None
    assert leaving.email is None and leaving.display_name == ""


def test_a_wrong_password_deletes_nothing(make_event, make_user, sign_up_for, now):
    leaving = make_user()
    upcoming = make_event(starts_at=now + timedelta(days=3))
    sign_up_for(upcoming, leaving)
    with pytest.raises(WrongPasswordError):
        privacy.delete_account(leaving, password="not my password", now=now)
    db.session.expire_all()
    assert db.session.scalar(select(Registration.status).where(Registration.user_id == leaving.id)) == CONFIRMED
    assert leaving.email is not None
