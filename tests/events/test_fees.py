"""Fees (issue 19, items 1–3): an evening's fee and its note reach attendees
on the page and in their mail; the host sees what the door took and who has
not paid, in the dashboard and the CSV; changing the fee mails everyone
registered; the door records the amount actually received."""

import csv
import io
from datetime import timedelta

import pytest

from meetup.errors import DomainError
from meetup.events.models import CASH, OTHER, Registration
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in, record_payment
from meetup.extensions import db
from tests import clock
from tests.conftest import csrf_token
from tests.events.helpers import event_details, mails


@pytest.fixture
def evening(make_event, now):
    """An evening with a ¥3,000 fee and a note, whose door opens in an hour."""
    return make_event(starts_at=now + timedelta(hours=1), fee_yen=3000, fee_note="ドリンク付き")


def test_the_fee_and_its_note_are_on_the_page_and_in_the_confirmation(client, evening, user, sign_up_for):
    page = client.get(f"/events/{evening.id}").get_data(as_text=True)
    assert "¥3,000 (tax included), pay at the door · ドリンク付き" in page
    assert "There is no payment online" in page
    sign_up_for(evening, user)
    (confirmation,) = mails("registration-confirmed", to=user)
    assert "Fee: ¥3,000 (tax included), pay at the door · ドリンク付き" in confirmation.body


def test_a_free_evening_says_so_without_a_word_of_payment(client, make_event, user, sign_up_for):
    event = make_event()
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Free" in page and "There is no payment online" not in page
    sign_up_for(event, user)
    assert "Fee: Free" in mails("registration-confirmed", to=user)[0].body


def test_the_fee_reads_in_japanese(client, evening, make_user, sign_up_for):
    person = make_user(language="ja")
    sign_up_for(evening, person)
    body = mails("registration-confirmed", to=person)[0].body
    assert "参加費: ￥3,000（税込・当日受付でお支払い） · ドリンク付き" in body


def test_changing_the_fee_or_its_note_mails_everyone_registered_once(evening, host, make_user, sign_up_for, now):
    seated = sign_up_for(evening, make_user())
    evening.capacity = 1
    db.session.commit()
    waiting = sign_up_for(evening, make_user())
    hosting.update_event(host, evening.id, _details(evening, now, fee_yen=3500), now=now)
    assert [m.recipient_id for m in mails("event-changed")] == [seated.user_id, waiting.user_id]
    assert "¥3,500 (tax included), pay at the door · ドリンク付き" in mails("event-changed")[0].body
    hosting.update_event(host, evening.id, _details(evening, now, fee_yen=3500, fee_note="軽食付き"), now=now)
    assert len(mails("event-changed")) == 4
    hosting.update_event(host, evening.id, _details(evening, now, fee_yen=3500, fee_note="軽食付き"), now=now)
    assert len(mails("event-changed")) == 4  # saving without a change mails nobody


def _details(event, now, **changes):
    kept = {"starts_at": event.starts_at, "capacity": event.capacity, "fee_yen": event.fee_yen}
    return event_details(now, **{**kept, "fee_note": event.fee_note, **changes})


def test_a_fee_note_longer_than_a_line_is_refused_and_nothing_changes(evening, host, now):
    with pytest.raises(DomainError) as refused:
        hosting.update_event(host, evening.id, _details(evening, now, fee_note="あ" * 101), now=now)
    assert refused.value.field == "fee_note"
    db.session.rollback()
    assert db.session.get(type(evening), evening.id).fee_note == "ドリンク付き"


def test_the_door_records_what_was_actually_received(evening, host, make_user, sign_up_for, now):
    student = sign_up_for(evening, make_user())
    check_in(host, evening.id, student.id, now=now, payment=CASH, amount=2000)
    assert (student.paid_amount, student.payment_method) == (2000, CASH)
    party = sign_up_for(evening, make_user())
    check_in(host, evening.id, party.id, now=now)
    record_payment(host, evening.id, party.id, OTHER, now=now, amount=8000)
    assert party.paid_amount == 8000


@pytest.mark.parametrize("amount", [0, -3000, 100_001])
def test_an_amount_that_cannot_be_a_payment_is_refused_and_nobody_is_checked_in(
    evening, host, user, sign_up_for, now, amount
):
    registration = sign_up_for(evening, user)
    with pytest.raises(DomainError, match="Enter the amount received"):
        check_in(host, evening.id, registration.id, now=now, payment=CASH, amount=amount)
    db.session.rollback()
    registration = db.session.get(Registration, registration.id)
    assert registration.checked_in_at is None and registration.paid_at is None


def _post(client, path, page, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, page), **data})


@pytest.mark.parametrize(("typed", "received"), [("2500", 2500), ("２５００", 2500), ("", 3000)])
def test_the_door_form_takes_the_amount_typed_or_else_the_fee(
    client, auth, evening, make_user, sign_up_for, typed, received
):
    kenji = sign_up_for(evening, make_user(display_name="Kenji Sato"))
    auth.login(email="host@example.com")
    door = f"/events/{evening.id}/check-in?q=kenji"
    page = client.get(door).get_data(as_text=True)
    assert 'name="amount"' in page and 'value="3000"' in page
    _post(client, f"/events/{evening.id}/check-in/{kenji.id}", door, q="kenji", payment="cash", amount=typed)
    assert db.session.get(Registration, kenji.id).paid_amount == received


