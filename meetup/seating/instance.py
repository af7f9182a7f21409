"""An event as a grouping instance (FORMAT.md), built in a fixed number of
queries however many people come.

People are the checked-in attendees, or, before anyone is checked in, the
confirmed ones (the seating is then provisional). History counts the earlier
events each pair shared a table at, from published seatings anywhere on the
platform; active matches make a pair ``mutual``. Blocks and reports make a
pair ``forbidden``. One-sided meet-again choices are never read here.
"""

import math
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from meetup.accounts.industries import OTHER
from meetup.errors import DomainError
from meetup.events.models import Event
from meetup.events.queries.attendees import Attendee, attendees
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.rules.queries import forbidden_pairs, mutual_pairs
from meetup.seating.models import Encounter


@dataclass
class EventInstance:
    instance: dict
    attendees: dict[int, Attendee]
    provisional: bool
    # Pairs (low, high) of user ids with their history, for explanations.
    mutual: set[frozenset[int]] = field(default_factory=set)
    met: dict[frozenset[int], int] = field(default_factory=dict)


def person_key(user_id: int) -> str:
    return f"u{user_id}"


def user_id_of(key: str) -> int:
    return int(key[1:])


def _industry_key(person: Attendee) -> str:
    # Two people who both typed "Florist" under "other" share an industry.
    if person.industry == OTHER:
        other = person.industry_other.strip().casefold()
        return "other:" + other if other else ""
    return person.industry


def load_attendees(event: Event) -> tuple[list[Attendee], bool]:
    """The people to seat, and whether that is provisional (nobody checked in yet)."""
    present = attendees(event, checked_in_only=True)
    if present:
        return present, False
    return attendees(event, checked_in_only=False), True


def encounters_before(event: Event, user_ids, *, involving: int | None = None) -> dict[frozenset[int], list]:
    """Pair → the earlier events where the two shared a table, latest first,
    each as a row (event_id, title, starts_at): earlier than ``event`` (looking
    back at last month's tables, this month's are not history yet). Only the
    pairs that include ``involving``, when given. The one reading of the
    encounter history."""
    user_ids = list(user_ids)
    statement = (
        select(Encounter.user_low_id, Encounter.user_high_id, Event.id.label("event_id"), Event.title, Event.starts_at)
        .join(Event, Event.id == Encounter.event_id)
        .where(
            Encounter.user_low_id.in_(user_ids),
            Encounter.user_high_id.in_(user_ids),
            Encounter.event_id != event.id,
            Event.starts_at < event.starts_at,
        )
        .order_by(Event.starts_at.desc(), Event.id.desc())
    )
    if involving is not None:
        statement = statement.where(or_(Encounter.user_low_id == involving, Encounter.user_high_id == involving))
    history: dict[frozenset[int], list] = {}
    for row in db.session.execute(statement):
        history.setdefault(frozenset((row.user_low_id, row.user_high_id)), []).append(row)
    return history


def table_count_for(event: Event, people: int, keep: int | None = None) -> int:
    """Tables for ``people``: the host's fixed count, else enough tables of the
    event's size. When regrouping, the current count stays while every table
    is within one of the size, so a late arrival joins a table instead of
    reshuffling the room."""
    if event.table_count:
        return event.table_count
    if (
        keep
        and keep <= people
        and event.table_size - 1 <= people // keep
        and math.ceil(people / keep) <= event.table_size + 1
    ):
        return keep
    return max(1, math.ceil(people / event.table_size))


def build_instance(event: Event, *, fixed=(), previous=None, min_tables: int = 0) -> EventInstance:
    """The instance for ``event``.

    ``fixed``: (round, user_id, table) placements to keep; those of people no
    longer present, or out of range, are dropped. ``previous``: previous[r][t]
    = user ids, for regrouping with few moves. ``min_tables``: tables that must
    stay (a round that has started keeps its tables; more come only when
    they grow too large).
    """
    people, provisional = load_attendees(event)
    if not people:
        raise DomainError(_l("Nobody is checked in or confirmed yet, so there is no one to seat."))
    user_ids = [person.user_id for person in people]
    keep = len(previous[0]) if previous else min_tables or None
    tables = max(table_count_for(event, len(user_ids), keep=keep), min_tables)
    if tables > len(user_ids):
        raise DomainError(
            _l(
                "There are %(people)d people for %(tables)d tables. "
                "Lower the number of tables or wait for more people.",
                people=len(user_ids),
                tables=tables,
            )
        )

    met = {pair: len(events) for pair, events in encounters_before(event, user_ids).items()}
    mutual = mutual_pairs(user_ids, revealed_before=event.starts_at)
    forbidden = forbidden_pairs(user_ids)
    present = set(user_ids)
    history = [
        {"a": person_key(min(pair)), "b": person_key(max(pair)), "met": met.get(pair, 0), "mutual": pair in mutual}
        for pair in sorted(set(met) | mutual, key=sorted)
    ]
    instance = {
        "people": [
            {
                "id": person_key(p.user_id),
                "industry": _industry_key(p),
                "goals": list(p.goals),
                "first_time": p.first_time,
            }
            for p in people
        ],
        "rounds": event.rounds,
        "table_count": tables,
        "history": history,
        "forbidden": [[person_key(a), person_key(b)] for a, b in sorted(sorted(pair) for pair in forbidden)],
        "fixed": [
            {"person": person_key(user_id), "round": round_, "table": table}
            for round_, user_id, table in fixed
            if user_id in present and 0 <= round_ < event.rounds and 0 <= table < tables
        ],
    }
    if previous:
        instance["previous"] = [
            [[person_key(u) for u in table] for table in round_tables] for round_tables in previous[: event.rounds]
        ]
    return EventInstance(
        instance=instance, attendees={p.user_id: p for p in people}, provisional=provisional, mutual=mutual, met=met
    )
