"""A new evening, announced once to the followers of its community.

A job of the worker (meetup.jobs): ``announcements_due`` lists the published
evenings not yet announced that have not started; ``announce`` claims one
with a conditional UPDATE (``announced_at`` set only where it is still NULL)
and queues one mail per follower in that same transaction. Of two workers at
once only one changes the row, so each follower gets the mail once; the other
finds nothing to claim and mails nobody.

Publishing leaves ``announced_at`` NULL (migration 0014 stamped the evenings
published before followers existed). A draft is never announced, nor an
evening cancelled or begun before the worker came to it.

Who gets it: every follower, but not the community's own team (they made the
evening), anyone already holding a registration for it, anyone the
community's bans keep away, or a deleted account; ``enqueue`` then skips whoever turned
the topic off or has not confirmed their address.
"""

from datetime import datetime

from sqlalchemy import select, update

from meetup.accounts.models import User
from meetup.communities.models import CommunityFollower, CommunityMember
from meetup.events.models import CANCELLED, PUBLISHED, Event, Registration
from meetup.extensions import db
from meetup.mail import enqueue, external_url
from meetup.rules.queries import banned_user_ids

TEMPLATE = "community-announcement"


def _announceable(now: datetime):
    return Event.state == PUBLISHED, Event.announced_at.is_(None), Event.starts_at > now


def announcements_due(now: datetime) -> list[int]:
    """Published evenings not yet announced that have not started, oldest published first."""
    return list(db.session.scalars(select(Event.id).where(*_announceable(now)).order_by(Event.published_at, Event.id)))


def _recipients(event: Event) -> list[User]:
    team = select(CommunityMember.user_id).where(CommunityMember.community_id == event.community_id)
    registered = select(Registration.user_id).where(Registration.event_id == event.id, Registration.status != CANCELLED)
    followers = list(
        db.session.scalars(
            select(User)
            .join(CommunityFollower, CommunityFollower.user_id == User.id)
            .where(
                CommunityFollower.community_id == event.community_id,
                User.deleted_at.is_(None),
                User.id.not_in(team),
                User.id.not_in(registered),
            )
            .order_by(User.id)
        )
    )
    banned = banned_user_ids(event.community_id, [user.id for user in followers])
    return [user for user in followers if user.id not in banned]


def announce(event_id: int, *, now: datetime) -> int:
    """Claim the evening and queue its announcement to each follower, in one
    transaction; return how many mails were queued (0 if it was not ours to claim)."""
    claimed = db.session.execute(
        update(Event)
        .where(Event.id == event_id, *_announceable(now))
        .values(announced_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        return 0
    event = db.session.get(Event, event_id, populate_existing=True)
    context = {
        "event": event,
        "community": event.community,
        "event_url": external_url("events.show", event_id=event.id),
        "community_url": external_url("communities.show", community_id=event.community_id),
    }
    queued = sum(enqueue(user, TEMPLATE, **context) is not None for user in _recipients(event))
    db.session.commit()
    return queued
