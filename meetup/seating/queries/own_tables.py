"""An attendee's own tables at the published seating, with a card for each
tablemate, or why there are none yet."""

from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased, joinedload

from meetup.accounts.models import User
from meetup.errors import NotFoundError
from meetup.events.models import CONFIRMED, Event, Registration
from meetup.events.queries.attendees import Attendee, as_attendee
from meetup.events.queries.events import EVENT_NOT_FOUND, registration_of, visible_event
from meetup.extensions import db
from meetup.seating.instance import encounters_before
from meetup.seating.models import Note, Seat, Seating
from meetup.seating.queries.tables import published_seating


@dataclass
class Tablemate:
    attendee: Attendee
    met_at: tuple[str, object] | None  # (event title, starts_at) of the latest earlier table shared
    note: str | None = None  # the reader's private note about this person


@dataclass
class MyRound:
    number: int
    table_name: str
    tablemates: list[Tablemate]


# Why "My tables" has nothing to show (None: it shows the person's tables).
NOT_PUBLISHED = "not-published"
NOT_CHECKED_IN = "not-checked-in"
NOT_SEATED = "not-seated"


@dataclass
class MyTables:
    event: Event
    rounds: list[MyRound]
    # NOT_PUBLISHED, NOT_CHECKED_IN or NOT_SEATED when there are no rounds to show
    reason: str | None
    version: int | None


def my_tables(user: User, event_id: int) -> MyTables:
    """The event, and this person's tables at its published seating, or why
    there are none. Not found for anyone who may not see the event or holds no
    confirmed seat there."""
    event = visible_event(user, event_id)
    registration = registration_of(user.id, event.id)
    if registration is None or registration.status != CONFIRMED:
        raise NotFoundError(EVENT_NOT_FOUND)
    seating = published_seating(event.id)
    if seating is None:
        return MyTables(event, [], NOT_PUBLISHED, None)
    seats = _my_table_seats(seating, user.id)
    mine = {seat.round: seat.table_no for seat in seats if seat.user_id == user.id}
    if not mine:
        # Tables are formed from the people checked in; someone checked in after
        # they were published waits for the host to regroup.
        reason = NOT_CHECKED_IN if registration.checked_in_at is None else NOT_SEATED
        return MyTables(event, [], reason, seating.version)
    people = _tablemates(event, user.id, {seat.user_id for seat in seats} - {user.id})
    rounds = [
        MyRound(
            number=r,
            table_name=seating.table_name(t),
            tablemates=[
                people[seat.user_id]
                for seat in seats
                if seat.round == r and seat.table_no == t and seat.user_id in people
            ],
        )
        for r, t in sorted(mine.items())
    ]
    return MyTables(event, rounds, None, seating.version)


def _my_table_seats(seating: Seating, user_id: int) -> list[Seat]:
    """The seats at this person's tables, every round, in seat order."""
    mine = aliased(Seat)
    return list(
        db.session.scalars(
            select(Seat)
            .join(
                mine, and_(mine.seating_id == Seat.seating_id, mine.round == Seat.round, mine.table_no == Seat.table_no)
            )
            .where(Seat.seating_id == seating.id, mine.user_id == user_id)
            .order_by(Seat.round, Seat.table_no, Seat.user_id)
        )
    )


def _tablemates(event: Event, reader_id: int, user_ids: set[int]) -> dict[int, Tablemate]:
    """User id → what the reader's card of that tablemate shows: their
    registration and profile, when the reader last met them, and the reader's
    own note about them (only its author ever reads it)."""
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.user_id.in_(user_ids))
        .options(joinedload(Registration.user))
    )
    history = encounters_before(event, [reader_id, *user_ids], involving=reader_id)
    notes = dict(
        db.session.execute(
            select(Note.subject_id, Note.text).where(Note.author_id == reader_id, Note.subject_id.in_(user_ids))
        ).all()
    )
    tablemates = {}
    for registration in registrations:
        other = registration.user_id
        earlier = history.get(frozenset((reader_id, other)))
        tablemates[other] = Tablemate(
            as_attendee(registration, first_time=False),
            met_at=(earlier[0].title, earlier[0].starts_at) if earlier else None,
            note=notes.get(other),
        )
    return tablemates
