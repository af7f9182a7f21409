"""Deleting an account removes the person's data in every domain and frees
their seats for the waitlist."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from meetup.accounts.services.credentials import WrongPasswordError
from meetup.communities import queries as communities
from meetup.communities import services as community_services
from meetup.communities.models import CO_HOST, DOOR, OWNER
from meetup.events.models import CANCELLED, CONFIRMED, Registration
from meetup.events.services import events as hosting
from meetup.extensions import db
from meetup.mail.models import MailOptOut
from meetup.matching.models import MeetAgainChoice
from meetup.privacy import services as privacy
from meetup.rules.models import Block, Match
from meetup.seating.models import Note
from tests.conftest import PASSWORD
from tests.events.conftest import event, host, make_event, sign_up_for  # noqa: F401  (shared fixtures)
from tests.events.helpers import event_details


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


def test_deleting_ends_every_co_host_and_door_role(make_user, now):
    owner, other_owner, leaving = make_user(), make_user(), make_user()
    theirs = hosting.create_event(leaving, event_details(now), now=now).community_id
    co_hosted = hosting.create_event(owner, event_details(now), now=now).community_id
    door = hosting.create_event(other_owner, event_details(now), now=now).community_id
    community_services.add_member(owner, co_hosted, email=leaving.email, role=CO_HOST, now=now)
    community_services.add_member(other_owner, door, email=leaving.email, role=DOOR, now=now)

    privacy.delete_account(leaving, password=PASSWORD, now=now)

    assert communities.community_ids(leaving.id, (CO_HOST, DOOR)) == set()
    assert communities.community_ids(leaving.id, (OWNER,)) == {theirs}  # each community keeps its one owner
