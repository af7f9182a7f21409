"""Private notes: only about people one met, only ever seen by their author,
listed and searchable on "People I've met", shown again in "My tables"."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from meetup.errors import DomainError, NotFoundError
from meetup.extensions import db
from meetup.matching.queries import people_met
from meetup.matching.services.notes import delete_note, save_note
from meetup.seating.models import NOTE_MAX, Note
from meetup.seating.queries import tables as table_queries
from tests.clock import NOW
from tests.conftest import CSRF_RE, csrf_token
from tests.matching.conftest import shift_event


@pytest.fixture
def met_evening(seated):
    event, users = seated(people=8)  # two tables
    shift_event(event.id, timedelta(hours=-2))
    return event, users


def _mate_and_stranger(event, me):
    from meetup.seating.queries.encounters import tablemate_ids

    return tablemate_ids(event, me.id, NOW)


def test_a_note_is_kept_once_per_person_and_emptying_it_deletes_it(met_evening, now):
    event, users = met_evening
    me = users[0]
    mate = next(u for u in users if u.id in _mate_and_stranger(event, me))
    save_note(me, mate.id, "Runs a bakery; ask about the second shop", event_id=event.id, now=now)
    note = save_note(me, mate.id, "Runs a bakery in Kichijoji", now=now)
    assert note.text == "Runs a bakery in Kichijoji" and note.event_id == event.id
    assert db.session.scalars(select(Note)).all() == [note]
    assert save_note(me, mate.id, "   ", now=now) is None
    assert db.session.scalars(select(Note)).all() == []


def test_notes_only_about_people_one_met(met_evening, make_user, now):
    event, users = met_evening
    me = users[0]
    mates = _mate_and_stranger(event, me)
    stranger = next(u for u in users[1:] if u.id not in mates)
    for other in (stranger.id, make_user().id, 10**9, me.id):
        with pytest.raises(NotFoundError):
            save_note(me, other, "hello", now=now)


def test_tables_published_before_the_evening_are_not_a_meeting(seated, now):
    # The host publishes the tables in the afternoon; nobody has met anyone
    # until the evening starts, so nobody is "met" yet: no note, no listing.
    event, users = seated(people=4)  # one table, starting an hour after ``now``
    me, mate = users[:2]
    assert people_met(me.id, now, "") == []
    with pytest.raises(NotFoundError):
        save_note(me, mate.id, "Runs a bakery", now=now)
    assert [p.user.id for p in people_met(me.id, event.starts_at, "")] != []
    assert save_note(me, mate.id, "Runs a bakery", now=event.starts_at).subject_id == mate.id


def test_a_too_long_note_is_refused_with_a_message(met_evening, now):
    event, users = met_evening
    mate = next(iter(_mate_and_stranger(event, users[0])))
    with pytest.raises(DomainError, match="at most"):
        save_note(users[0], mate, "x" * (NOTE_MAX + 1), now=now)


def test_people_page_lists_encounters_and_searches_names_and_notes(met_evening, client_for, now):
    event, users = met_evening
    me = users[0]
    mates = [u for u in users if u.id in _mate_and_stranger(event, me)]
    strangers = [u for u in users[1:] if u not in mates]
    save_note(me, mates[0].id, "Talked about 相続 and succession planning", now=now)
    client = client_for(me)
    page = client.get("/people")
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert all(m.display_name in html for m in mates)
    assert not any(f">{s.display_name}<" in html for s in strangers)
    assert "round 1, table" in html and "相続" in html
    by_note = client.get("/people", query_string={"q": "相続"}).get_data(as_text=True)
    assert mates[0].display_name in by_note and mates[1].display_name not in by_note
    by_name = client.get("/people", query_string={"q": mates[1].display_name.upper()}).get_data(as_text=True)
    assert mates[1].display_name in by_name and mates[0].display_name not in by_name
    assert client.get("/people", query_string={"q": "x" * 5000}).status_code == 200


def _page(response) -> str:
    """The page's HTML without its CSRF token, which carries the second it was made."""
    return CSRF_RE.sub("CSRF", response.get_data(as_text=True))


def test_note_pages_are_the_same_404_for_strangers_and_nobody(met_evening, client_for, make_user):
    event, users = met_evening
    me = users[0]
    mates = _mate_and_stranger(event, me)
    stranger = next(u for u in users[1:] if u.id not in mates)
    client = client_for(me)
    missing = _page(client.get("/people/999999/note")).replace("999999", "ID")
    for other in (stranger.id, make_user().id):
        response = client.get(f"/people/{other}/note")
        assert response.status_code == 404
        assert _page(response).replace(f"/people/{other}/", "/people/ID/") == missing
    token = csrf_token(client, "/people")
    assert client.post(f"/people/{stranger.id}/note", data={"text": "x", "csrf_token": token}).status_code == 404
    assert db.session.scalars(select(Note)).all() == []


def test_writing_a_note_through_the_page_and_deleting_it(met_evening, client_for):
    event, users = met_evening
    me = users[0]
    mate = next(u for u in users if u.id in _mate_and_stranger(event, me))
    client = client_for(me)
    path = f"/people/{mate.id}/note"
    response = client.post(
        path, data={"text": "Loves hiking", "event_id": str(event.id), "csrf_token": csrf_token(client, path)}
    )
    assert response.status_code == 302
    note = db.session.scalar(select(Note))
    assert note.text == "Loves hiking" and note.event_id == event.id
    too_long = client.post(path, data={"text": "x" * (NOTE_MAX + 1), "csrf_token": csrf_token(client, path)})
    assert too_long.status_code == 200 and "characters" in too_long.get_data(as_text=True)
    other = client_for(mate)
    token = csrf_token(other, "/people")
    assert other.post(f"/notes/{note.public_id}/delete", data={"csrf_token": token}).status_code == 404
    assert other.get(f"/people/{me.id}/note").status_code == 200
    assert "Loves hiking" not in other.get(f"/people/{me.id}/note").get_data(as_text=True)
    assert "Loves hiking" not in other.get("/people").get_data(as_text=True)
    assert (
        client.post(f"/notes/{note.public_id}/delete", data={"csrf_token": csrf_token(client, "/people")}).status_code
        == 302
    )
    assert db.session.scalars(select(Note)).all() == []


def test_a_note_is_shown_again_in_my_tables_at_a_later_event(met_evening, seated, client_for, host, now):
    event, users = met_evening
    me = users[0]
    mate = next(u for u in users if u.id in _mate_and_stranger(event, me))
    save_note(me, mate.id, "Ask how the bakery opening went", now=now)
    later, _ = seated(users=[me, mate])
    html = client_for(me).get(f"/events/{later.id}/my-tables").get_data(as_text=True)
    assert "Ask how the bakery opening went" in html
    assert "Ask how the bakery opening went" not in client_for(mate).get(f"/events/{later.id}/my-tables").get_data(
        as_text=True
    )
    delete_note(me, db.session.scalar(select(Note.public_id)))
    assert table_queries.current_seatings(later.id)[1] is not None
