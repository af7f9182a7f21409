"""An event becomes a grouping instance: who is seated, what they share, who
met before, who is reunited, who is kept apart."""

from datetime import timedelta

import pytest

from meetup.errors import DomainError
from meetup.events.services.checkin import check_in
from meetup.extensions import db
from meetup.rules.models import Block, Match, Report
from meetup.seating.instance import build_instance, person_key
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import forming, publishing


def test_checked_in_people_are_seated_with_their_industries_and_goals(evening):
    event, users = evening(people=8)
    built = build_instance(event)
    assert not built.provisional
    people = {p["id"]: p for p in built.instance["people"]}
    assert set(people) == {person_key(u.id) for u in users}
    assert people[person_key(users[0].id)]["industry"] == "tax-accountant"
    assert people[person_key(users[1].id)]["goals"] == ["learn"]
    assert built.instance["table_count"] == 2 and built.instance["rounds"] == 2


def test_before_anyone_is_checked_in_the_confirmed_people_form_a_provisional_seating(evening):
    event, users = evening(people=8, checked_in=False)
    built = build_instance(event)
    assert built.provisional
    assert len(built.instance["people"]) == 8


def test_only_checked_in_people_are_seated_once_check_in_starts(evening, make_user, sign_up_for, host, now):
    event, users = evening(people=8)
    late = sign_up_for(event, make_user(display_name="Late"))
    assert person_key(late.user_id) not in {p["id"] for p in build_instance(event).instance["people"]}
    check_in(host, event.id, late.id, now=now)
    assert person_key(late.user_id) in {p["id"] for p in build_instance(event).instance["people"]}


def test_first_timers_are_people_never_checked_in_before(evening):
    event, _ = evening(people=4)
    assert all(p["first_time"] for p in build_instance(event).instance["people"])


def test_history_counts_earlier_published_tables_and_active_matches(evening, host, now):
    first, users = evening(people=8, rounds=1)
    assert build_instance(first).instance["history"] == []
    seating = publishing.publish(host, forming.form_tables(host, first.id).event_id, now=now)
    tablemates = {
        frozenset((person_key(a), person_key(b)))
        for table in table_queries.grid(seating)[0]
        for a in table
        for b in table
        if a < b
    }
    a, b = users[0], users[1]
    db.session.add(Match(user_low_id=min(a.id, b.id), user_high_id=max(a.id, b.id), event_id=first.id))
    db.session.commit()

    second, _ = evening(users=users, starts_at=first.starts_at + timedelta(days=28), checked_in=False)
    history = {frozenset((h["a"], h["b"])): h for h in build_instance(second).instance["history"]}
    met_before = {pair for pair, h in history.items() if h["met"] == 1}
    assert met_before == tablemates
    ab = frozenset((person_key(a.id), person_key(b.id)))
    assert history[ab]["mutual"] is True
    assert sum(h["mutual"] for h in history.values()) == 1


def test_an_evening_counts_only_what_happened_before_it(evening, host, now):
    """Looking back at last month's tables, this month's encounters and matches are not history yet."""
    first, users = evening(people=8, rounds=1)
    publishing.publish(host, forming.form_tables(host, first.id).event_id, now=now)
    second, _ = evening(users=users, starts_at=first.starts_at + timedelta(days=28), checked_in=False)
    publishing.publish(host, forming.form_tables(host, second.id).event_id, now=now)
    a, b = users[0], users[1]
    db.session.add(
        Match(
            user_low_id=min(a.id, b.id),
            user_high_id=max(a.id, b.id),
            event_id=second.id,
            revealed_at=second.ends_at + timedelta(days=3),
        )
    )
    db.session.commit()
    assert build_instance(first).instance["history"] == []
    assert any(h["met"] for h in build_instance(second).instance["history"])


def test_blocks_and_reports_make_pairs_forbidden_either_way_round(evening):
    event, users = evening(people=8)
    db.session.add(Block(blocker_id=users[0].id, blocked_id=users[1].id))
    db.session.add(Report(event_id=event.id, reporter_id=users[3].id, reported_id=users[2].id, category="selling"))
    db.session.commit()
    forbidden = {frozenset(pair) for pair in build_instance(event).instance["forbidden"]}
    assert forbidden == {
        frozenset((person_key(users[0].id), person_key(users[1].id))),
        frozenset((person_key(users[2].id), person_key(users[3].id))),
    }


def test_nobody_to_seat_is_a_clear_message(make_event):
    event = make_event()
    with pytest.raises(DomainError, match="no one to seat"):
        build_instance(event)


def test_fewer_people_than_tables_is_a_clear_message(evening):
    event, _ = evening(people=3, table_size=None, table_count=4)
    with pytest.raises(DomainError, match="3 people for 4 tables"):
        build_instance(event)


def test_building_takes_the_same_number_of_queries_for_any_crowd(evening, count_queries):
    small, _ = evening(people=8)
    large, _ = evening(people=40)
    db.session.expire_all()
    with count_queries() as few:
        build_instance(small)
    db.session.expire_all()
    with count_queries() as many:
        build_instance(large)
    assert len(few) == len(many)
