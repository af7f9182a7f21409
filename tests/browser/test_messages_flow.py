"""Writing to attendees in Chromium: the message box counts down the characters
left as the host types, in the host's language, instead of stopping the typing
at the limit without a word."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from meetup.events.models import MESSAGE_BODY_MAX
from meetup.events.services import events as hosting
from meetup.extensions import db
from tests.browser.conftest import PHONE, fits, log_in, screenshot, sign_up_people
from tests.clock import NOW
from tests.events.helpers import event_details

pytestmark = pytest.mark.browser

NEWS = "The room has moved to the 4th floor."


@pytest.mark.parametrize(
    ("language", "label", "left"),
    [("en", "Message", "Characters left: {n}"), ("ja", "本文", "残り{n}文字")],
)
def test_the_message_box_counts_the_characters_left(live_server, phone, committing_app, language, label, left):
    host = sign_up_people({"host": ("emi.host@example.com", "Emi Yamamoto", "sme-consultant")})["host"]
    event = hosting.create_event(host, event_details(NOW, starts_at=NOW + timedelta(days=2)), now=NOW)
    hosting.publish_event(host, event.id, now=NOW)
    db.session.commit()
    page = phone
    log_in(page, live_server, "emi.host@example.com")
    if language == "ja":
        page.get_by_role("button", name="日本語").click()
        expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.goto(f"{live_server}/events/{event.id}/messages")
    counter = page.locator("#body-count")
    expect(counter).to_have_text(left.format(n=f"{MESSAGE_BODY_MAX:,}"))
    page.get_by_label(label, exact=True).fill(NEWS)
    expect(counter).to_have_text(left.format(n=f"{MESSAGE_BODY_MAX - len(NEWS):,}"))
    assert "body-count" in page.get_by_label(label, exact=True).get_attribute("aria-describedby")
    for name, size in (("390", PHONE), ("1280", {"width": 1280, "height": 900})):
        page.set_viewport_size(size)
        fits(page)
        screenshot(page, f"messages-counter-{language}-{name}")
