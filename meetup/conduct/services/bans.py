"""Banning someone from a community's evenings: recording the ban, and clearing
the banned person out of its upcoming evenings (registration refuses them
through ``meetup.rules.services.refuse_if_banned``). A ban covers every evening
of the community, whichever of its hosts created it.

A ban takes the locks of every upcoming evening of the community (in id order,
the same order whoever bans), so a registration racing the ban either finishes
first and is cancelled by it, or waits and is refused. Freed seats go to the
waitlist through the registration service's own promotion.
"""

from datetime import datetime

from sqlalchemy import select

from meetup import database
from meetup.accounts.models import User
from meetup.communities.models import Community
from meetup.conduct.queries import RUNS_THE_COMMUNITY, runs_the_community
from meetup.errors import DomainError
from meetup.events.models import CANCELLED, Event, Registration
from meetup.events.services.registration import release_seat
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.mail import enqueue, external_url
from meetup.rules.models import Ban
from meetup.rules.queries import active_ban


class AlreadyBannedError(DomainError):
    pass


def lock_upcoming_events(community_id: int, now: datetime) -> list[Event]:
    """Hold the locks of the community's evenings that have not started (``meetup.database.locked``)."""
    return list(
        database.locked(
            select(Event).where(Event.community_id == community_id, Event.starts_at > now).order_by(Event.id), Event
        )
    )


def apply_ban(actor, event: Event, user_id: int, *, report_id: int | None, events: list[Event], now: datetime):
    """Inside ``lock_upcoming_events``: ban the person from ``event``'s community and
    cancel their registrations for those events, promoting the waitlist. The
    caller commits.

    Returns the ban and the events whose registration was cancelled."""
    community_id = event.community_id
    if runs_the_community(event, db.session.get(User, user_id)):
        raise DomainError(RUNS_THE_COMMUNITY)
    if active_ban(community_id, user_id) is not None:
        raise AlreadyBannedError(_l("This person is already banned from these events."))
    ban = Ban(
        community_id=community_id,
        host_id=event.host_id,
        user_id=user_id,
        report_id=report_id,
        created_at=now,
        created_by_id=actor.id,
    )
    db.session.add(ban)
    by_id = {event.id: event for event in events}
    registrations = list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.user_id == user_id,
                Registration.event_id.in_(list(by_id)),
                Registration.status != CANCELLED,
            )
            .order_by(Registration.event_id)
        )
    )
    cancelled = []
    for registration in registrations:
        event = by_id[registration.event_id]
        release_seat(event, registration, now)
        cancelled.append(event)
    db.session.flush()
    return ban, cancelled


def notify_banned(person, community, cancelled: list[Event]) -> None:
    """Tell the person, politely and naming nobody, and list what was cancelled."""
    enqueue(person, "conduct-banned", community=community, cancelled=cancelled, events_url=external_url("events.index"))


def lift(actor, ban: Ban, *, now: datetime) -> Ban:
    """Stamp the ban lifted and tell the person (the caller checks who may, and commits)."""
    ban.lifted_at = now
    ban.lifted_by_id = actor.id
    person, community = db.session.get(User, ban.user_id), db.session.get(Community, ban.community_id)
    enqueue(person, "conduct-ban-lifted", community=community, events_url=external_url("events.index"))
    return ban
