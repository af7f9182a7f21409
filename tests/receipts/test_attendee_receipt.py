"""An attendee's receipt (issue 19, item 5): someone whose fee was taken at
the door types whom it is made out to once and gets the PDF; from then on
its content is fixed, the event page shows it, and every later download is a
copy marked 再発行. Nobody else reaches it; unpaid or free evenings are refused."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from meetup.errors import DomainError, NotFoundError
from meetup.extensions import db
from meetup.receipts.models import Receipt
from meetup.receipts.services.issuing import copy_receipt, issue_receipt, tax_included
from tests.conftest import csrf_token
from tests.receipts.conftest import FEE, pdf_text


def receipts():
    db.session.expire_all()
    return list(db.session.scalars(select(Receipt).order_by(Receipt.number)))


def _issue(client, event, addressee):
    page = f"/events/{event.id}"
    return client.post(
        f"{page}/receipt", data={"addressee": addressee, "csrf_token": csrf_token(client, f"{page}/receipt")}
    )


def _copy(client, event):
    return client.post(
        f"/events/{event.id}/receipt/copy", data={"csrf_token": csrf_token(client, f"/events/{event.id}/receipt")}
    )


@pytest.mark.parametrize("amount, tax", [(3000, 272), (1, 0), (11, 1), (110, 10), (5500, 500), (4999, 454)])
def test_the_tax_inside_a_fee_is_rounded_down(amount, tax):
    assert tax_included(amount) == tax


def test_the_event_page_offers_the_receipt_prefilled_with_the_name_and_sama(client, auth, user, evening, pay):
    pay(evening, user)
    auth.login()
    html = client.get(f"/events/{evening.id}").get_data(as_text=True)
    assert "Receipt (領収書)" in html
    assert 'value="Aiko Tanaka 様"' in html


def test_the_first_download_issues_it_and_later_ones_are_copies_marked_reissued(client, auth, user, evening, pay):
    pay(evening, user)
    auth.login()
    response = _issue(client, evening, "株式会社サンプル 御中")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    (text,) = pdf_text(response.data)
    assert "株式会社サンプル 御中" in text and "¥3,000-" in text and "再発行" not in text
    [receipt] = receipts()
    assert (receipt.number, receipt.addressee, receipt.amount, receipt.tax, receipt.times_issued) == (
        1,
        "株式会社サンプル 御中",
        FEE,
        272,
        1,
    )

    # The page now shows what it says, and only a copy is offered.
    html = client.get(f"/events/{evening.id}").get_data(as_text=True)
    assert "No. 1" in html and "株式会社サンプル 御中" in html and 'name="addressee"' not in html

    copy = _copy(client, evening)
    (text,) = pdf_text(copy.data)
    assert "再発行" in text and "No. 1" in text and "株式会社サンプル 御中" in text
    assert receipts()[0].times_issued == 2


def test_a_copy_names_the_evening_as_it_was_when_the_receipt_was_issued(client, auth, user, evening, pay):
    pay(evening, user)
    auth.login()
    (original,) = pdf_text(_issue(client, evening, "Aiko Tanaka 様").data)
    assert "渋谷 士業交流会 12月" in original
    evening.title = "Renamed for next year's flyer"  # the host renames the evening afterwards
    db.session.commit()
    (copy,) = pdf_text(_copy(client, evening).data)
    assert "渋谷 士業交流会 12月" in copy and "Renamed" not in copy
    assert copy.removeprefix("再発行 Re-issue ") == original  # word for word, but for the mark


def test_the_addressee_is_fixed_once_issued(client, auth, user, evening, pay):
    pay(evening, user)
    auth.login()
    _issue(client, evening, "Aiko Tanaka 様")
    again = _issue(client, evening, "Someone Else Ltd. 御中")  # a second tab, or the back button
    (text,) = pdf_text(again.data)
    assert "Aiko Tanaka 様" in text and "Someone Else" not in text and "再発行" in text
    [receipt] = receipts()
    assert (receipt.addressee, receipt.times_issued) == ("Aiko Tanaka 様", 2)


@pytest.mark.parametrize("addressee", ["", "   ", "x" * 101, "株式会社\x00御中"])
def test_a_missing_or_overlong_addressee_is_explained_and_issues_nothing(client, auth, user, evening, pay, addressee):
    pay(evening, user)
    auth.login()
    response = _issue(client, evening, addressee)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert 'class="errors"' in response.get_data(as_text=True)
    assert receipts() == []


def test_nobody_else_reaches_someones_receipt(client, auth, user, evening, pay, make_user, host):
    pay(evening, user)
    issue_receipt(user, evening.id, "Aiko Tanaka 様", now=evening.starts_at)
    stranger = make_user()
    auth.login(stranger.email)
    assert client.get(f"/events/{evening.id}/receipt").status_code == 404
    assert _issue(client, evening, "Stranger 様").status_code == 404
    assert _copy(client, evening).status_code == 404
    assert "No. 1" not in client.get(f"/events/{evening.id}").get_data(as_text=True)
    assert receipts()[0].times_issued == 1
    with pytest.raises(NotFoundError):
        copy_receipt(host, evening.id)  # the host has no receipt of their own here


def test_someone_who_has_not_paid_is_told_why(client, auth, user, evening, sign_up_for, now):
    sign_up_for(evening, user)
    auth.login()
    assert 'name="addressee"' not in client.get(f"/events/{evening.id}").get_data(as_text=True)
    page = client.get(f"/events/{evening.id}/receipt").get_data(as_text=True)
    assert "has not been recorded as paid" in page
    with pytest.raises(DomainError, match="not been recorded as paid"):
        issue_receipt(user, evening.id, "Aiko Tanaka 様", now=now)
    assert receipts() == []


def test_a_free_evening_has_no_receipt(client, auth, user, make_event, sign_up_for, now):
    free = make_event(starts_at=now + timedelta(hours=1))
    sign_up_for(free, user)
    auth.login()
    assert "This evening is free" in client.get(f"/events/{free.id}/receipt").get_data(as_text=True)
    with pytest.raises(DomainError, match="free"):
        issue_receipt(user, free.id, "Aiko Tanaka 様", now=now)


def test_a_receipt_keeps_the_issuer_it_was_issued_with(user, host, evening, pay, now):
    from meetup.receipts.services.issuer import IssuerDetails, update_issuer

    pay(evening, user)
    update_issuer(host, evening.community_id, IssuerDetails("運営事務局", "東京都渋谷区", "T1234567890123"))
    first = issue_receipt(user, evening.id, "Aiko Tanaka 様", now=now)
    update_issuer(host, evening.community_id, IssuerDetails("New name", "", ""))
    copy = copy_receipt(user, evening.id)
    assert copy.id == first.id
    assert (copy.issuer_name, copy.issuer_address, copy.invoice_number) == (
        "運営事務局",
        "東京都渋谷区",
        "T1234567890123",
    )
