"""Who met whom: the people a person shared a table with.

Two people met at an event once it has started, if they sat at one table in
its published seating (any round); a draft, or tables published ahead of the
evening that has not begun, meets nobody. At a started event with no
published seating, everyone checked in met everyone else checked in. This is
the only source of "tablemates" for meet-again choices, notes, the "People
I've met" page, and who may see, block or report whom.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from meetup.events.models import CONFIRMED, Event, Registration
from meetup.extensions import db
from meetup.seating.models import PUBLISHED, Seat, Seating


@dataclass
class Shared:
    """One event two people shared, and the tables (round, name) they sat at together."""

    event: Event
    tables: list[tuple[int, str]] = field(default_factory=list)


def _seated_together(user_id: int, event_id: int | None, now: datetime):
    """(seating, round, table_no, other user id) at the published seatings of started events."""
    mine = aliased(Seat)
    statement = (
        select(Seating, Seat.round, Seat.table_no, Seat.user_id)
        .join(Seat, Seat.seating_id == Seating.id)
        .join(mine, and_(mine.seating_id == Seat.seating_id, mine.round == Seat.round, mine.table_no == Seat.table_no))
        .join(Event, Event.id == Seating.event_id)
        .where(Seating.status == PUBLISHED, Event.starts_at <= now, mine.user_id == user_id, Seat.user_id != user_id)
        .order_by(Seat.round)
    )
    if event_id is not None:
        statement = statement.where(Seating.event_id == event_id)
    return db.session.execute(statement)


def _checked_in_together(user_id: int, event_id: int | None, now: datetime):
    """(event id, other user id) at started events without a published seating."""
    mine = aliased(Registration)
    published = select(Seating.event_id).where(Seating.status == PUBLISHED)
    statement = (
        select(Registration.event_id, Registration.user_id)
        .join(mine, mine.event_id == Registration.event_id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            mine.user_id == user_id,
            mine.checked_in_at.is_not(None),
            Registration.user_id != user_id,
            Registration.checked_in_at.is_not(None),
            Event.starts_at <= now,
            Registration.event_id.not_in(published),
        )
    )
    if event_id is not None:
        statement = statement.where(Registration.event_id == event_id)
    return db.session.execute(statement)


def met(user_id: int, now: datetime, event_id: int | None = None) -> dict[int, list[Shared]]:
    """Other user id → the events (latest first) where they met ``user_id``,
    optionally only at one event. Four queries, however many events."""
    raw: dict[int, dict[int, list[tuple[int, str]]]] = {}
    for seating, round_, table_no, other in _seated_together(user_id, event_id, now):
        raw.setdefault(other, {}).setdefault(seating.event_id, []).append((round_, seating.table_name(table_no)))
    for event, other in _checked_in_together(user_id, event_id, now):
        raw.setdefault(other, {}).setdefault(event, [])
    event_ids = {e for events in raw.values() for e in events}
    events = {e.id: e for e in db.session.scalars(select(Event).where(Event.id.in_(event_ids)))} if event_ids else {}
    return {
        other: sorted(
            (Shared(events[e], tables) for e, tables in by_event.items()),
            key=lambda shared: (shared.event.starts_at, shared.event.id),
            reverse=True,
        )
        for other, by_event in raw.items()
    }


def have_met(user_id: int, other_id: int, now: datetime) -> bool:
    return other_id in met(user_id, now)


def tablemate_ids(event: Event, user_id: int, now: datetime) -> set[int]:
    """The people ``user_id`` may name in a meet-again choice at ``event``:
    tablemates who were checked in."""
    others = set(met(user_id, now, event.id))
    if not others:
        return set()
    present = set(
        db.session.scalars(
            select(Registration.user_id).where(
                Registration.event_id == event.id,
                Registration.user_id.in_(others),
                Registration.checked_in_at.is_not(None),
            )
        )
    )
    return others & present


def attended(user_id: int, event_id: int) -> bool:
    """Checked in at the event: only they have a meet-again page for it."""
    return (
        db.session.scalar(
            select(Registration.id).where(
                Registration.event_id == event_id,
                Registration.user_id == user_id,
                Registration.status == CONFIRMED,
                Registration.checked_in_at.is_not(None),
            )
        )
        is not None
    )
