"""The host's own edits of the draft: swap, move, lock, name tables.

A kept-apart pair is refused without a reason; anything else the host may
still want (a lock, uneven tables, a pair together twice, a round under way)
asks first.
"""

from collections import Counter

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from meetup.accounts.models import User
from meetup.errors import DomainError
from meetup.events.models import Event
from meetup.events.queries.events import managed_event
from meetup.events.services.locking import locked_event
from meetup.extensions import db
from meetup.grouping import parse_instance
from meetup.grouping.scoring import score_seating
from meetup.i18n import lazy_gettext as _l
from meetup.rules.queries import is_forbidden
from meetup.seating.instance import build_instance, person_key
from meetup.seating.models import Seat, Seating
from meetup.seating.queries.tables import grid, round_clock
from meetup.seating.services.drafts import SeatingConflictError, draft_for_edit, insert_seats

TABLE_NAME_MAX = 30

# Every refusal that comes from a block or a report reads the same and names
# nobody: a block is private and a report is confidential, so the host learns
# neither who is kept apart from whom nor why (nor whether it is a block or a
# report).
NOT_POSSIBLE = _l("This change is not possible.")


class ConfirmationNeeded(DomainError):
    """A host's edit breaks something the host may still want it to break
    (a lock, even tables, nobody twice together tonight, a round under way):
    nothing changed; ``consequences`` says what, and the same edit with
    ``confirmed=True`` makes it."""

    def __init__(self, consequences: list):
        super().__init__(_l("This change needs your confirmation."))
        self.consequences = consequences


def _seat(seating: Seating, round_: int, user_id: int) -> Seat:
    seat = db.session.get(Seat, (seating.id, round_, user_id))
    if seat is None:
        raise DomainError(_l("That person is not seated in that round."))
    return seat


def _tablemates(seating: Seating, round_: int, table_no: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Seat.user_id).where(Seat.seating_id == seating.id, Seat.round == round_, Seat.table_no == table_no)
        )
    )


def _refuse_kept_apart(user_id: int, others) -> None:
    if any(is_forbidden(user_id, other) for other in others):
        raise SeatingConflictError(NOT_POSSIBLE)


def swap_people(actor, event_id: int, round_: int, user_a: int, user_b: int, *, confirmed: bool = False) -> Seating:
    """Exchange two people's tables in one round; table sizes stay as they are."""
    managed_event(actor, event_id)
    with locked_event(event_id) as event:
        seating = draft_for_edit(event)
        seat_a, seat_b = _seat(seating, round_, user_a), _seat(seating, round_, user_b)
        table_a, table_b = seat_a.table_no, seat_b.table_no
        if table_a == table_b:
            raise SeatingConflictError(_l("Those two already sit at the same table."))
        _refuse_kept_apart(user_a, [u for u in _tablemates(seating, round_, table_b) if u != user_b])
        _refuse_kept_apart(user_b, [u for u in _tablemates(seating, round_, table_a) if u != user_a])
        _ask_first(seating, round_, {user_a: table_b, user_b: table_a}, confirmed)
        _reseat(seating, round_, {user_a: table_b, user_b: table_a})
    return seating


def move_person(actor, event_id: int, round_: int, user_id: int, table_no: int, *, confirmed: bool = False) -> Seating:
    """Move one person to another table."""
    managed_event(actor, event_id)
    with locked_event(event_id) as event:
        seating = draft_for_edit(event)
        if not 0 <= table_no < seating.table_count:
            raise SeatingConflictError(_l("There is no such table."))
        seat = _seat(seating, round_, user_id)
        if seat.table_no == table_no:
            return seating
        _refuse_kept_apart(user_id, _tablemates(seating, round_, table_no))
        _ask_first(seating, round_, {user_id: table_no}, confirmed)
        _reseat(seating, round_, {user_id: table_no})
    return seating


