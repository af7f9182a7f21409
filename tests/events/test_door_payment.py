"""Payment at the door (issue 16, item 4): on an evening with a fee, marking
someone present records whether and how they paid; it can be recorded later
and undone, and the door's header keeps the running count."""

from datetime import timedelta

import pytest

from meetup.errors import DomainError, NotFoundError
from meetup.events.models import CASH, OTHER, Registration
from meetup.events.queries.events import counts
from meetup.events.services.checkin import check_in, record_payment, undo_check_in, undo_payment
from meetup.extensions import db
from tests.conftest import csrf_token


@pytest.fixture
def evening(make_event, now):
    """An evening with a ¥3,000 fee whose door is open."""
    event = make_event(starts_at=now + timedelta(hours=1))
    event.fee_yen = 3000
    db.session.commit()
    return event


def paid(registration):
    return registration.paid_at, registration.paid_amount, registration.payment_method


def test_marking_present_can_record_a_cash_payment(evening, host, user, sign_up_for, now):
    registration = sign_up_for(evening, user)
    check_in(host, evening.id, registration.id, now=now, payment=CASH)
    assert registration.checked_in_at == now
    assert paid(registration) == (now, 3000, CASH)
    tally = counts(evening.id)
    assert (tally.checked_in, tally.paid, tally.paid_yen) == (1, 1, 3000)


def test_someone_present_who_has_not_paid_can_pay_later_and_the_payment_be_undone(
    evening, host, user, sign_up_for, now
):
    registration = sign_up_for(evening, user)
    check_in(host, evening.id, registration.id, now=now)
    assert paid(registration) == (None, None, None)
    later = now + timedelta(minutes=40)
    record_payment(host, evening.id, registration.id, OTHER, now=later)
    assert paid(registration) == (later, 3000, OTHER)
    record_payment(host, evening.id, registration.id, CASH, now=later + timedelta(minutes=1))  # a second tap
    assert paid(registration) == (later, 3000, OTHER)
    undo_payment(host, evening.id, registration.id, now=later)
    assert paid(registration) == (None, None, None)
    assert registration.checked_in_at == now
    assert (counts(evening.id).paid, counts(evening.id).paid_yen) == (0, 0)


def test_undoing_a_check_in_keeps_the_payment_until_the_host_undoes_it(evening, host, user, sign_up_for, now):
    registration = sign_up_for(evening, user)
    check_in(host, evening.id, registration.id, now=now, payment=CASH)
    undo_check_in(host, evening.id, registration.id, now=now)
    assert registration.checked_in_at is None
    assert paid(registration) == (now, 3000, CASH)
    again = now + timedelta(minutes=5)
    check_in(host, evening.id, registration.id, now=again)  # "not paid yet" does not erase a payment
    assert registration.checked_in_at == again and paid(registration) == (now, 3000, CASH)


def test_the_amount_is_the_fee_when_they_paid(evening, host, make_user, sign_up_for, now):
    early = sign_up_for(evening, make_user())
    check_in(host, evening.id, early.id, now=now, payment=CASH)
    evening.fee_yen = 3500
    db.session.commit()
    late = sign_up_for(evening, make_user())
    check_in(host, evening.id, late.id, now=now, payment=OTHER)
    assert (early.paid_amount, late.paid_amount) == (3000, 3500)
    assert counts(evening.id).paid_yen == 6500


@pytest.mark.parametrize("method", ["bitcoin", "", "CASH"])
def test_an_unknown_way_of_paying_is_refused_and_changes_nothing(evening, host, user, sign_up_for, now, method):
    registration = sign_up_for(evening, user)
    with pytest.raises(DomainError, match="Choose how they paid"):
        check_in(host, evening.id, registration.id, now=now, payment=method)
    assert registration.checked_in_at is None
    check_in(host, evening.id, registration.id, now=now)
    with pytest.raises(DomainError, match="Choose how they paid"):
        record_payment(host, evening.id, registration.id, method, now=now)
    assert paid(registration) == (None, None, None)


def test_a_free_evening_takes_no_payment(make_event, host, user, sign_up_for, now):
    event = make_event(starts_at=now + timedelta(hours=1))
    registration = sign_up_for(event, user)
    with pytest.raises(DomainError, match="This evening is free"):
        check_in(host, event.id, registration.id, now=now, payment=CASH)
    assert registration.checked_in_at is None
    check_in(host, event.id, registration.id, now=now)
    with pytest.raises(DomainError, match="This evening is free"):
        record_payment(host, event.id, registration.id, CASH, now=now)
    assert paid(registration) == (None, None, None)


