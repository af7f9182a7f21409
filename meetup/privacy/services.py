"""Deleting an account everywhere (see the package docstring)."""

from datetime import datetime

from sqlalchemy import delete, or_, select, update

from meetup.accounts.models import User
from meetup.accounts.services import credentials, settings
from meetup.communities.models import OWNER, CommunityFollower, CommunityMember
from meetup.events.models import CANCELLED, Event, HostMessage, Registration
from meetup.events.queries.events import registration_of
from meetup.events.services.locking import locked_event
from meetup.events.services.registration import release_seat
from meetup.extensions import db
from meetup.mail.models import MailOptOut
from meetup.matching.models import MeetAgainChoice
from meetup.rules.models import Block, Match
from meetup.seating.models import Note


def delete_account(user: User, *, password: str, now: datetime) -> None:
    """Remove this person's data everywhere; raises WrongPasswordError (and
    changes nothing) unless ``password`` is theirs."""
    credentials.check_current_password(user, password)
    upcoming = db.session.scalars(
        select(Registration.event_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.user_id == user.id, Registration.status != CANCELLED, Event.starts_at > now)
    )
    for event_id in list(upcoming):
        # Even a checked-in seat goes: the person will not be there.
        with locked_event(event_id) as event:
            release_seat(event, registration_of(user.id, event.id), now)

    db.session.execute(update(Registration).where(Registration.user_id == user.id).values(intro=""))
    db.session.execute(delete(Note).where(Note.author_id == user.id))
    db.session.execute(
        delete(MeetAgainChoice).where(or_(MeetAgainChoice.chooser_id == user.id, MeetAgainChoice.chosen_id == user.id))
    )
    db.session.execute(delete(Block).where(Block.blocker_id == user.id))
    db.session.execute(delete(MailOptOut).where(MailOptOut.user_id == user.id))
    # The account stays (scrubbed), so the foreign key's cascade never fires: unfollow here.
    db.session.execute(delete(CommunityFollower).where(CommunityFollower.user_id == user.id))
    # A message the person wrote to an evening's attendees stays in that evening's log, from nobody.
    db.session.execute(update(HostMessage).where(HostMessage.sender_id == user.id).values(sender_id=None))
    # No longer a co-host or door staff anywhere. An owner's community keeps its
    # owner row (exactly one per community); a site admin runs it from then on.
    db.session.execute(delete(CommunityMember).where(CommunityMember.user_id == user.id, CommunityMember.role != OWNER))
    db.session.execute(
        update(Match)
        .where(or_(Match.user_low_id == user.id, Match.user_high_id == user.id), Match.ended_at.is_(None))
        .values(ended_at=now)
    )
    settings.delete_account(user, password=password)  # scrubs the account and commits it all