def _ask_first(seating: Seating, round_: int, new_tables: dict[int, int], confirmed: bool) -> None:
    """Raise ConfirmationNeeded, unless confirmed, if moving these people
    (user id → table in ``round_``) breaks a lock, makes the tables (more) uneven,
    seats two people together twice tonight, or changes a round under way.
    Called after the kept-apart check, which refuses without a reason."""
    rounds = grid(seating)
    table_of = [{u: t for t, table in enumerate(tables) for u in table} for tables in rounds]
    after = {**table_of[round_], **new_tables}
    names = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(after))).all())
    consequences = []
    if round_ in round_clock(seating.event_id).started:
        consequences.append(_l("Round %(n)d has started: people are already sitting at these tables.", n=round_ + 1))
    for seat in seating.seats:
        if seat.round == round_ and seat.user_id in new_tables and seat.locked:
            consequences.append(
                _l(
                    "%(name)s is locked to table %(table)s.",
                    name=names[seat.user_id],
                    table=seating.table_name(seat.table_no),
                )
            )
    tables = range(seating.table_count)
    was, sizes = Counter(table_of[round_].values()), Counter(after.values())
    big, small = max(tables, key=sizes.__getitem__), min(tables, key=sizes.__getitem__)
    spread_before = max(was[t] for t in tables) - min(was[t] for t in tables)
    if sizes[big] - sizes[small] > max(1, spread_before):  # uneven by more than one, and more than before
        consequences.append(
            _l(
                "The tables become uneven: table %(big)s seats %(many)d, table %(small)s %(few)d.",
                big=seating.table_name(big),
                many=sizes[big],
                small=seating.table_name(small),
                few=sizes[small],
            )
        )
    for mover, table_no in new_tables.items():
        for other in sorted(u for u, t in after.items() if t == table_no and u != mover):
            again = [r for r, seats in enumerate(table_of) if r != round_ and seats.get(other, -1) == seats.get(mover)]
            if again:
                consequences.append(
                    _l(
                        "%(a)s and %(b)s would sit together twice tonight (also in round %(n)d).",
                        a=names[mover],
                        b=names[other],
                        n=again[0] + 1,
                    )
                )
    if consequences and not confirmed:
        raise ConfirmationNeeded(consequences)


def _reseat(seating: Seating, round_: int, new_tables: dict[int, int]) -> None:
    """New tables for some people in one round, locked there: the host put
    them there on purpose, so forming tables again or regrouping keeps them.
    Seats are deleted and inserted again, not updated, so the database's
    kept-apart check never sees a half-done swap. That check refuses, in the
    same words, a block or report made since the services looked."""
    try:
        db.session.execute(
            delete(Seat).where(Seat.seating_id == seating.id, Seat.round == round_, Seat.user_id.in_(new_tables))
        )
        insert_seats(seating.id, ((round_, t, u, True) for u, t in new_tables.items()))
        db.session.flush()
    except IntegrityError:
        raise SeatingConflictError(NOT_POSSIBLE) from None
    db.session.expire(seating)
    _rescore(seating)


def _rescore(seating: Seating) -> None:
    """The stored score after a manual edit, by the engine's own scoring."""
    built = build_instance(db.session.get(Event, seating.event_id))
    instance = parse_instance(built.instance)
    rounds = grid(seating)
    if any(person_key(u) not in instance.index for tables in rounds for table in tables for u in table):
        return  # someone left since: the score is refreshed by the next regroup
    score = score_seating(
        instance, [[[instance.index[person_key(u)] for u in table] for table in tables] for tables in rounds]
    )
    seating.score = score.total
    seating.breakdown = score.breakdown()


def set_lock(actor, event_id: int, round_: int, user_id: int, locked: bool) -> Seating:
    managed_event(actor, event_id)
    with locked_event(event_id) as event:
        seating = draft_for_edit(event)
        _seat(seating, round_, user_id).locked = locked
    return seating


def rename_tables(actor, event_id: int, names: list[str]) -> Seating:
    managed_event(actor, event_id)
    cleaned = [name.strip() for name in names]
    if any(len(name) > TABLE_NAME_MAX for name in cleaned):
        raise DomainError(_l("Table names are at most %(max)d characters.", max=TABLE_NAME_MAX))
    with locked_event(event_id) as event:
        seating = draft_for_edit(event)
        seating.table_names = cleaned[: seating.table_count]
    return seating
