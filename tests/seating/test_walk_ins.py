"""Someone added at the door sits at the tables formed afterwards, like everyone checked in."""

from meetup.events.services.walkins import add_walk_in
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import forming


def seated_ids(seating, round_):
    return {user_id for table in table_queries.grid(seating)[round_] for user_id in table}


def test_a_walk_in_is_seated_in_every_round_of_tables_formed_afterwards(evening, host, now):
    event, users = evening(people=7, rounds=2)
    seated_before = seated_ids(forming.form_tables(host, event.id), 0)
    walk_in = add_walk_in(
        host, event.id, display_name="森 花", industry="design", email="", acknowledged=True, now=now
    ).registration
    after = forming.form_tables(host, event.id)
    assert walk_in.user_id not in seated_before
    for round_ in range(2):
        assert seated_ids(after, round_) == {u.id for u in users} | {walk_in.user_id}
