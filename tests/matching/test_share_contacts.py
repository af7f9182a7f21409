"""The meet-again page asks what a person shares if it is mutual, and saves
it with the ticks: both or neither. Its script gets the same answers as JSON,
which never depend on anyone else's choices."""

import re
from datetime import timedelta

import pytest

from meetup.accounts.models import ContactDetails
from meetup.accounts.services.settings import set_language, update_contacts
from meetup.extensions import db
from meetup.matching.queries import my_choices
from meetup.matching.services.choices import WindowClosedError, save_choices
from tests.clock import NOW
from tests.conftest import csrf_token
from tests.matching.conftest import shift_event

JSON = {"Accept": "application/json"}
PROFILE = {"phone": "090-1234-5678", "phone_shared": True, "line_id": "aiko-line", "line_id_shared": False}


@pytest.fixture
def open_evening(seated):
    """Four people at one table; the evening started an hour ago."""
    event, users = seated()
    shift_event(event.id, timedelta(hours=-2))
    update_contacts(users[0], PROFILE)
    return event, users


def _path(event):
    return f"/events/{event.id}/meet-again"


def _post(client, event, ids, contacts=None, headers=None):
    data = {"chosen": [str(i) for i in ids], "csrf_token": csrf_token(client, _path(event))}
    if contacts is not None:
        data |= {"with_contacts": "1", **contacts}
    return client.post(_path(event), data=data, headers=headers or {})


def _input(html: str, id_: str) -> str:
    return re.search(rf'<input[^>]*id="{id_}"[^>]*>', html).group(0)


def _contacts_of(user) -> dict:
    details = db.session.get(ContactDetails, user.id)
    db.session.refresh(details)
    return {name: getattr(details, name) for name in ContactDetails.FIELDS} | {
        name + "_shared": getattr(details, name + "_shared") for name in ContactDetails.FIELDS
    }


def test_the_page_asks_what_to_share_prefilled_from_the_profile(open_evening, client_for):
    event, (a, *_) = open_evening
    html = client_for(a).get(_path(event)).get_data(as_text=True)
    share = html[html.index('id="share-contacts"') : html.index("</fieldset>")]
    assert "What you share if it is mutual" in share and "<legend>" in share
    assert "only after the window closes" in share and "“Contact details” of your profile" in share
    assert 'value="090-1234-5678"' in share and 'value="aiko-line"' in share
    assert "checked" in _input(share, "phone_shared")
    for unshared in ("email", "line_id", "website", "other"):
        assert "checked" not in _input(share, f"{unshared}_shared")
    assert 'src="/static/meet-again.js"' in html


def test_the_page_asks_nothing_once_the_window_has_closed(open_evening, client_for):
    event, (a, *_) = open_evening
    shift_event(event.id, timedelta(days=-4))
    html = client_for(a).get(_path(event)).get_data(as_text=True)
    assert "share-contacts" not in html and "090-1234-5678" not in html and "meet-again.js" not in html


def test_saving_choices_saves_the_contact_details_too(open_evening, client_for):
    event, (a, b, *_) = open_evening
    contacts = {"email": "aiko@example.jp", "email_shared": "y", "phone": "090-1234-5678", "line_id": "aiko-line"}
    response = _post(client_for(a), event, [b.id], contacts)
    assert response.status_code == 302
    assert my_choices(a.id, event.id) == {b.id}
    saved = _contacts_of(a)
    assert saved["email"] == "aiko@example.jp" and saved["email_shared"]
    assert saved["phone"] == "090-1234-5678" and not saved["phone_shared"]  # switched off by leaving it unticked


def test_ticks_alone_leave_the_contact_details_as_they_are(open_evening, client_for):
    event, (a, b, *_) = open_evening
    before = _contacts_of(a)
    assert _post(client_for(a), event, [b.id], headers=JSON).status_code == 200
    assert my_choices(a.id, event.id) == {b.id} and _contacts_of(a) == before


@pytest.mark.parametrize(
    "language, message",
    [("en", "Nothing was saved: check your contact details."), ("ja", "保存していません。連絡先をご確認ください。")],
)
def test_invalid_contact_details_change_nothing_and_say_why(open_evening, client_for, language, message):
    event, (a, b, c, _) = open_evening
    save_choices(a, event.id, [c.id], now=NOW)
    set_language(a, language)
    before = _contacts_of(a)
    client = client_for(a)
    response = _post(client, event, [b.id], {"website": "not a web address", "website_shared": "y", "phone": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert "https://" in html  # the field's own message, next to it
    assert 'value="not a web address"' in html  # what was typed is kept on the page
    assert 'data-saved="false" checked' in _input(html, f"choose-{b.id}")
    assert "checked" not in _input(html, f"choose-{c.id}")  # saved, but unticked in what was sent
    assert my_choices(a.id, event.id) == {c.id} and _contacts_of(a) == before

    answer = _post(client, event, [b.id], {"website": "not a web address"}, headers=JSON)
    assert answer.status_code == 400 and answer.json["saved"] is False and answer.json["message"] == message
    assert list(answer.json["errors"]) == ["website"]
    assert my_choices(a.id, event.id) == {c.id} and _contacts_of(a) == before


def test_a_closed_window_saves_neither_ticks_nor_contact_details(open_evening, client_for):
    event, (a, b, *_) = open_evening
    client = client_for(a)
    token = csrf_token(client, _path(event))
    before = _contacts_of(a)
    shift_event(event.id, timedelta(days=-4))
    data = {"chosen": [str(b.id)], "csrf_token": token, "with_contacts": "1", "phone": "080-0000-0000"}
    answer = client.post(_path(event), data=data, headers=JSON)
    assert answer.status_code == 409 and answer.json == {
        "saved": False,
        "category": "error",
        "message": "The meet-again window for this event has closed; choices are final.",
    }
    assert my_choices(a.id, event.id) == set() and _contacts_of(a) == before
    with pytest.raises(WindowClosedError):
        save_choices(a, event.id, [b.id], now=NOW + timedelta(days=1), contacts={"phone": "080-0000-0000"})
    assert _contacts_of(a) == before


def test_the_json_answer_says_what_the_page_would(open_evening, client_for):
    event, (a, b, *_) = open_evening
    set_language(a, "ja")
    client = client_for(a)
    answer = _post(client, event, [b.id], headers=JSON)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert answer.json["saved"] is True and answer.json["message"].startswith("保存しました。今は誰にも")
    page = client.get(_path(event)).get_data(as_text=True)
    assert "保存しました。今は誰にも" not in page  # a JSON answer leaves no flash behind
    token = csrf_token(client, _path(event))
    bad = client.post(_path(event), data={"chosen": ["x"], "csrf_token": token}, headers=JSON)
    assert bad.status_code == 400 and bad.json["saved"] is False and "再読み込み" in bad.json["message"]


def test_the_json_answer_is_the_same_whoever_ticked_whom(open_evening, client_for):
    event, (a, b, c, d) = open_evening
    client = client_for(a)
    quiet = _post(client, event, [b.id, c.id], headers=JSON)
    save_choices(b, event.id, [a.id], now=NOW)
    save_choices(d, event.id, [a.id], now=NOW)
    chosen = _post(client, event, [b.id, c.id], headers=JSON)
    assert (quiet.status_code, quiet.get_data()) == (chosen.status_code, chosen.get_data())
