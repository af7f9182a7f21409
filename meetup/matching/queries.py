"""What the meet-again pages show. Each reads only the viewer's own data:
their choices, their matches, their notes. Nobody's choice of the viewer is
ever read here."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from meetup.accounts.models import ContactDetails, User
from meetup.errors import NotFoundError
from meetup.events.models import Event
from meetup.events.queries.attendees import Attendee, attendees
from meetup.events.queries.events import EVENT_NOT_FOUND
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.matching import window
from meetup.matching.models import MeetAgainChoice, Reveal
from meetup.rules.models import Match
from meetup.seating.models import Note
from meetup.seating.queries.encounters import Shared, attended, met, tablemate_ids

# A match is marked "new" on the Matches page for this long after its reveal.
NEW_FOR = timedelta(days=14)
SEARCH_MAX = 100
NO_SUCH_PERSON = _l("There is no such person among the people you have met.")


@dataclass
class Candidate:
    attendee: Attendee
    chosen: bool
    note: Note | None


@dataclass
class MeetAgainPage:
    event: Event
    people: list[Candidate]
    opens_at: datetime
    closes_at: datetime
    state: str  # "not-yet", "open" or "closed"


def my_choices(user_id: int, event_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(MeetAgainChoice.chosen_id).where(
                MeetAgainChoice.event_id == event_id, MeetAgainChoice.chooser_id == user_id
            )
        )
    )


def notes_about(author_id: int, subject_ids) -> dict[int, Note]:
    """The author's notes about these people, by subject id."""
    subject_ids = list(subject_ids)
    if not subject_ids:
        return {}
    return {
        note.subject_id: note
        for note in db.session.scalars(
            select(Note).where(Note.author_id == author_id, Note.subject_id.in_(subject_ids))
        )
    }


def meet_again_page(viewer, event: Event, now: datetime) -> MeetAgainPage:
    """The viewer's tablemates at the event with the viewer's own ticks and notes."""
    if not attended(viewer.id, event.id):
        raise NotFoundError(EVENT_NOT_FOUND)
    if now < window.opens_at(event):
        state, mates = "not-yet", set()
    else:
        closed = window.is_closed(event, now) or db.session.get(Reveal, event.id) is not None
        state, mates = ("closed" if closed else "open"), tablemate_ids(event, viewer.id, now)
    people = [a for a in attendees(event) if a.user_id in mates]
    people.sort(key=lambda a: (a.display_name.casefold(), a.user_id))
    chosen = my_choices(viewer.id, event.id)
    notes = notes_about(viewer.id, mates)
    return MeetAgainPage(
        event=event,
        people=[Candidate(a, a.user_id in chosen, notes.get(a.user_id)) for a in people],
        opens_at=window.opens_at(event),
        closes_at=window.closes_at(event),
        state=state,
    )


@dataclass
class MatchView:
    match: Match
    other: User
    contacts: dict[str, str]
    met: list[Shared]
    new: bool


def my_matches(user_id: int, now: datetime) -> list[MatchView]:
    """Active matches, newest first, with what the other person shows matches."""
    matches = list(
        db.session.scalars(
            select(Match)
            .where(or_(Match.user_low_id == user_id, Match.user_high_id == user_id), Match.ended_at.is_(None))
            .order_by(Match.revealed_at.desc(), Match.id.desc())
        )
    )
    if not matches:
        return []
    others = {m.other_id(user_id) for m in matches}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(others)))}
    contacts = {
        c.user_id: c.shared_with_matches()
        for c in db.session.scalars(select(ContactDetails).where(ContactDetails.user_id.in_(others)))
    }
    shared = met(user_id, now)
    events = {e.id: e for e in db.session.scalars(select(Event).where(Event.id.in_({m.event_id for m in matches})))}
    views = []
    for m in matches:
        other = m.other_id(user_id)
        history = shared.get(other) or [Shared(events[m.event_id])]
        views.append(
            MatchView(
                match=m,
                other=users[other],
                contacts=contacts.get(other, {}),
                met=history,
                new=now - m.revealed_at < NEW_FOR,
            )
        )
    return views


@dataclass
class Acquaintance:
    user: User
    shared: list[Shared]
    note: Note | None


def people_met(user_id: int, now: datetime, search: str = "") -> list[Acquaintance]:
    """Everyone the person shared a table with, most recently met first,
    optionally only those whose name or the person's note contains ``search``."""
    shared = met(user_id, now)
    if not shared:
        return []
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(shared), User.deleted_at.is_(None)))}
    notes = notes_about(user_id, users)
    people = [Acquaintance(users[u], shared[u], notes.get(u)) for u in shared if u in users]
    needle = search.strip()[:SEARCH_MAX].casefold()
    if needle:
        people = [
            p
            for p in people
            if needle in p.user.display_name.casefold() or (p.note is not None and needle in p.note.text.casefold())
        ]
    people.sort(key=lambda p: (-_latest(p), p.user.display_name.casefold(), p.user.id))
    return people


def _latest(person: Acquaintance) -> float:
    return max(s.event.starts_at for s in person.shared).timestamp()


def acquaintance(user_id: int, other_id: int, now: datetime) -> Acquaintance:
    """One person the viewer met, with the viewer's note; NotFoundError for
    anyone else (the same for a stranger as for a user who does not exist)."""
    shared = met(user_id, now).get(other_id)
    user = db.session.get(User, other_id) if shared else None
    if user is None or user.deleted_at is not None:
        raise NotFoundError(NO_SUCH_PERSON)
    return Acquaintance(user, shared, notes_about(user_id, [other_id]).get(other_id))


def matches_made(event_id: int) -> int | None:
    """The one number a host sees: matches made at the event, once revealed."""
    return db.session.scalar(select(Reveal.matches_made).where(Reveal.event_id == event_id))
