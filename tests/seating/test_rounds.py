"""The evening's rounds: the host starts each one, regrouping keeps everyone
seated in a round that has started, and a host's edit that breaks something
asks first and says what."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from meetup.errors import DomainError, NotFoundError
from meetup.events.queries.events import registration_of
from meetup.events.services.checkin import check_in, undo_check_in
from meetup.extensions import db
from meetup.rules.models import Block
from meetup.seating.models import RoundStart, Seat
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import drafts, edits, forming, publishing


def seats_of(seating, rounds, people=None) -> set[tuple]:
    """Every seat of these rounds, as stored: (round, table, person, locked)."""
    return {
        (seat.round, seat.table_no, seat.user_id, seat.locked)
        for seat in db.session.scalars(select(Seat).where(Seat.seating_id == seating.id))
        if seat.round in rounds and (people is None or seat.user_id in people)
    }


def table_of(seating, round_, user_id):
    return next(t for t, table in enumerate(table_queries.grid(seating)[round_]) if user_id in table)


@pytest.fixture
def started_evening(evening, host, now):
    """Factory: an evening with published tables and its first ``started`` rounds under way."""

    def make(started=1, **options):
        event, users = evening(**options)
        forming.form_tables(host, event.id)
        publishing.publish(host, event.id, now=now)
        for round_ in range(started):
            publishing.start_round(host, event.id, round_, now=now + timedelta(minutes=20 * round_))
        db.session.expire_all()
        return event, users

    return make


def test_rounds_start_on_published_tables_and_only_go_forward(evening, host, make_user, now):
    event, _ = evening(people=8, rounds=3)
    forming.form_tables(host, event.id)
    with pytest.raises(DomainError, match="Publish the tables first"):
        publishing.start_round(host, event.id, 0, now=now)
    publishing.publish(host, event.id, now=now)
    assert table_queries.round_clock(event.id) == table_queries.RoundClock()  # before any start: nothing runs

    publishing.start_round(host, event.id, 0, now=now)
    publishing.start_round(host, event.id, 0, now=now + timedelta(minutes=1))  # a second click changes nothing
    assert table_queries.round_clock(event.id) == table_queries.RoundClock(0, now)
    later = now + timedelta(minutes=25)
    publishing.start_round(host, event.id, 1, now=later)  # while round 1 still runs: fine
    clock = table_queries.round_clock(event.id)
    assert (clock.current, clock.started_at, list(clock.started)) == (1, later, [0, 1])
    assert clock.minutes(later + timedelta(minutes=12, seconds=59)) == 12

    with pytest.raises(DomainError) as refusal:
        publishing.start_round(host, event.id, 0, now=later)
    assert str(refusal.value) == "Round 2 is under way: an earlier round cannot start again."
    with pytest.raises(DomainError, match="There is no such round."):
        publishing.start_round(host, event.id, 3, now=later)
    with pytest.raises(NotFoundError):
        publishing.start_round(make_user(), event.id, 2, now=later)
    starts = db.session.scalars(select(RoundStart).where(RoundStart.event_id == event.id)).all()
    assert [(s.round, s.started_at, s.started_by_id) for s in starts] == [(0, now, host.id), (1, later, host.id)]


def test_regrouping_keeps_the_started_rounds_byte_identical(started_evening, host):
    event, users = started_evening(started=2, people=12, rounds=3)
    published = table_queries.current_seatings(event.id)[1]
    before = seats_of(published, {0, 1})
    regrouped = forming.regroup(host, event.id)
    assert seats_of(regrouped, {0, 1}) == before
    assert not [move for move in regrouped.moves if move[0] in (0, 1)]
    again = forming.form_tables(host, event.id)  # forming again keeps them too
    assert seats_of(again, {0, 1}) == before


def test_a_late_arrival_joins_a_started_round_without_moving_anyone(started_evening, host, make_user, sign_up_for, now):
    event, users = started_evening(started=1, people=12, rounds=3)  # three tables of four
    published = table_queries.current_seatings(event.id)[1]
    before = seats_of(published, {0})
    late = sign_up_for(event, make_user(display_name="Late arrival"))
    check_in(host, event.id, late.id, now=now)
    regrouped = forming.regroup(host, event.id)
    assert before < seats_of(regrouped, {0})  # everyone where they were, plus one
    assert [move[1] for move in regrouped.moves if move[0] == 0] == [late.user_id]
    assert sorted(len(table) for table in table_queries.grid(regrouped)[0]) == [4, 4, 5]
    assert all(late.user_id in {u for table in tables for u in table} for tables in table_queries.grid(regrouped))
    again = forming.form_tables(host, event.id)  # forming again from scratch keeps them too
    assert before < seats_of(again, {0})


def test_someone_who_left_is_dropped_from_a_started_round_and_nobody_else_moves(started_evening, host, now):
    event, users = started_evening(started=1, people=12, rounds=2)
    published = table_queries.current_seatings(event.id)[1]
    leaver = users[3].id
    undo_check_in(host, event.id, registration_of(leaver, event.id).id, now=now)
    stayed = {u.id for u in users} - {leaver}
    for step in (forming.regroup, forming.form_tables):
        assert seats_of(step(host, event.id), {0}) == seats_of(published, {0}, stayed)


def test_a_started_round_that_can_no_longer_be_balanced_gets_a_clear_message(started_evening, host, now):
    event, users = started_evening(started=1, people=12, rounds=2)
    published = table_queries.current_seatings(event.id)[1]
    first_table = table_queries.grid(published)[0][0]
    for leaver in first_table[:2]:  # two of one table go home: 2, 4 and 4 cannot become 3, 3 and 4
        undo_check_in(host, event.id, registration_of(leaver, event.id).id, now=now)
    for step in (forming.regroup, forming.form_tables):
        with pytest.raises(DomainError) as refusal:
            step(host, event.id)
        assert str(refusal.value) == (
            "These tables cannot be formed without moving someone in a round that has started. "
            "Move someone there by hand, unlock someone, or add a table."
        )
    assert table_queries.current_seatings(event.id)[0] is None  # no draft: nothing changed


def test_a_swap_in_a_started_round_asks_first_and_applies_when_confirmed(started_evening, host):
    event, users = started_evening(started=1, people=8, rounds=1)  # one round: nobody can meet twice
    published = table_queries.current_seatings(event.id)[1]
    [table_a, table_b] = table_queries.grid(published)[0]
    with pytest.raises(edits.ConfirmationNeeded) as asked:
        edits.swap_people(host, event.id, 0, table_a[0], table_b[0])
    assert [str(line) for line in asked.value.consequences] == [
        "Round 1 has started: people are already sitting at these tables."
    ]
    db.session.expire_all()
    assert table_queries.current_seatings(event.id)[0] is None  # nothing changed, not even a draft
    edits.swap_people(host, event.id, 0, table_a[0], table_b[0], confirmed=True)
    draft = table_queries.current_seatings(event.id)[0]
    assert (table_of(draft, 0, table_a[0]), table_of(draft, 0, table_b[0])) == (1, 0)


def test_moving_a_locked_person_asks_first(evening, host):
    event, users = evening(people=9, rounds=1)  # three tables of three
    seating = forming.form_tables(host, event.id)
    person = table_queries.grid(seating)[0][0][0]
    edits.set_lock(host, event.id, 0, person, True)
    name = next(u.display_name for u in users if u.id == person)
    with pytest.raises(edits.ConfirmationNeeded) as asked:
        edits.swap_people(host, event.id, 0, person, table_queries.grid(seating)[0][1][0])
    assert [str(line) for line in asked.value.consequences] == [f"{name} is locked to table A."]


def _a_swap_that_seats_two_together_again(seating):
    """(a, b, c, earlier round): swapping a and b in round 1 seats a with c, whom a sat with in round 0."""
    first, second = table_queries.grid(seating)[:2]
    for table in first:
        for a in table:
            for c in table:
                if c == a:
                    continue
                c_table = next(t for t, people in enumerate(second) if c in people)
                if a in second[c_table]:
                    continue
                b = next(u for u in second[c_table] if u != c)
                return a, b, c
    raise AssertionError("no such swap")


def test_a_swap_that_seats_two_people_together_twice_tonight_asks_first(evening, host):
    event, users = evening(people=12, rounds=2)
    seating = forming.form_tables(host, event.id)
    a, b, c = _a_swap_that_seats_two_together_again(seating)
    names = {u.id: u.display_name for u in users}
    with pytest.raises(edits.ConfirmationNeeded) as asked:
        edits.swap_people(host, event.id, 1, a, b)
    lines = [str(line) for line in asked.value.consequences]
    assert f"{names[a]} and {names[c]} would sit together twice tonight (also in round 1)." in lines
    edits.swap_people(host, event.id, 1, a, b, confirmed=True)
    draft = table_queries.current_seatings(event.id)[0]
    assert table_of(draft, 1, a) == table_of(draft, 1, c)


@pytest.mark.parametrize("confirmed", [False, True])
def test_a_forbidden_edit_is_refused_in_the_same_words_even_where_it_would_ask_first(started_evening, host, confirmed):
    # The move would unbalance a started round and break a lock, but it also
    # seats a blocked pair together: the host reads only the one refusal
    # that names nobody, confirmed or not.
    event, users = started_evening(started=1, people=8, rounds=1)
    [table_a, table_b] = table_queries.grid(table_queries.current_seatings(event.id)[1])[0]
    edits.set_lock(host, event.id, 0, table_a[0], True)
    db.session.add(Block(blocker_id=table_b[2], blocked_id=table_a[0]))
    db.session.commit()
    with pytest.raises(drafts.SeatingConflictError) as refusal:
        edits.move_person(host, event.id, 0, table_a[0], 1, confirmed=confirmed)
    assert not isinstance(refusal.value, edits.ConfirmationNeeded)
    assert str(refusal.value) == "This change is not possible."
