"""A person's card, a block and a report reach only someone the reader met:
a tablemate at the published seating of an evening that has started
(``meetup.seating.queries.met``). A fellow registrant before the evening, someone at
another table, a name in a draft: the same 404 as a person who does not
exist, and nothing is written."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from meetup.conduct import queries
from meetup.conduct.services import blocks, reports
from meetup.errors import NotFoundError
from meetup.extensions import db
from meetup.rules.models import Block, Report
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import edits, forming, publishing
from tests.conduct.conftest import post


def _card(event, user):
    return f"/events/{event.id}/people/{user.id}"


def _rows():
    return (
        db.session.scalar(select(func.count()).select_from(Block)),
        db.session.scalar(select(func.count()).select_from(Report)),
    )


def _never_at_a_table_with(event, user, users):
    """Someone at this evening who never shared a table with ``user`` at its published seating."""
    _, published = table_queries.current_seatings(event.id)
    met = {u for tables in table_queries.grid(published) for table in tables if user.id in table for u in table}
    return next(other for other in users if other.id not in met)


def _refused_everywhere(client, event, reader, person, *, now):
    """The card, the report form and a block of ``person`` are all 'not found'
    for ``reader``, through the pages and through the services; nothing is written."""
    before = _rows()
    card = _card(event, person)
    assert client.get(card).status_code == 404
    assert client.get(card + "/report").status_code == 404
    assert post(client, card + "/block", "/").status_code == 404
    assert post(client, card + "/report", "/", category="selling", description="Pitched a seminar.").status_code == 404
    with pytest.raises(NotFoundError):
        queries.person_card(reader, event.id, person.id, now=now)
    with pytest.raises(NotFoundError):
        blocks.block(reader, event.id, person.id, now=now)
    with pytest.raises(NotFoundError):
        reports.report(reader, event.id, person.id, category="selling", description="Pitched a seminar.", now=now)
    db.session.commit()  # whatever a refusal left in the session would be written: there must be nothing
    assert _rows() == before


def test_before_the_evening_nobody_reaches_a_fellow_registrant(evening, host, client_for, now):
    # Registered for the same public evening, even checked in at the door and
    # seated together on tables the host published early: the evening has not
    # started, so they have not met.
    event, users = evening(people=4, rounds=1)
    forming.form_tables(host, event.id)
    publishing.publish(host, event.id, now=now)
    reader, person = users[:2]
    client = client_for(reader)
    _refused_everywhere(client, event, reader, person, now=now)
    assert "Report or block" not in client.get(f"/events/{event.id}/my-tables").get_data(as_text=True)
    assert person.display_name in client.get(f"/events/{event.id}/my-tables").get_data(as_text=True)


def test_before_the_evening_a_registrant_without_tables_reaches_nobody(evening, client_for, now):
    event, users = evening(people=4, rounds=1, checked_in=False)
    reader, person = users[:2]
    _refused_everywhere(client_for(reader), event, reader, person, now=now)


def test_once_the_evening_has_started_a_tablemate_is_reached(attended, client_for, now):
    event, users = attended  # started an hour ago; users[0] and users[1] share a table in round one
    reader, person = users[:2]
    client = client_for(reader)
    card = client.get(_card(event, person))
    assert card.status_code == 200 and person.display_name in card.get_data(as_text=True)
    assert "Report or block" in client.get(f"/events/{event.id}/my-tables").get_data(as_text=True)
    assert post(client, _card(event, person) + "/block", "/").status_code == 302
    assert db.session.scalar(select(Block.blocked_id).where(Block.blocker_id == reader.id)) == person.id
    # The services take the instant: an hour before the start is "before the evening".
    with pytest.raises(NotFoundError):
        blocks.block(users[2], event.id, users[3].id, now=event.starts_at - timedelta(minutes=1))
    blocks.block(users[2], event.id, users[3].id, now=event.starts_at)


def test_someone_at_another_table_of_the_same_evening_is_not_reached(attended, client_for, now):
    event, users = attended
    reader = users[0]
    stranger = _never_at_a_table_with(event, reader, users)
    _refused_everywhere(client_for(reader), event, reader, stranger, now=now)
    _refused_everywhere(client_for(stranger), event, stranger, reader, now=now)


def test_a_draft_that_seats_two_together_does_not_count(attended, host, client_for, now):
    event, users = attended
    reader = users[0]
    stranger = _never_at_a_table_with(event, reader, users)
    # The host's unpublished edit puts them at one table in round one.
    edits.swap_people(host, event.id, 0, stranger.id, users[1].id, confirmed=True)
    draft, _ = table_queries.current_seatings(event.id)
    assert any(reader.id in table and stranger.id in table for table in table_queries.grid(draft)[0])
    _refused_everywhere(client_for(reader), event, reader, stranger, now=now)
    publishing.publish(host, event.id, now=now)  # once shown to the room, they sit together
    assert client_for(reader).get(_card(event, stranger)).status_code == 200


def test_the_hosts_own_pages_show_everyone_before_the_evening(evening, host, client_for, now):
    event, users = evening(people=6, rounds=1)
    forming.form_tables(host, event.id)
    publishing.publish(host, event.id, now=now)
    client = client_for(host)
    for page in (f"/events/{event.id}/tables", f"/events/{event.id}/attendees.csv"):
        response = client.get(page)
        assert response.status_code == 200, page
        assert all(user.display_name in response.get_data(as_text=True) for user in users), page
