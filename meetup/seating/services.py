"""Seating operations for the host: form tables, regroup, move, swap, lock,
name tables, publish, start a round.

Each takes the acting user and the event id, checks the actor runs the event,
and changes the database in one transaction that holds the event's lock. The
engine runs before that transaction (it searches for seconds); only its
answer is written under the lock, so two host tabs never leave two drafts or
two published versions. Edits always apply to the draft: editing after
publishing first copies the published seating into a new draft, so the
published version stays what attendees were shown until the next publish.
Once a round has started, forming and regrouping keep everyone seated in it
where they sit; a host's own edit there asks first.
"""

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from flask import current_app
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from meetup.accounts.models import User
from meetup.errors import DomainError
from meetup.events.models import CANCELLED, CONFIRMED, Event, Registration
from meetup.events.notify import notify
from meetup.events.queries.events import managed_event
from meetup.events.services.locking import locked_event
from meetup.extensions import db
from meetup.grouping import InfeasibleError, parse_instance, solve
from meetup.grouping.scoring import score_seating
from meetup.i18n import lazy_gettext as _l
from meetup.mail import external_url
from meetup.rules.queries import forbidden_pairs, is_forbidden
from meetup.seating.instance import build_instance, person_key, user_id_of
from meetup.seating.models import DRAFT, PUBLISHED, SUPERSEDED, Encounter, RoundStart, Seat, Seating
from meetup.seating.queries.tables import current_seatings, grid, round_clock

TABLE_NAME_MAX = 30

# Every refusal that comes from a block or a report reads the same and names
# nobody: a block is private and a report is confidential, so the host learns
# neither who is kept apart from whom nor why (nor whether it is a block or a
# report).
NOT_POSSIBLE = _l("This change is not possible.")


class SeatingConflictError(DomainError):
    """A host's edit would break a hard rule of seating."""


class ConfirmationNeeded(DomainError):
    """A host's edit breaks something the host may still want it to break
    (a lock, even tables, nobody twice together tonight, a round under way):
    nothing changed; ``consequences`` says what, and the same edit with
    ``confirmed=True`` makes it."""

    def __init__(self, consequences: list):
        super().__init__(_l("This change needs your confirmation."))
        self.consequences = consequences


def _next_version(event_id: int) -> int:
    return (db.session.scalar(select(func.max(Seating.version)).where(Seating.event_id == event_id)) or 0) + 1


def _insert_seats(seating_id: int, rows) -> None:
    """rows: (round, table_no, user_id, locked)."""
    rows = [
        {"seating_id": seating_id, "round": r, "table_no": t, "user_id": u, "locked": locked}
        for r, t, u, locked in rows
    ]
    if rows:
        db.session.execute(insert(Seat), rows)


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
        version = _next_version(event.id)  # before the old draft goes: versions only grow
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
        _insert_seats(
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


def _draft_for_edit(event: Event) -> Seating:
    """Inside the event's lock: the draft, copying the published seating into one if needed."""
    draft, published = current_seatings(event.id)
    if draft is None and published is None:
        raise DomainError(_l("There is no seating yet. Form tables first."))
    _refuse_kept_apart_pairs_at_tables(draft or published)
    if draft is not None:
        return draft
    draft = Seating(
        event_id=event.id,
        version=_next_version(event.id),
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
    _insert_seats(draft.id, ((s.round, s.table_no, s.user_id, s.locked) for s in published.seats))
    db.session.flush()
    db.session.expire(draft)
    return draft


def _refuse_kept_apart_pairs_at_tables(seating: Seating) -> None:
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
        seating = _draft_for_edit(event)
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
        seating = _draft_for_edit(event)
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
        _insert_seats(seating.id, ((round_, t, u, True) for u, t in new_tables.items()))
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
        seating = _draft_for_edit(event)
        _seat(seating, round_, user_id).locked = locked
    return seating


def rename_tables(actor, event_id: int, names: list[str]) -> Seating:
    managed_event(actor, event_id)
    cleaned = [name.strip() for name in names]
    if any(len(name) > TABLE_NAME_MAX for name in cleaned):
        raise DomainError(_l("Table names are at most %(max)d characters.", max=TABLE_NAME_MAX))
    with locked_event(event_id) as event:
        seating = _draft_for_edit(event)
        seating.table_names = cleaned[: seating.table_count]
    return seating


def publish(actor, event_id: int, *, now) -> Seating:
    """Show the draft to attendees; it becomes the event's encounters."""
    managed_event(actor, event_id)
    with locked_event(event_id) as event:
        draft, published = current_seatings(event.id)
        if draft is None:
            raise DomainError(_l("There are no changes to publish."))
        _refuse_kept_apart_pairs_at_tables(draft)
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
