"""Forms forgive what Japanese keyboards type (issue 15, items 4 and 5):
full-width addresses and numbers, spaces of any width around a value, and a
name's reading (フリガナ) in hiragana, katakana or half-width katakana."""

import pytest
from sqlalchemy import select

from meetup.accounts.services.signups import normalise_reading
from meetup.events.models import Event
from meetup.extensions import db
from tests.conftest import PASSWORD, csrf_token
from tests.events.test_pages import event_form


def post(client, path, **data):
    data["csrf_token"] = csrf_token(client, path)
    return client.post(path, data=data)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("やまだ えみ", "ヤマダ エミ"),
        ("ﾔﾏﾀﾞ\u3000ｴﾐ", "ヤマダ エミ"),
        ("\u3000 ヤマダ\u3000\u3000エミ  ", "ヤマダ エミ"),
        ("さとう・けんじ", "サトウ・ケンジ"),
        ("ゆうた", "ユウタ"),
        ("スーザン", "スーザン"),
        ("", ""),
        ("\u3000", ""),
    ],
)
def test_a_reading_in_any_kana_is_stored_as_full_width_katakana(typed, stored):
    assert normalise_reading(typed) == stored


@pytest.mark.parametrize("typed", ["山田", "Yamada", "ヤマダ1", "やまだ!", "<b>ヤマダ</b>"])
def test_a_reading_that_is_not_kana_is_refused(typed):
    assert normalise_reading(typed) is None


def test_the_profile_keeps_a_reading_typed_in_hiragana_as_katakana(client, auth, user):
    auth.login()
    response = post(
        client,
        "/profile/edit",
        display_name="田中 愛子",
        name_reading="たなか　あいこ",
        industry="tax-accountant",
        introduction="",
        language="",
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.name_reading == "タナカ アイコ"
    assert "タナカ アイコ" in client.get("/profile").get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Write the reading in katakana or hiragana"), ("ja", "フリガナはカタカナかひらがなで")],
)
def test_a_reading_in_latin_letters_is_refused_in_the_persons_language(client, auth, user, language, message):
    auth.login()
    user.language = language
    user.name_reading = "タナカ アイコ"
    db.session.commit()
    response = post(
        client,
        "/profile/edit",
        display_name="Aiko Tanaka",
        name_reading="Tanaka",
        industry="tax-accountant",
        introduction="",
        language=language,
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.name_reading == "タナカ アイコ"


def test_log_in_with_an_address_typed_in_full_width_letters(client, auth, user):
    response = auth.login(email="\u3000ｍｅｍｂｅｒ＠ｅｘａｍｐｌｅ．ｃｏｍ ", password=PASSWORD)
    assert response.status_code == 302
    assert "/login" not in response.headers["Location"]


def test_contact_details_in_full_width_are_stored_plain(client, auth, user):
    auth.login()
    response = post(
        client,
        "/profile/contacts",
        email="ａｉｋｏ＠ｗｏｒｋ．ｅｘａｍｐｌｅ",
        phone="\u3000０９０－１２３４－５６７８\u3000",
        line_id=" aiko_t ",
        website="ｈｔｔｐｓ：／／ａｉｋｏ．ｅｘａｍｐｌｅ",
        other="",
    )
    assert response.status_code == 302
    db.session.refresh(user)
    contacts = user.contacts
    assert (contacts.email, contacts.phone, contacts.line_id, contacts.website) == (
        "aiko@work.example",
        "090-1234-5678",
        "aiko_t",
        "https://aiko.example",
    )


def test_the_host_sees_readings_and_finds_people_by_them_at_the_door(client, auth, host, event, make_user, sign_up_for):
    guest = make_user(email="emi@example.com", display_name="山田 絵美")
    guest.name_reading = "ヤマダ エミ"
    db.session.commit()
    sign_up_for(event, guest)
    sign_up_for(event, make_user(email="kenji@example.com", display_name="佐藤 健二"))
    auth.login(email="host@example.com")
    assert "ヤマダ エミ" in client.get(f"/events/{event.id}/dashboard").get_data(as_text=True)
    for typed in ("やまだ", "ﾔﾏﾀﾞ", "やまだえみ", "ヤマダ\u3000エミ"):
        door = client.get(f"/events/{event.id}/check-in", query_string={"q": typed}).get_data(as_text=True)
        assert "山田 絵美" in door and "ヤマダ エミ" in door, typed
        assert "佐藤 健二" not in door, typed


def test_numbers_typed_in_full_width_digits_make_an_event(client, auth, host, now):
    auth.login(email="host@example.com")
    form = event_form(
        now, capacity="\u3000３０\u3000", table_number="５", rounds="３", title="\u3000創業者の夕べ\u3000"
    )
    response = post(client, "/events/new", **form)
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert (event.capacity, event.table_size, event.rounds, event.title) == (30, 5, 3, "創業者の夕べ")
