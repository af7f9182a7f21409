"""The host's seating operations, against the database."""

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from meetup.errors import DomainError, NotFoundError
from meetup.events.services.checkin import check_in
from meetup.extensions import db
from meetup.rules.models import Block, Report
from meetup.seating.models import DRAFT, PUBLISHED, SUPERSEDED, Encounter, Seat, Seating
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import drafts, edits, forming, publishing


def tables_in(seating, round_=0):
    return table_queries.grid(seating)[round_]


def table_of(seating, round_, user_id):
    return next(t for t, table in enumerate(tables_in(seating, round_)) if user_id in table)


def test_form_tables_seats_everyone_once_per_round_at_balanced_tables(evening, host):
    event, users = evening(people=14, rounds=3)
    seating = forming.form_tables(host, event.id)
    assert seating.status == DRAFT and not seating.provisional
    assert (seating.rounds, seating.table_count) == (3, 4)
    for round_ in range(3):
        tables = tables_in(seating, round_)
        assert sorted(u for table in tables for u in table) == sorted(u.id for u in users)
        assert sorted(len(table) for table in tables) == [3, 3, 4, 4]
    assert seating.breakdown["repeats"]["count"] == 0


def test_only_the_host_may_form_tables(evening, make_user):
    event, _ = evening(people=8)
    with pytest.raises(NotFoundError):
        forming.form_tables(make_user(), event.id)


def test_a_blocked_pair_is_never_seated_together(evening, host):
    event, users = evening(people=8, rounds=3)
    db.session.add(Block(blocker_id=users[0].id, blocked_id=users[4].id))
    db.session.commit()
    seating = forming.form_tables(host, event.id)
    for round_ in range(3):
        assert table_of(seating, round_, users[0].id) != table_of(seating, round_, users[4].id)


def test_swapping_two_people_exchanges_their_tables_and_rescores(evening, host):
    event, users = evening(people=8, rounds=1)
    seating = forming.form_tables(host, event.id)
    a = tables_in(seating)[0][0]
    b = tables_in(seating)[1][0]
    edits.swap_people(host, event.id, 0, a, b)
    db.session.expire_all()
    draft, _ = table_queries.current_seatings(event.id)
    assert table_of(draft, 0, a) == 1 and table_of(draft, 0, b) == 0
    assert draft.breakdown["repeats"]["count"] == 0


# Why two people are kept apart: each way round, a block or a report (whatever the host made of it).
KEPT_APART = {
    "blocked": lambda event, a, b: Block(blocker_id=a, blocked_id=b),
    "blocked by": lambda event, a, b: Block(blocker_id=b, blocked_id=a),
    "reported": lambda event, a, b: Report(
        event_id=event.id, reporter_id=a, reported_id=b, category="selling", description="Pitched insurance."
    ),
    "reported by, dismissed": lambda event, a, b: Report(
        event_id=event.id, reporter_id=b, reported_id=a, category="harassment", description="Rude.", status="dismissed"
    ),
}


@pytest.mark.parametrize("edit", ["swap, the first person", "swap, the second person", "move"])
@pytest.mark.parametrize("reason", [*KEPT_APART, "the database's own check"])
def test_an_edit_that_seats_a_kept_apart_pair_together_is_refused_in_the_same_words(
    evening, host, monkeypatch, reason, edit
):
    # Whatever keeps the two apart, and whichever edit would seat them
    # together, the host reads one sentence that names nobody and gives no reason.
    event, users = evening(people=7, rounds=1)  # tables of four and three
    seating = forming.form_tables(host, event.id)
    big, small = sorted(tables_in(seating), key=len, reverse=True)
    if edit == "swap, the second person":
        mover, partner = small[0], big[1]  # small[0] would join big[1]'s table
        change = lambda: edits.swap_people(host, event.id, 0, big[0], small[0])  # noqa: E731
    else:
        mover, partner = big[0], small[1]  # big[0] would join small[1]'s table
        change = (
            (lambda: edits.swap_people(host, event.id, 0, big[0], small[0]))
            if edit.startswith("swap")
            else (lambda: edits.move_person(host, event.id, 0, big[0], table_of(seating, 0, small[1])))
        )
    if reason in KEPT_APART:
        db.session.add(KEPT_APART[reason](event, mover, partner))
    else:
        # A block made between the services' look and the write: the database refuses the seat.
        db.session.add(Block(blocker_id=mover, blocked_id=partner))
        monkeypatch.setattr(edits, "is_forbidden", lambda a, b: False)
    db.session.commit()
    with pytest.raises(drafts.SeatingConflictError) as refusal:
        change()
    assert str(refusal.value) == "This change is not possible."
    assert str(refusal.value.message) == str(edits.NOT_POSSIBLE)
    db.session.rollback()
    db.session.expire_all()
    draft = table_queries.current_seatings(event.id)[0]
    assert table_of(draft, 0, mover) == table_of(seating, 0, mover)  # nothing changed


