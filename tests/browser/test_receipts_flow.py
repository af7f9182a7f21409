"""Receipts in Chromium: an attendee who paid at the door types the addressee
on the event page and downloads the PDF; the page then shows its number and
offers copies (再発行); the host downloads the evening's receipts from the dashboard."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from meetup.events.models import CASH
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in
from meetup.events.services.registration import register
from meetup.extensions import db
from tests.browser.conftest import log_in, screenshot, sign_up_people
from tests.clock import NOW
from tests.events.helpers import event_details
from tests.receipts.conftest import pdf_text

pytestmark = pytest.mark.browser

PEOPLE = {
    "host": ("host@example.com", "Emi Host", "sme-consultant"),
    "aiko": ("aiko@example.com", "Aiko Tanaka", "tax-accountant"),
}


@pytest.fixture
def paid_evening(committing_app):
    """Tonight's ¥3,000 mixer: Aiko came in and paid in cash."""
    people = sign_up_people(PEOPLE)
    host = people["host"]
    event = hosting.create_event(host, event_details(NOW, starts_at=NOW + timedelta(hours=1)), now=NOW)
    event.fee_yen = 3000
    db.session.commit()
    hosting.publish_event(host, event.id, now=NOW)
    registration = register(people["aiko"], event.id, goals=["learn"], intro="", acknowledged=True, now=NOW)
    check_in(host, event.id, registration.id, now=NOW, payment=CASH)
    return event.id


def test_an_attendee_downloads_their_receipt_then_copies(live_server, paid_evening, phone):
    log_in(phone, live_server, "aiko@example.com")
    phone.goto(f"{live_server}/events/{paid_evening}")
    addressee = phone.get_by_label("Made out to")
    expect(addressee).to_have_value("Aiko Tanaka 様")
    screenshot(phone, "receipt-on-the-event-page")
    addressee.fill("株式会社サンプル 御中")
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Issue the receipt (PDF)").click()
    assert download.value.suggested_filename.endswith("-1.pdf")
    (text,) = pdf_text(download.value.path().read_bytes())
    assert "株式会社サンプル 御中" in text and "再発行" not in text

    phone.reload()
    expect(phone.get_by_text("No. 1")).to_be_visible()
    with phone.expect_download() as copy:
        phone.get_by_role("button", name="Download a copy (PDF, marked 再発行)").click()
    (text,) = pdf_text(copy.value.path().read_bytes())
    assert "再発行" in text and "株式会社サンプル 御中" in text


def test_the_host_downloads_every_receipt_from_the_dashboard(live_server, paid_evening, laptop):
    log_in(laptop, live_server, "host@example.com")
    laptop.goto(f"{live_server}/events/{paid_evening}/dashboard")
    with laptop.expect_download() as download:
        laptop.get_by_role("button", name="Download all receipts (PDF)").click()
    (text,) = pdf_text(download.value.path().read_bytes())
    assert "Aiko Tanaka 様" in text and "No. 1" in text
