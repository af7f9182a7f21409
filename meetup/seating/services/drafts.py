"""The draft every change is made to: its versions and seats, and the check
that no kept-apart pair sits at one of its tables.

Edits always apply to the draft: editing after publishing first copies the
published seating into a new draft, so the published version stays what
attendees were shown until the next publish.
"""

from itertools import combinations

from sqlalchemy import func, insert, select

from meetup.errors import DomainError
from meetup.events.models import Event
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.rules.queries import forbidden_pairs
from meetup.seating.models import DRAFT, Seat, Seating
from meetup.seating.queries.tables import current_seatings, grid


class SeatingConflictError(DomainError):
    """A host's edit would break a hard rule of seating."""


def next_version(event_id: int) -> int:
    return (db.session.scalar(select(func.max(Seating.version)).where(Seating.event_id == event_id)) or 0) + 1


def insert_seats(seating_id: int, rows) -> None:
    """rows: (round, table_no, user_id, locked)."""
    rows = [
        {"seating_id": seating_id, "round": r, "table_no": t, "user_id": u, "locked": locked}
        for r, t, u, locked in rows
    ]
    if rows:
        db.session.execute(insert(Seat), rows)


def draft_for_edit(event: Event) -> Seating:
    """Inside the event's lock: the draft, copying the published seating into one if needed."""
    draft, published = current_seatings(event.id)
    if draft is None and published is None:
        raise DomainError(_l("There is no seating yet. Form tables first."))
    refuse_kept_apart_pairs_at_tables(draft or published)
    if draft is not None:
        return draft
    draft = Seating(
        event_id=event.id,
        version=next_version(event.id),
        status=DRAFT,
        provisional=published.provisional,
        rounds=published.rounds,
        table_count=published.table_count,
        table_names=list(published.table_names),
        score=published.score,
        breakdown=dict(published.breakdown),
        created_by_id=published.created_by_id,
    )
    db.session.add(draft)
    db.session.flush()
    insert_seats(draft.id, ((s.round, s.table_no, s.user_id, s.locked) for s in published.seats))
    db.session.flush()
    db.session.expire(draft)
    return draft


def refuse_kept_apart_pairs_at_tables(seating: Seating) -> None:
    """A block or report made after tables were formed can put a kept-apart
    pair at one of their tables: the database refuses to store any change to
    their seats, and such tables must not be published. Regrouping moves them
    apart."""
    rounds = grid(seating)
    forbidden = forbidden_pairs({u for tables in rounds for table in tables for u in table})
    if any(frozenset(pair) in forbidden for tables in rounds for table in tables for pair in combinations(table, 2)):
        raise SeatingConflictError(
            _l("This is not possible with these tables. Regroup first: it moves as few people as possible.")
        )
