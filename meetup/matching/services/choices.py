"""Private "I'd like to meet again" choices.

What a person sees after saving never depends on anyone else's choices: a
name that is not a tablemate is dropped exactly as a valid one is stored, and
a choice that a block makes inert is stored like any other (the reveal skips
the pair), so neither a block nor anyone's interest shows.
"""

from datetime import datetime

from sqlalchemy import delete, select, update

from meetup.accounts.services.settings import set_contacts
from meetup.errors import DomainError, NotFoundError
from meetup.events.models import Event, Registration
from meetup.events.queries.events import EVENT_NOT_FOUND
from meetup.events.services.locking import locked_event
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.matching import window
from meetup.matching.models import MeetAgainChoice, Reveal
from meetup.seating.queries.encounters import attended, tablemate_ids


class WindowClosedError(DomainError):
    """Choices are only taken while the event's meet-again window is open."""


def check_window(event: Event, now: datetime) -> None:
    if now < window.opens_at(event):
        raise WindowClosedError(_l("Meet-again choices open when the event starts."))
    if window.is_closed(event, now) or db.session.get(Reveal, event.id) is not None:
        raise WindowClosedError(_l("The meet-again window for this event has closed; choices are final."))


def save_choices(actor, event_id: int, chosen_ids, *, now: datetime, contacts: dict | None = None) -> None:
    """Make ``chosen_ids`` the actor's whole set of choices at this event.

    Un-ticked people lose their choice (it is deleted, never kept as a "no");
    anyone who is not a tablemate is ignored without a word. ``contacts``, when
    given, are the actor's contact details (what a match will see), saved in
    the same transaction: both are saved, or neither. Every save, of nobody
    too, is stamped on the registration: the last call skips whoever has
    saved (see ``prompts``)."""
    with locked_event(event_id) as event:
        if not attended(actor.id, event.id):
            raise NotFoundError(EVENT_NOT_FOUND)
        check_window(event, now)
        if contacts is not None:
            set_contacts(actor, contacts)
        wanted = {int(i) for i in chosen_ids} & tablemate_ids(event, actor.id, now)
        existing = set(
            db.session.scalars(
                select(MeetAgainChoice.chosen_id).where(
                    MeetAgainChoice.event_id == event.id, MeetAgainChoice.chooser_id == actor.id
                )
            )
        )
        dropped = existing - wanted
        if dropped:
            db.session.execute(
                delete(MeetAgainChoice).where(
                    MeetAgainChoice.event_id == event.id,
                    MeetAgainChoice.chooser_id == actor.id,
                    MeetAgainChoice.chosen_id.in_(dropped),
                )
            )
        for chosen_id in sorted(wanted - existing):
            db.session.add(MeetAgainChoice(event_id=event.id, chooser_id=actor.id, chosen_id=chosen_id, created_at=now))
        db.session.execute(
            update(Registration)
            .where(Registration.event_id == event.id, Registration.user_id == actor.id)
            .values(meet_again_saved_at=now)
        )