def test_a_payment_is_recorded_for_someone_present_only(evening, host, user, sign_up_for, now):
    registration = sign_up_for(evening, user)
    with pytest.raises(DomainError, match="Mark Aiko Tanaka present first"):
        record_payment(host, evening.id, registration.id, CASH, now=now)
    assert paid(registration) == (None, None, None)


def test_nobody_but_the_host_records_or_undoes_a_payment(evening, host, user, sign_up_for, now):
    registration = sign_up_for(evening, user)
    check_in(host, evening.id, registration.id, now=now, payment=CASH)
    with pytest.raises(NotFoundError):
        undo_payment(user, evening.id, registration.id, now=now)
    undo_payment(host, evening.id, registration.id, now=now)
    with pytest.raises(NotFoundError):
        record_payment(user, evening.id, registration.id, CASH, now=now)
    assert paid(registration) == (None, None, None)


# The door page.


def post(client, path, **data):
    data["csrf_token"] = csrf_token(client, data.pop("page"))
    return client.post(path, data=data)


def test_the_door_records_payments_and_counts_them_in_its_header(client, auth, evening, make_user, sign_up_for):
    kenji = sign_up_for(evening, make_user(display_name="Kenji Sato"))
    sign_up_for(evening, make_user(display_name="Yuki Suzuki"))
    auth.login(email="host@example.com")
    door = f"/events/{evening.id}/check-in"
    page = client.get(door + "?q=kenji").get_data(as_text=True)
    assert "0 of 2 checked in · 0 paid (¥0)" in page
    assert "Mark present · fee ¥3,000" in page and "Not paid yet" in page

    response = post(client, f"{door}/{kenji.id}", page=door + "?q=kenji", q="kenji", payment="")
    assert response.headers["Location"] == door + "?q=kenji"
    page = client.get(door + "?q=kenji").get_data(as_text=True)
    assert "Kenji Sato is checked in." in page and "has paid" not in page
    assert "1 of 2 checked in · 0 paid (¥0)" in page and "Record payment" in page

    post(client, f"{door}/{kenji.id}/payment", page=door + "?q=kenji", q="kenji", method="cash")
    page = client.get(door + "?q=kenji").get_data(as_text=True)
    assert "Kenji Sato has paid ¥3,000 in cash." in page
    assert "1 of 2 checked in · 1 paid (¥3,000)" in page and "Undo payment" in page

    post(client, f"{door}/{kenji.id}/payment/undo", page=door + "?q=kenji", q="kenji")
    page = client.get(door + "?q=kenji").get_data(as_text=True)
    assert "Payment undone for Kenji Sato." in page and "1 of 2 checked in · 0 paid (¥0)" in page


def test_the_door_checks_in_and_takes_payment_in_one_tap_in_japanese(client, auth, evening, make_user, sign_up_for):
    host = db.session.get(type(evening.host), evening.host_id)
    host.language = "ja"
    kenji = sign_up_for(evening, make_user(display_name="佐藤 健二"))
    kenji.user.name_reading = "サトウ ケンジ"
    db.session.commit()
    auth.login(email="host@example.com")
    door = f"/events/{evening.id}/check-in"
    post(client, f"{door}/{kenji.id}", page=door, q="さとう", payment="other")
    assert paid(db.session.get(Registration, kenji.id))[1:] == (3000, OTHER)
    page = client.get(door + "?q=sato").get_data(as_text=True)
    assert "佐藤 健二さんをチェックインしました。 佐藤 健二さんの参加費￥3,000を現金以外で受け取りました。" in page
    assert "1人中1人がチェックイン済み · 支払い済み1人（￥3,000）" in page
    assert "現金以外で支払い済み" in page and "支払いを取り消す" in page


def test_a_free_evening_shows_nothing_about_payment(client, auth, make_event, make_user, sign_up_for, now):
    event = make_event(starts_at=now + timedelta(hours=1))
    kenji = sign_up_for(event, make_user(display_name="Kenji Sato"))
    auth.login(email="host@example.com")
    door = f"/events/{event.id}/check-in?q=kenji"
    page = client.get(door).get_data(as_text=True)
    assert "Mark present" in page and "paid" not in page.lower() and "¥" not in page
    response = post(client, f"/events/{event.id}/check-in/{kenji.id}", page=door, q="kenji", payment="cash")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This evening is free: there is nothing to pay." in page
    assert db.session.get(Registration, kenji.id).checked_in_at is None
