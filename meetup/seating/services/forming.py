"""Forming and regrouping tables with the grouping engine.

The engine runs before the transaction that stores its answer (it searches
for seconds); only its answer is written under the event's lock, so two host
tabs never leave two drafts. Once a round has started, forming and
regrouping keep everyone seated in it where they sit.
"""

from dataclasses import dataclass, field

from flask import current_app

from meetup.errors import DomainError
from meetup.events.models import Event
from meetup.events.queries.events import managed_event
from meetup.events.services.locking import locked_event
from meetup.extensions import db
from meetup.grouping import InfeasibleError, solve
from meetup.i18n import lazy_gettext as _l
from meetup.rules.queries import forbidden_pairs
from meetup.seating.instance import build_instance, user_id_of
from meetup.seating.models import DRAFT, Seating
from meetup.seating.queries.tables import current_seatings, grid, round_clock
from meetup.seating.services.drafts import insert_seats, next_version


def _solve_and_store(actor, event: Event, *, kept: "_Kept", previous=None, seed: int) -> Seating:
    built = build_instance(event, fixed=kept.placements, previous=previous, min_tables=kept.tables)
    # The search takes seconds and needs no database: end the transaction (it
    # only read), so that no lock is held meanwhile (a host's POST holds
    # SQLite's write lock, meetup.database); the seating is stored under the
    # event's lock below.
    db.session.commit()
    try:
        config = current_app.config
        solution = solve(
            built.instance, time_limit=config["GROUPING_TIME_LIMIT"], seed=seed, steps=config["GROUPING_STEPS"]
        )
    except InfeasibleError:
        if kept.tables:
            raise DomainError(
                _l(
                    "These tables cannot be formed without moving someone in a round that has started. "
                    "Move someone there by hand, unlock someone, or add a table."
                )
            ) from None
        raise DomainError(_l("These tables cannot be formed. Add a table, or unlock someone.")) from None
    rounds = [[[user_id_of(key) for key in table] for table in tables] for tables in solution.rounds]
    locked = kept.locked
    moves = _moves(previous, rounds) if previous else []
    with locked_event(event.id):
        draft, published = current_seatings(event.id)
        names = (draft or published).table_names if (draft or published) else []
        version = next_version(event.id)  # before the old draft goes: versions only grow
        if draft is not None:
            db.session.delete(draft)
            db.session.flush()
        seating = Seating(
            event_id=event.id,
            version=version,
            status=DRAFT,
            provisional=built.provisional,
            rounds=len(rounds),
            table_count=len(rounds[0]),
            table_names=list(names),
            score=solution.score,
            breakdown=solution.breakdown,
            moves=moves,
            created_by_id=actor.id,
        )
        db.session.add(seating)
        db.session.flush()
        insert_seats(
            seating.id,
            (
                (r, t, u, (r, u) in locked)
                for r, tables in enumerate(rounds)
                for t, table in enumerate(tables)
                for u in table
            ),
        )
    return seating


@dataclass
class _Kept:
    """What forming or regrouping keeps: ``placements`` (round, user_id,
    table_no) for the engine, ``locked`` the (round, user_id) of those the
    host locked, ``tables`` the tables a started round needs (0: none started)."""

    placements: list = field(default_factory=list)
    locked: set = field(default_factory=set)
    tables: int = 0


def _kept(seating: Seating | None, event_id: int) -> _Kept:
    """Everyone the host locked, and everyone seated in a round that has
    started: regrouping moves nobody there (a newcomer may join their table).
    Neither ever keeps a kept-apart pair together: a block or report made
    since frees both of them, silently, so no refusal can single the pair out."""
    if seating is None:
        return _Kept()
    started = round_clock(event_id).started
    placements = [
        (seat.round, seat.user_id, seat.table_no) for seat in seating.seats if seat.locked or seat.round in started
    ]
    forbidden = forbidden_pairs({user_id for _, user_id, _ in placements})
    at_table: dict[tuple[int, int], set[int]] = {}
    for round_, user_id, table_no in placements:
        at_table.setdefault((round_, table_no), set()).add(user_id)
    placements = [
        (round_, user_id, table_no)
        for round_, user_id, table_no in placements
        if not any(frozenset((user_id, other)) in forbidden for other in at_table[(round_, table_no)])
    ]
    return _Kept(
        placements=placements,
        locked={(seat.round, seat.user_id) for seat in seating.seats if seat.locked},
        tables=seating.table_count if started else 0,
    )


def form_tables(actor, event_id: int) -> Seating:
    """Seat everyone present as a new draft; people the host locked, and
    everyone in a round that has started, stay put."""
    event = managed_event(actor, event_id)
    draft, published = current_seatings(event_id)
    return _solve_and_store(actor, event, kept=_kept(draft or published, event_id), seed=event.id)


def regroup(actor, event_id: int) -> Seating:
    """Re-seat after late arrivals or no-shows, moving only people it pays to
    move, and nobody seated in a round that has started."""
    event = managed_event(actor, event_id)
    draft, published = current_seatings(event_id)
    base = draft or published
    if base is None:
        return _solve_and_store(actor, event, kept=_Kept(), seed=event.id)
    return _solve_and_store(actor, event, kept=_kept(base, event_id), previous=grid(base), seed=event.id + base.version)


def _moves(before, after) -> list[list[int]]:
    """[round, user_id, from_table, to_table] for everyone who changes table;
    from_table is -1 for someone who was not seated before."""
    moves = []
    for r, tables in enumerate(after):
        was = {u: t for t, table in enumerate(before[r]) for u in table} if r < len(before) else {}
        for t, table in enumerate(tables):
            for user_id in table:
                if was.get(user_id, -1) != t:
                    moves.append([r, user_id, was.get(user_id, -1), t])
    return moves
