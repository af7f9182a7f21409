"""The two mails after an evening that bring people back to choose: the
meet-again prompt once the evening has ended, and a last call during the
window's final day to those who have not saved their choices yet.

Two jobs for the worker, each a pair: ``*_due(now)`` lists the events with
someone to mail, and ``send_*(event_id, now=)`` mails them in one transaction
holding the event's lock (``locked_event``), stamping each registration it
has decided on (``meet_again_prompted_at``, ``last_call_sent_at``), mailed or
not. So a second run, or a second worker on PostgreSQL, finds nothing left
and mails nobody twice.

"Not yet chosen" means not yet *saved* (``Registration.meet_again_saved_at``,
which ``choices.save_choices`` stamps, saving "nobody" included), never "not
yet opened": a GET must change nothing (tests/test_get_changes_nothing.py),
and mail scanners open every link in a mail by themselves, so an opened page
would say nothing about the person.

Neither mail depends on anyone else's choices (DESIGN.md): who gets it and
its words follow only from the person's own attendance, tables and saves.
Nothing here reads a meet-again choice.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from meetup.events.models import CONFIRMED, FINISHED, PUBLISHED, Event, Registration
from meetup.events.notify import notify
from meetup.events.services.locking import locked_event
from meetup.extensions import db
from meetup.mail import external_url
from meetup.matching import window
from meetup.matching.models import Reveal
from meetup.rules.queries import banned_user_ids
from meetup.seating.queries.encounters import tablemate_ids

PROMPT = "meet-again-prompt"
LAST_CALL = "meet-again-last-call"
# The last call goes out during the window's final day...
LAST_CALL_WITHIN = timedelta(hours=24)
# ...but never on the prompt's heels (a one-day window opens its final day at once).
AFTER_PROMPT = timedelta(hours=12)
# The longest window (the events table's check constraint): no older event is due.
LONGEST_WINDOW = timedelta(days=14)


def _attended(*conditions):
    """Registrations of people checked in, as ``seating.queries.encounters.attended`` counts them."""
    return select(Registration).where(
        Registration.status == CONFIRMED, Registration.checked_in_at.is_not(None), *conditions
    )


def _due(now: datetime, waiting, *, last_call: bool) -> list[int]:
    """Events whose window is open after the evening (in its final day, for
    ``last_call``) with a registration matching ``waiting`` not yet decided."""
    someone = _attended(Registration.event_id == Event.id, waiting).exists()
    events = db.session.scalars(
        select(Event)
        .outerjoin(Reveal, Reveal.event_id == Event.id)
        .where(
            Event.state.in_((PUBLISHED, FINISHED)),
            Event.ends_at <= now,
            Event.ends_at > now - LONGEST_WINDOW,
            Reveal.event_id.is_(None),
            someone,
        )
        .order_by(Event.ends_at, Event.id)
    )
    return [event.id for event in events if _open(event, now, last_call=last_call)]


def _open(event: Event, now: datetime, *, last_call: bool) -> bool:
    """The evening is over and its window open (and in its final day, for ``last_call``)."""
    if event.state not in (PUBLISHED, FINISHED) or now < event.ends_at or not window.is_open(event, now):
        return False
    if last_call and now < window.closes_at(event) - LAST_CALL_WITHIN:
        return False
    return db.session.get(Reveal, event.id) is None


def _unprompted():
    return Registration.meet_again_prompted_at.is_(None)


def _without_last_call(now: datetime):
    return (
        Registration.last_call_sent_at.is_(None)
        & Registration.meet_again_saved_at.is_(None)
        & (Registration.meet_again_prompted_at <= now - AFTER_PROMPT)
    )


def prompts_due(now: datetime) -> list[int]:
    """Events whose prompt has someone left to decide on."""
    return _due(now, _unprompted(), last_call=False)


def last_calls_due(now: datetime) -> list[int]:
    """Events in their window's final day whose last call has someone left to decide on."""
    return _due(now, _without_last_call(now), last_call=True)


def send_prompts(event_id: int, *, now: datetime) -> int:
    """Ask everyone who attended and had a tablemate whom they would like to
    meet again; return how many were asked."""
    return _send(event_id, _unprompted(), PROMPT, "meet_again_prompted_at", now=now, last_call=False)


def send_last_calls(event_id: int, *, now: datetime) -> int:
    """Remind those who attended, had a tablemate and have not saved their
    choices that the window closes soon; return how many were reminded."""
    return _send(event_id, _without_last_call(now), LAST_CALL, "last_call_sent_at", now=now, last_call=True)


def _send(event_id: int, waiting, template: str, stamp: str, *, now: datetime, last_call: bool) -> int:
    with locked_event(event_id) as event:
        if not _open(event, now, last_call=last_call):
            return 0
        undecided = list(
            db.session.scalars(
                _attended(Registration.event_id == event.id, waiting)
                .order_by(Registration.id)
                .options(joinedload(Registration.user))
            )
        )
        for registration in undecided:
            setattr(registration, stamp, now)
        asked = _who_may_be_asked(event, undecided, now)
        links = {
            "meet_again_url": external_url("matching.meet_again", event_id=event.id),
            "closes_at": window.closes_at(event),
        }
        for registration in asked:
            notify(registration, template, **links)
        return len(asked)


def _who_may_be_asked(event: Event, registrations: list[Registration], now: datetime) -> list[Registration]:
    """Those with someone to choose, as their meet-again page shows it;
    nobody whose account is deleted or whom the host has banned."""
    banned = banned_user_ids(event.community_id, [r.user_id for r in registrations])
    return [
        r
        for r in registrations
        if r.user.deleted_at is None and r.user_id not in banned and tablemate_ids(event, r.user_id, now)
    ]