def test_the_door_form_refuses_an_amount_that_is_no_number_in_the_hosts_language(
    client, auth, evening, make_user, sign_up_for
):
    host = db.session.get(type(evening.host), evening.host_id)
    host.language = "ja"
    kenji = sign_up_for(evening, make_user(display_name="Kenji Sato"))
    auth.login(email="host@example.com")
    door = f"/events/{evening.id}/check-in?q=kenji"
    response = _post(client, f"/events/{evening.id}/check-in/{kenji.id}", door, q="kenji", payment="cash", amount="3千")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "整数を入力してください。" in page
    registration = db.session.get(Registration, kenji.id)
    assert registration.checked_in_at is None and registration.paid_at is None


def test_the_dashboard_totals_what_was_received_and_names_who_has_not_paid(
    client, auth, evening, host, make_user, sign_up_for, now
):
    aiko = sign_up_for(evening, make_user(display_name="Aiko Tanaka"))
    ben = sign_up_for(evening, make_user(display_name="Ben Mori"))
    sign_up_for(evening, make_user(display_name="Chika Ono"))
    dan = sign_up_for(evening, make_user(display_name="Dan Ito"))
    check_in(host, evening.id, aiko.id, now=now, payment=CASH)
    check_in(host, evening.id, ben.id, now=now, payment=OTHER, amount=2000)
    check_in(host, evening.id, dan.id, now=now)  # present, not paid yet
    auth.login(email="host@example.com")
    page = client.get(f"/events/{evening.id}/dashboard").get_data(as_text=True)
    assert "Received ¥5,000 from 2 people" in page
    assert "in cash ¥3,000, another way ¥2,000" in page
    assert 'Not paid yet: 2 people with a seat · <span class="warn-text">1 of them in the room' in page
    assert '<details class="unpaid" open>' in page  # someone in the room owes: the names show at once
    start = page.index('<details class="unpaid"')
    unpaid = page[start : page.index("</details>", start)]
    assert unpaid.index("Dan Ito") < unpaid.index("Chika Ono")  # who is in the room first
    assert "Aiko Tanaka" not in unpaid and "Ben Mori" not in unpaid


def test_after_the_evening_only_those_who_came_and_did_not_pay_are_named(
    client, auth, evening, host, make_user, sign_up_for, now
):
    aiko = sign_up_for(evening, make_user(display_name="Aiko Tanaka"))
    sign_up_for(evening, make_user(display_name="Chika Ono"))  # never came: owes nothing at the door
    dan = sign_up_for(evening, make_user(display_name="Dan Ito"))
    check_in(host, evening.id, aiko.id, now=now, payment=CASH)
    check_in(host, evening.id, dan.id, now=now)
    clock.move_to(evening.ends_at + timedelta(hours=1))
    auth.login(email="host@example.com")
    page = client.get(f"/events/{evening.id}/dashboard").get_data(as_text=True)
    start = page.index('<details class="unpaid" open>')
    unpaid = page[start : page.index("</details>", start)]
    assert "Did not pay: 1 person who came" in unpaid
    assert "Dan Ito" in unpaid and "Chika Ono" not in unpaid and "Aiko Tanaka" not in unpaid
    assert "Payments are taken at the door" not in page
    assert page.count("No-show") == 1  # Chika, in the attendee list

    record_payment(host, evening.id, dan.id, CASH, now=now)
    page = client.get(f"/events/{evening.id}/dashboard").get_data(as_text=True)
    assert "Everyone who came has paid." in page and '<details class="unpaid"' not in page


def test_the_csv_has_the_fee_and_what_each_person_paid(client, auth, evening, host, make_user, sign_up_for, now):
    aiko = sign_up_for(evening, make_user(display_name="Aiko Tanaka"))
    sign_up_for(evening, make_user(display_name="Ben Mori"))
    check_in(host, evening.id, aiko.id, now=now, payment=CASH)
    auth.login(email="host@example.com")
    rows = list(csv.reader(io.StringIO(client.get(f"/events/{evening.id}/attendees.csv").data.decode("utf-8-sig"))))
    heading = rows[0]
    by_name = {row[0]: dict(zip(heading, row)) for row in rows[1:]}
    assert by_name["Aiko Tanaka"]["Fee (¥)"] == "3000"
    assert (by_name["Aiko Tanaka"]["Paid (¥)"], by_name["Aiko Tanaka"]["Paid how"]) == ("3000", "In cash")
    assert by_name["Aiko Tanaka"]["Paid at"] != ""
    assert (by_name["Ben Mori"]["Paid (¥)"], by_name["Ben Mori"]["Paid how"], by_name["Ben Mori"]["Paid at"]) == (
        "",
        "",
        "",
    )