def test_after_a_block_between_published_tablemates_edits_ask_to_regroup_first(evening, host, now):
    # Mid-evening, after round one, someone blocks a tablemate: the published
    # tables now seat a kept-apart pair, and a draft copied from them could not be stored.
    event, users = evening(people=8, rounds=2)
    forming.form_tables(host, event.id)
    published = publishing.publish(host, event.id, now=now)
    a, tablemate = tables_in(published, 1)[0][:2]
    db.session.add(Block(blocker_id=a, blocked_id=tablemate))
    db.session.commit()
    attempts = [
        lambda: edits.swap_people(host, event.id, 0, a, tables_in(published, 0)[1][0]),
        lambda: edits.move_person(host, event.id, 1, a, 1),
        lambda: edits.set_lock(host, event.id, 1, a, True),
        lambda: edits.rename_tables(host, event.id, ["Sakura"]),
    ]
    for edit in attempts:
        with pytest.raises(drafts.SeatingConflictError, match="Regroup first") as refusal:
            edit()
        assert str(a) not in str(refusal.value) and "block" not in str(refusal.value).lower()
        db.session.rollback()
        assert table_queries.current_seatings(event.id)[0] is None  # no draft was left behind
    regrouped = forming.regroup(host, event.id)
    assert table_of(regrouped, 1, a) != table_of(regrouped, 1, tablemate)
    edits.rename_tables(host, event.id, ["Sakura"])  # the new draft can be edited


def test_a_draft_formed_before_a_block_is_not_published_with_the_pair_together(evening, host, now):
    # The host formed tables in the afternoon and locked two people together;
    # an hour later one of them blocks the other (they met last month). Those
    # tables must not reach the room, no refusal says who or why, and
    # regrouping frees the pair from their locks.
    event, users = evening(people=8, rounds=1)
    draft = forming.form_tables(host, event.id)
    a, b = tables_in(draft)[0][:2]
    for person in (a, b):
        edits.set_lock(host, event.id, 0, person, True)
    db.session.add(Block(blocker_id=a, blocked_id=b))
    db.session.commit()
    for step in (
        lambda: publishing.publish(host, event.id, now=now),
        lambda: edits.set_lock(host, event.id, 0, b, False),
    ):
        with pytest.raises(drafts.SeatingConflictError) as refusal:
            step()
        assert (
            str(refusal.value)
            == "This is not possible with these tables. Regroup first: it moves as few people as possible."
        )
        db.session.rollback()
    assert table_queries.current_seatings(event.id)[1] is None  # nothing was published
    regrouped = forming.regroup(host, event.id)
    assert table_of(regrouped, 0, a) != table_of(regrouped, 0, b)
    published = publishing.publish(host, event.id, now=now)
    assert table_of(published, 0, a) != table_of(published, 0, b)


def test_tables_that_cannot_keep_everyone_apart_are_refused_without_a_reason(evening, host):
    event, users = evening(people=8, rounds=1)  # two tables
    a, b, c = (user.id for user in users[:3])
    db.session.add_all(
        [
            Block(blocker_id=a, blocked_id=b),
            Block(blocker_id=b, blocked_id=c),
            Report(event_id=event.id, reporter_id=c, reported_id=a, category="other", description="x"),
        ]
    )
    db.session.commit()
    with pytest.raises(DomainError) as refusal:
        forming.form_tables(host, event.id)
    assert str(refusal.value) == "These tables cannot be formed. Add a table, or unlock someone."


def test_a_move_that_unbalances_the_tables_asks_first_then_applies(evening, host):
    event, users = evening(people=8, rounds=1)
    seating = forming.form_tables(host, event.id)
    person = tables_in(seating)[0][0]
    with pytest.raises(edits.ConfirmationNeeded) as asked:
        edits.move_person(host, event.id, 0, person, 1)
    assert [str(line) for line in asked.value.consequences] == ["The tables become uneven: table B seats 5, table A 3."]
    db.session.expire_all()
    assert table_of(table_queries.current_seatings(event.id)[0], 0, person) == 0  # nothing changed yet
    edits.move_person(host, event.id, 0, person, 1, confirmed=True)
    db.session.expire_all()
    draft = table_queries.current_seatings(event.id)[0]
    assert sorted(len(table) for table in tables_in(draft)) == [3, 5]
    back = next(u for u in tables_in(draft)[1] if u != person)
    edits.move_person(host, event.id, 0, back, 0)  # evening them out again asks nothing
    db.session.expire_all()
    assert sorted(len(table) for table in tables_in(table_queries.current_seatings(event.id)[0])) == [4, 4]


