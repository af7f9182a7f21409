"""The host's tables page in Chromium on a realistic evening (the demo's
tonight: 18 people at 4 tables, 3 rounds): one press forms tables once, the
result reads as a sentence, and on a phone the round in progress comes first."""

import json
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from meetup.demo import DEMO_PASSWORD, TONIGHT_TITLE, load_demo
from meetup.events.models import Event, Registration
from meetup.events.services.checkin import check_in
from meetup.extensions import db
from meetup.seating.models import RoundStart, Seating
from tests import clock
from tests.browser.conftest import fits, log_in, screenshot
from tests.conftest import end_own_transaction, read_afresh

pytestmark = pytest.mark.browser

LAPTOP_1280 = {"width": 1280, "height": 900}

# Logs, after each submit, whether it was stopped and what the page shows;
# and submits the form again (Enter, or a script) once, shortly after the first.
REPORT_EVERY_SUBMIT = """() => {
  const form = document.querySelector("[data-forms-tables]");
  form.addEventListener("submit", () => setTimeout(() => form.requestSubmit(), 50), {once: true});
  document.addEventListener("submit", (event) => console.log(JSON.stringify({
    prevented: event.defaultPrevented,
    disabled: form.querySelector("button").disabled,
    status: document.getElementById("forming-status").textContent,
  })));
}"""


def tonight_with_everyone_in() -> Event:
    load_demo()
    event = db.session.scalar(select(Event).where(Event.title == TONIGHT_TITLE))
    event.table_size, event.table_count = None, 4
    for registration in db.session.scalars(select(Registration).where(Registration.event_id == event.id)):
        check_in(event.host, event.id, registration.id, now=clock.NOW)
    db.session.commit()
    return event


def seatings_of(event_id: int) -> int:
    """Versions of the event's seating, as committed; the server may write next."""
    read_afresh()
    count = db.session.scalar(select(func.count()).select_from(Seating).where(Seating.event_id == event_id))
    end_own_transaction()
    return count


def test_one_press_forms_tables_once_and_says_what_they_do(live_server, laptop):
    event = tonight_with_everyone_in()
    event_id = event.id
    page = laptop
    page.set_viewport_size(LAPTOP_1280)
    log_in(page, live_server, "host@example.com", DEMO_PASSWORD)
    page.goto(f"{live_server}/events/{event_id}/tables")

    # The page reports, from inside, what it shows at each submit: while it
    # waits for the answer Playwright cannot read it. The request is held, as a
    # slow search would hold it, and the page tries to submit again meanwhile.
    reports = []

    def report(message):
        reports.append(json.loads(message.text))

    page.on("console", report)
    page.evaluate(REPORT_EVERY_SUBMIT)
    held = []
    page.route("**/tables/form", lambda route: held.append(route))
    button = page.get_by_role("button", name="Form tables", exact=True)
    box = button.bounding_box()
    try:
        button.click(no_wait_after=True)
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # a second press
        for _ in range(50):
            if len(reports) == 2 and held:
                break
            page.wait_for_timeout(100)
    finally:
        for route in held:
            route.continue_()
        page.unroute("**/tables/form")
        page.remove_listener("console", report)
    sent, again = reports
    assert not sent["prevented"] and sent["disabled"]
    assert re.fullmatch(r"Forming tables… this takes about \d+ seconds?\.", sent["status"])
    assert again["prevented"]
    assert len(held) == 1

    expect(page.get_by_text("Tables are formed. Check them, then publish.")).to_be_visible()
    assert seatings_of(event_id) == 1
    summary = page.locator(".seating-summary")
    expect(summary).to_have_text(re.compile(r"pairs? who asked to meet again (is|are) reunited, .*\.$"))
    expect(page.locator(".score-details dl")).not_to_be_visible()  # the score is a detail
    expect(page.locator("#round-1 .table-card")).to_have_count(4)
    expect(page.get_by_role("navigation", name="Jump to a round").get_by_role("link")).to_have_text(
        ["Round 1", "Round 2", "Round 3"]
    )
    screenshot(page, "laptop-1280-tables-formed")

    page.get_by_role("button", name="日本語").click()
    expect(summary).to_have_text(re.compile(r"「また会いたい」が一致した\d+組が再会、.*。$"))
    screenshot(page, "laptop-1280-tables-formed-ja")
    page.get_by_role("button", name="English").click()
    expect(summary).to_contain_text("asked to meet again")


def test_on_a_phone_the_round_in_progress_comes_first(live_server, phone):
    event = tonight_with_everyone_in()
    event_id, starts_at = event.id, event.starts_at
    from meetup.seating.services import forming

    forming.form_tables(event.host, event_id)
    for round_, minutes in ((0, 5), (1, 35)):
        db.session.add(RoundStart(event_id=event_id, round=round_, started_at=starts_at + timedelta(minutes=minutes)))
    db.session.commit()
    clock.move_to(starts_at + timedelta(minutes=40))

    page = phone
    log_in(page, live_server, "host@example.com", DEMO_PASSWORD)
    page.goto(f"{live_server}/events/{event_id}/tables")
    rounds = page.locator("section.round h2")
    expect(rounds).to_have_text([re.compile(r"^Round 2\s+now$"), "Round 1", "Round 3"])
    fits(page)
    screenshot(page, "phone-tables-round-2-now")

    # The jump links stay on screen and take the host to a round.
    page.get_by_role("navigation", name="Jump to a round").get_by_role("link", name="Round 3").click()
    expect(page).to_have_url(re.compile(r"#round-3$"))
    expect(page.get_by_role("navigation", name="Jump to a round")).to_be_in_viewport()
    expect(page.locator("#round-3-title")).to_be_in_viewport()

    page.get_by_role("button", name="日本語").click()
    expect(rounds.first).to_have_text(re.compile(r"^ラウンド2\s+進行中$"))
    screenshot(page, "phone-tables-round-2-now-ja")
    page.get_by_role("button", name="English").click()
    expect(rounds.first).to_contain_text("Round 2")
