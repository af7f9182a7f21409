"""Choosing tablemates: only tablemates count, inside the window, and a
refusal looks exactly like a success."""

from datetime import timedelta

import pytest

from meetup.errors import NotFoundError
from meetup.events.services.checkin import check_in
from meetup.matching.queries import my_choices
from meetup.matching.services.choices import WindowClosedError, save_choices
from meetup.matching.services.reveal import reveal_matches
from meetup.seating.queries.encounters import tablemate_ids
from meetup.seating.queries.tables import grid, published_seating


def test_a_tablemate_can_be_chosen_and_unticking_deletes_the_choice(seated, during):
    event, (a, b, c, d) = seated()
    save_choices(a, event.id, [b.id, c.id], now=during)
    assert my_choices(a.id, event.id) == {b.id, c.id}
    save_choices(a, event.id, [c.id], now=during)
    assert my_choices(a.id, event.id) == {c.id}
    save_choices(a, event.id, [], now=during)
    assert my_choices(a.id, event.id) == set()


def test_naming_someone_not_met_at_the_event_stores_nothing(seated, during, make_user):
    event, users = seated(people=8)
    me = users[0]
    mates = tablemate_ids(event, me.id, during)
    strangers = [u.id for u in users[1:] if u.id not in mates]
    assert mates and strangers, "two tables: some people are tablemates, some are not"
    outsider = make_user()
    save_choices(me, event.id, [*strangers, outsider.id, me.id, 10**9], now=during)
    assert my_choices(me.id, event.id) == set()


def test_every_round_counts_for_tablemates(seated, during):
    event, users = seated(people=8, rounds=2)
    seating = published_seating(event.id)
    me = users[0]
    expected = {u for tables in grid(seating) for table in tables if me.id in table for u in table} - {me.id}
    assert tablemate_ids(event, me.id, during) == expected


def test_without_published_tables_everyone_checked_in_is_a_tablemate(seated, during, sign_up_for, make_user):
    event, users = seated(people=5, publish=False)
    late = make_user()
    sign_up_for(event, late)  # registered, never checked in
    assert tablemate_ids(event, users[0].id, during) == {u.id for u in users[1:]}


def test_choices_open_when_the_event_starts(seated, now):
    event, (a, b, *_) = seated()
    with pytest.raises(WindowClosedError, match="open when the event starts"):
        save_choices(a, event.id, [b.id], now=now)
    assert my_choices(a.id, event.id) == set()


def test_choices_are_refused_after_the_window_closes(seated, after):
    event, (a, b, *_) = seated()
    with pytest.raises(WindowClosedError, match="closed"):
        save_choices(a, event.id, [b.id], now=after)
    assert my_choices(a.id, event.id) == set()


def test_choices_are_frozen_after_the_reveal(seated, during, after):
    event, (a, b, *_) = seated()
    save_choices(a, event.id, [b.id], now=during)
    reveal_matches(event.id, now=after)
    with pytest.raises(WindowClosedError):
        save_choices(a, event.id, [], now=after - timedelta(days=1))  # even with a clock that runs late
    assert my_choices(a.id, event.id) == {b.id}


def test_only_checked_in_attendees_may_choose(seated, during, make_user, sign_up_for):
    event, users = seated()
    registered = make_user()
    sign_up_for(event, registered)
    with pytest.raises(NotFoundError):
        save_choices(registered, event.id, [users[0].id], now=during)
    with pytest.raises(NotFoundError):
        save_choices(users[0], 10**9, [users[1].id], now=during)


def test_a_late_arrival_without_a_table_sees_everyone_only_when_no_tables_were_published(
    seated, during, make_user, sign_up_for, host, now
):
    event, users = seated()
    late = make_user()
    check_in(host, event.id, sign_up_for(event, late).id, now=now)
    assert tablemate_ids(event, late.id, during) == set()  # tables were published without them
