"""Publishing the tables to attendees, and starting rounds."""

from collections import Counter
from itertools import combinations

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import joinedload

from meetup.errors import DomainError
from meetup.events.models import CANCELLED, CONFIRMED, Event, Registration
from meetup.events.notify import notify
from meetup.events.queries.events import managed_event
from meetup.events.services.locking import locked_event
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.mail import external_url
from meetup.seating.models import PUBLISHED, SUPERSEDED, Encounter, RoundStart, Seat, Seating
from meetup.seating.queries.tables import current_seatings, grid, round_clock
from meetup.seating.services.drafts import refuse_kept_apart_pairs_at_tables


def publish(actor, event_id: int, *, now) -> Seating:
    """Show the draft to attendees; it becomes the event's encounters."""
    managed_event(actor, event_id)
    with locked_event(event_id) as event:
        draft, published = current_seatings(event.id)
        if draft is None:
            raise DomainError(_l("There are no changes to publish."))
        refuse_kept_apart_pairs_at_tables(draft)
        if published is not None:
            published.status = SUPERSEDED
            published.superseded_at = now
            db.session.flush()
        draft.status = PUBLISHED
        draft.published_at = now
        _record_encounters(event.id, draft)
        _mail_tables(event, draft, now)
    return draft


def _mail_tables(event: Event, seating: Seating, now) -> None:
    """Tell each person seated that their tables are published, once per
    event: a publish after a regroup tells only those never told (a walk-in).
    Nobody is told after the evening: the meet-again prompt follows it."""
    if event.state == CANCELLED or now >= event.ends_at:
        return
    seated = select(Seat.user_id).where(Seat.seating_id == seating.id)
    untold = db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == CONFIRMED,
            Registration.user_id.in_(seated),
            Registration.tables_mailed_at.is_(None),
        )
        .order_by(Registration.id)
        .options(joinedload(Registration.user))
    )
    tables_url = external_url("seating.my_tables", event_id=event.id)
    for registration in untold:
        notify(registration, "tables-published", tables_url=tables_url)
        registration.tables_mailed_at = now


def start_round(actor, event_id: int, round_: int, *, now) -> None:
    """Round ``round_`` (0-based) starts now: the projector shows it, and
    regrouping no longer moves anyone seated in it. Rounds only go forward:
    starting the current round again changes nothing (a second click, a
    second tab), an earlier one is refused."""
    managed_event(actor, event_id)
    with locked_event(event_id):
        published = current_seatings(event_id)[1]
        if published is None:
            raise DomainError(_l("Publish the tables first: the room follows the published tables."))
        if not 0 <= round_ < published.rounds:
            raise DomainError(_l("There is no such round."))
        current = round_clock(event_id).current
        if current is not None and round_ <= current:
            if round_ < current:
                raise DomainError(_l("Round %(n)d is under way: an earlier round cannot start again.", n=current + 1))
            return
        db.session.add(RoundStart(event_id=event_id, round=round_, started_at=now, started_by_id=actor.id))


def _record_encounters(event_id: int, seating: Seating) -> None:
    together: Counter[tuple[int, int]] = Counter()
    for tables in grid(seating):
        for table in tables:
            for a, b in combinations(sorted(table), 2):
                together[(a, b)] += 1
    db.session.execute(delete(Encounter).where(Encounter.event_id == event_id))
    if together:
        db.session.execute(
            insert(Encounter),
            [
                {"event_id": event_id, "user_low_id": a, "user_high_id": b, "rounds": k}
                for (a, b), k in together.items()
            ],
        )
