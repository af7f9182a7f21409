"""Private notes about people one has met. Only the author ever sees them."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from meetup.errors import DomainError, NotFoundError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.matching.queries import NO_SUCH_PERSON
from meetup.seating.models import NOTE_MAX, Note
from meetup.seating.queries.encounters import met

NO_SUCH_NOTE = _l("There is no such note.")


def save_note(actor, subject_id: int, text: str, *, event_id: int | None = None, now: datetime) -> Note | None:
    """Write (or, with empty text, delete) the actor's note about someone they met.

    ``event_id`` ties the note to an evening they shared; any other is dropped."""
    shared = met(actor.id, now).get(subject_id)
    if not shared:
        raise NotFoundError(NO_SUCH_PERSON)
    text = (text or "").strip()
    if len(text) > NOTE_MAX:
        raise DomainError(_l("A note is at most %(max)d characters.", max=NOTE_MAX), field="text")
    if event_id not in {s.event.id for s in shared}:
        event_id = None
    for attempt in range(2):
        note = db.session.scalar(select(Note).where(Note.author_id == actor.id, Note.subject_id == subject_id))
        if not text:
            if note is not None:
                db.session.delete(note)
            db.session.commit()
            return None
        if note is None:
            note = Note(author_id=actor.id, subject_id=subject_id, created_at=now)
            db.session.add(note)
        note.text = text
        note.event_id = event_id or note.event_id
        note.updated_at = now
        try:
            db.session.commit()
            return note
        except IntegrityError:
            # The same note was created at the same moment in another tab: update that one.
            db.session.rollback()
            if attempt:
                raise
    return None


def delete_note(actor, public_id: str) -> None:
    note = db.session.scalar(select(Note).where(Note.public_id == str(public_id)[:64], Note.author_id == actor.id))
    if note is None:
        raise NotFoundError(NO_SUCH_NOTE)
    db.session.delete(note)
    db.session.commit()
