"""Blocking through the service: private, idempotent, ends a match silently,
keeps the pair apart at every later table."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from meetup.conduct import queries
from meetup.conduct.services import blocks
from meetup.errors import NotFoundError
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.matching.services.choices import save_choices
from meetup.matching.services.reveal import reveal_matches
from meetup.rules.models import Block, Match, ordered
from meetup.rules.queries import forbidden_pairs, is_forbidden
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import forming, publishing
from tests.matching.conftest import shift_event


def test_block_keeps_the_pair_apart_either_way_round(attended, block_person):
    event, users = attended
    a, b = users[0], users[1]
    block_person(event, a, b)
    assert is_forbidden(a.id, b.id) and is_forbidden(b.id, a.id)
    assert frozenset((a.id, b.id)) in forbidden_pairs([u.id for u in users])


def test_blocking_twice_keeps_one_block(attended, block_person):
    event, users = attended
    first = block_person(event, users[0], users[1])
    second = block_person(event, users[0], users[1])
    assert first.id == second.id
    assert db.session.scalar(select(db.func.count()).select_from(Block)) == 1


def test_block_ends_an_active_match_silently(attended, block_person, now):
    event, users = attended
    a, b = users[0], users[1]
    low, high = ordered(a.id, b.id)
    db.session.add(Match(user_low_id=low, user_high_id=high, event_id=event.id, revealed_at=now))
    db.session.commit()
    mails_before = db.session.scalar(select(db.func.count()).select_from(OutboxMessage))
    block_person(event, b, a)
    match = db.session.scalar(select(Match))
    assert match.ended_at == now
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == mails_before


def test_unblock_does_not_bring_the_match_back(attended, block_person, now):
    event, users = attended
    a, b = users[0], users[1]
    low, high = ordered(a.id, b.id)
    db.session.add(Match(user_low_id=low, user_high_id=high, event_id=event.id, revealed_at=now))
    db.session.commit()
    block_person(event, a, b)
    blocks.unblock(a, b.id)
    assert not is_forbidden(a.id, b.id)
    assert db.session.scalar(select(Match)).ended_at == now


def test_only_someone_from_a_shared_event_can_be_blocked(attended, make_user, now):
    event, users = attended
    stranger = make_user(display_name="Stranger")
    with pytest.raises(NotFoundError):
        blocks.block(users[0], event.id, stranger.id, now=now)
    with pytest.raises(NotFoundError):
        blocks.block(stranger, event.id, users[0].id, now=now)
    with pytest.raises(NotFoundError):
        blocks.block(users[0], event.id, users[0].id, now=now)
    with pytest.raises(NotFoundError):
        blocks.block(users[0], event.id + 1000, users[1].id, now=now)


def test_unblocking_someone_not_blocked_is_not_found(attended):
    event, users = attended
    with pytest.raises(NotFoundError):
        blocks.unblock(users[0], users[1].id)


def test_blocked_people_lists_only_ones_own_blocks(attended, block_person):
    event, users = attended
    block_person(event, users[0], users[1])
    block_person(event, users[2], users[0])
    assert [row.person.id for row in queries.blocked_people(users[0])] == [users[1].id]
    assert queries.blocked_people(users[1]) == []


def test_a_blocked_pair_is_never_seated_together_when_tables_are_formed(attended, host, block_person):
    event, users = attended  # users[0..3] and users[4..7] shared a table in round one
    pairs = [(users[0], users[1]), (users[2], users[3]), (users[5], users[4])]
    for blocker, blocked in pairs:
        block_person(event, blocker, blocked)
    result = forming.form_tables(host, event.id)  # the host forms the tables again mid-evening
    for tables in table_queries.grid(result):
        for table in tables:
            for blocker, blocked in pairs:
                assert not (blocker.id in table and blocked.id in table)


def test_a_block_made_at_one_event_applies_at_the_next(evening, host, now, block_person, make_user):
    users = [make_user(display_name=f"Regular {n}") for n in range(8)]
    first, _ = evening(users=users, rounds=1)
    forming.form_tables(host, first.id)
    [table, _] = table_queries.grid(publishing.publish(host, first.id, now=now))[0]
    shift_event(first.id, timedelta(hours=-2))  # under way: the tablemates have met
    blocker, blocked = (next(u for u in users if u.id == user_id) for user_id in table[:2])
    block_person(first, blocker, blocked)
    second, _ = evening(users=users, rounds=3, title="Next month")
    result = forming.form_tables(host, second.id)
    for tables in table_queries.grid(result):
        for table in tables:
            assert not (blocker.id in table and blocked.id in table)


def test_a_block_before_the_reveal_means_no_match_though_both_ticked(attended, block_person, now):
    event, users = attended
    me = users[0]
    tables = table_queries.grid(table_queries.current_seatings(event.id)[1])
    mate = next(u for t in tables for table in t if me.id in table for u in table if u != me.id)
    during = now + timedelta(hours=2)
    blocked = next(u for u in users if u.id == mate)
    block_person(event, me, blocked)
    save_choices(me, event.id, [mate], now=during)
    save_choices(blocked, event.id, [me.id], now=during)  # accepted like any other choice
    reveal_matches(event.id, now=now + timedelta(days=5))
    assert db.session.scalar(select(Match)) is None