def test_locked_people_stay_at_their_table_when_tables_are_formed_again(evening, host):
    event, users = evening(people=12, rounds=2)
    seating = forming.form_tables(host, event.id)
    person = users[5].id
    original = table_of(seating, 1, person)
    other_table = (original + 1) % seating.table_count
    swap_with = tables_in(seating, 1)[other_table][0]
    edits.swap_people(host, event.id, 1, person, swap_with, confirmed=True)  # a manual change locks both
    edits.set_lock(host, event.id, 1, swap_with, False)
    again = forming.form_tables(host, event.id)
    assert table_of(again, 1, person) == other_table
    assert db.session.get(Seat, (again.id, 1, person)).locked
    assert not db.session.get(Seat, (again.id, 1, swap_with)).locked


def test_regrouping_after_a_late_arrival_moves_few_people(evening, make_user, sign_up_for, host, now):
    event, users = evening(people=11, rounds=2)
    before = forming.form_tables(host, event.id)
    late = sign_up_for(event, make_user(display_name="Late arrival"))
    check_in(host, event.id, late.id, now=now)
    after = forming.regroup(host, event.id)
    movers = {user_id for _, user_id, _, _ in after.moves if user_id != late.user_id}
    assert len(movers) <= 2
    assert any(user_id == late.user_id for _, user_id, _, _ in after.moves)
    assert after.version == before.version + 1


def test_publishing_records_encounters_and_keeps_what_attendees_were_shown(evening, host, now):
    event, users = evening(people=8, rounds=1)
    forming.form_tables(host, event.id)
    first = publishing.publish(host, event.id, now=now)
    shown = table_queries.grid(first)
    encounters = db.session.scalars(select(Encounter).where(Encounter.event_id == event.id)).all()
    assert len(encounters) == 2 * 6  # two tables of four: six pairs each

    [table_a, table_b] = shown[0]
    edits.swap_people(host, event.id, 0, table_a[0], table_b[0])
    db.session.expire_all()
    assert db.session.get(Seating, first.id).status == PUBLISHED
    assert table_queries.grid(db.session.get(Seating, first.id)) == shown  # the edit went to a draft

    second = publishing.publish(host, event.id, now=now)
    db.session.expire_all()
    assert db.session.get(Seating, first.id).status == SUPERSEDED
    assert table_queries.grid(db.session.get(Seating, first.id)) == shown
    assert db.session.get(Seating, second.id).status == PUBLISHED
    pairs = {
        (e.user_low_id, e.user_high_id)
        for e in db.session.scalars(select(Encounter).where(Encounter.event_id == event.id))
    }
    assert (min(table_a[0], table_b[1]), max(table_a[0], table_b[1])) in pairs


def test_publishing_without_changes_is_refused(evening, host, now):
    event, _ = evening(people=8, rounds=1)
    forming.form_tables(host, event.id)
    publishing.publish(host, event.id, now=now)
    with pytest.raises(DomainError, match="no changes to publish"):
        publishing.publish(host, event.id, now=now)


def test_the_database_refuses_a_seat_next_to_a_blocked_person(evening, host):
    event, users = evening(people=8, rounds=1)
    seating = forming.form_tables(host, event.id)
    [table_a, table_b] = tables_in(seating)
    db.session.add(Block(blocker_id=table_a[0], blocked_id=table_b[0]))
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError):
        with db.session.begin_nested():
            db.session.execute(
                sa.update(Seat).where(Seat.seating_id == seating.id, Seat.user_id == table_a[0]).values(table_no=1)
            )


def test_the_database_refuses_one_person_at_two_tables_in_a_round(evening, host):
    event, users = evening(people=8, rounds=1)
    seating = forming.form_tables(host, event.id)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():  # noqa: PT012 - the savepoint must roll back the failed flush
        db.session.add(Seat(seating_id=seating.id, round=0, table_no=1, user_id=users[0].id))
        db.session.flush()


def test_table_names_default_to_letters_and_can_be_renamed(evening, host):
    event, _ = evening(people=8, rounds=1)
    seating = forming.form_tables(host, event.id)
    assert [seating.table_name(t) for t in range(2)] == ["A", "B"]
    edits.rename_tables(host, event.id, ["富士", ""])
    draft, _ = table_queries.current_seatings(event.id)
    assert [draft.table_name(t) for t in range(2)] == ["富士", "B"]


def test_a_late_arrival_joins_a_table_instead_of_adding_one(evening, make_user, sign_up_for, host, now):
    event, users = evening(people=12, rounds=2)  # three tables of four
    forming.form_tables(host, event.id)
    late = sign_up_for(event, make_user(display_name="Late arrival"))
    check_in(host, event.id, late.id, now=now)
    after = forming.regroup(host, event.id)
    assert after.table_count == 3
    assert [user_id for _, user_id, _, _ in after.moves] == [late.user_id, late.user_id]


def test_forming_tables_takes_the_same_number_of_queries_for_any_crowd(evening, host, count_queries):
    small, _ = evening(people=8, rounds=2)
    large, _ = evening(people=40, rounds=2)
    counts = []
    for event in (small, large):
        db.session.expire_all()
        with count_queries() as statements:
            forming.form_tables(host, event.id)
        counts.append(len(statements))
    assert counts[0] == counts[1]
