"""A payment a receipt was issued for stays recorded: the receipt says it was
made, so the door no longer offers to undo it, and a request to undo it
anyway is refused in the host's language and changes nothing."""

import pytest

from meetup.events.models import Registration
from meetup.events.services.checkin import CheckInError, undo_payment
from meetup.extensions import db
from meetup.receipts.services.issuing import issue_evening_receipts, issue_receipt
from tests.conftest import csrf_token


def payment(registration_id: int):
    db.session.expire_all()
    registration = db.session.get(Registration, registration_id)
    return registration.paid_at, registration.paid_amount, registration.payment_method


def test_a_payment_with_a_receipt_cannot_be_undone(host, user, evening, pay, now):
    registration = pay(evening, user)
    before = payment(registration.id)
    issue_receipt(user, evening.id, "Aiko Tanaka 様", now=now)
    with pytest.raises(CheckInError, match="receipt has been issued"):
        undo_payment(host, evening.id, registration.id, now=now)
    db.session.rollback()
    assert payment(registration.id) == before


def test_receipts_the_host_issues_keep_their_payments_too(host, user, evening, pay, now, make_user):
    first, second = pay(evening, user), pay(evening, make_user(email="ken@example.com"))
    issue_evening_receipts(host, evening.id, now=now)
    for registration in (first, second):
        with pytest.raises(CheckInError):
            undo_payment(host, evening.id, registration.id, now=now)
        db.session.rollback()


def test_without_a_receipt_a_payment_can_still_be_undone(host, user, evening, pay, now):
    registration = pay(evening, user)
    undo_payment(host, evening.id, registration.id, now=now)
    db.session.commit()
    assert payment(registration.id) == (None, None, None)


@pytest.mark.parametrize(
    ("language", "issued", "refused"),
    [
        ("en", "Receipt issued", "A receipt has been issued for Aiko Tanaka's payment, so the payment stays recorded."),
        ("ja", "領収書発行済み", "Aiko Tanakaさんの支払いには領収書を発行済みのため、支払いの記録は取り消せません。"),
    ],
)
def test_the_door_shows_the_receipt_instead_of_undo_and_refuses_a_forced_undo(
    client, auth, host, user, evening, pay, now, language, issued, refused
):
    registration = pay(evening, user)
    issue_receipt(user, evening.id, "Aiko Tanaka 様", now=now)
    host.language = language
    db.session.commit()
    before = payment(registration.id)
    auth.login(email=host.email)
    door = f"/events/{evening.id}/check-in?q=aiko"
    page = client.get(door).get_data(as_text=True)
    assert issued in page and f"/check-in/{registration.id}/payment/undo" not in page

    response = client.post(
        f"/events/{evening.id}/check-in/{registration.id}/payment/undo",
        data={"q": "aiko", "csrf_token": csrf_token(client, door)},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert refused in response.get_data(as_text=True)
    assert payment(registration.id) == before
