"""The lottery in Chromium, on the demo's two lottery evenings: a member applies
from the event page, the page shows the applications and the draw time, and
the host reads the form, the dashboard and the draw record; each page at
390 px and 1,280 px, in English and Japanese, checked by axe-core
(conftest.screenshot)."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from meetup.demo import DEMO_PASSWORD, LOTTERY_DRAWN_TITLE, LOTTERY_OPEN_TITLE, MEMBERS, load_demo
from meetup.events.models import Event
from meetup.extensions import db
from tests.browser.conftest import LAPTOP, PHONE, log_in, on_the_servers_clock, screenshot

pytestmark = pytest.mark.browser

SIZES = {"phone": PHONE, "laptop": {**LAPTOP, "width": 1280}}
LANGUAGES = {"en": "English", "ja": "日本語"}


def evening(title: str) -> int:
    return db.session.scalar(select(Event.id).where(Event.title == title))


def choose_language(page, base, language):
    page.goto(base + "/events/")
    button = page.get_by_role("button", name=LANGUAGES[language])
    if button.count():
        button.first.click()


def switch_user(page, base, email, language):
    """Log in as ``email`` (the log-in helper reads English labels), then read in ``language``."""
    choose_language(page, base, "en")
    log_in(page, base, email, DEMO_PASSWORD)
    choose_language(page, base, language)


@pytest.mark.parametrize("size", sorted(SIZES))
def test_a_member_applies_and_the_host_reads_the_draw(live_server, browser, size):
    load_demo()
    open_id, drawn_id = evening(LOTTERY_OPEN_TITLE), evening(LOTTERY_DRAWN_TITLE)
    db.session.remove()
    for language in LANGUAGES:
        context = on_the_servers_clock(browser.new_context(viewport=SIZES[size], locale="en-GB"))
        page = context.new_page()
        page.set_default_timeout(10_000)
        choose_language(page, live_server, language)
        page.goto(f"{live_server}/events/{open_id}")
        expect(page.locator("dd.seat-count")).to_contain_text("抽選" if language == "ja" else "Lottery:")
        screenshot(page, f"lottery-event-open-anonymous-{size}-{language}")

        applicant = MEMBERS[0 if language == "en" else 1][0]  # neither applied in the demo
        switch_user(page, live_server, applicant, language)
        page.goto(f"{live_server}/events/{open_id}/register")
        screenshot(page, f"lottery-apply-form-{size}-{language}")
        page.locator("input[name=goals]").first.check()
        page.locator("input[name=acknowledge]").check()
        page.get_by_role("button", name="応募する" if language == "ja" else "Apply").click()
        expect(page.locator("p.status.applied")).to_be_visible()
        screenshot(page, f"lottery-event-applied-{size}-{language}")

        switch_user(page, live_server, "host@example.com", language)
        page.goto(f"{live_server}/events/{drawn_id}/draw")
        expect(page.locator("code.seed")).to_be_visible()
        screenshot(page, f"lottery-draw-record-{size}-{language}")
        page.goto(f"{live_server}/events/{open_id}/draw")
        screenshot(page, f"lottery-draw-pending-{size}-{language}")
        page.goto(f"{live_server}/events/{open_id}/dashboard")
        screenshot(page, f"lottery-dashboard-{size}-{language}")
        page.goto(f"{live_server}/events/{open_id}/edit")
        page.locator("#draw_at").fill("")
        page.get_by_role("button", name="変更を保存" if language == "ja" else "Save changes").click()
        expect(page.locator("#draw_at-errors")).to_be_visible()
        screenshot(page, f"lottery-form-error-{size}-{language}")
        page.goto(f"{live_server}/events/{drawn_id}")
        screenshot(page, f"lottery-event-drawn-{size}-{language}")
        context.close()
