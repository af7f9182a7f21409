"""The evening end to end in Chromium: a host publishes an event, people
register (one forgets the code of conduct), the last one waits, is promoted
when someone cancels and gets the mail, and the host checks people in at
the door on a phone."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from meetup.events.timezones import to_local
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from tests.browser.conftest import (
    LAPTOP,
    PHONE,
    fits,
    log_in,
    log_out,
    on_the_servers_clock,
    screenshot,
    sign_up_people,
)
from tests.clock import NOW

pytestmark = pytest.mark.browser

PEOPLE = {
    "host": ("emi.host@example.com", "Emi Yamamoto", "sme-consultant"),
    "aiko": ("aiko@example.com", "Aiko Tanaka", "tax-accountant"),
    "kenji": ("kenji@example.com", "Kenji Sato", "lawyer"),
    "sakura": ("sakura@example.com", "Sakura Kato", "design"),
    "daniel": ("daniel@example.com", "Daniel Kim", "hospitality"),
}


@pytest.fixture
def people(committing_app):
    return sign_up_people(PEOPLE)


def register(page, base, event_path, who, tick=True):
    log_in(page, base, PEOPLE[who][0])
    page.goto(base + event_path)
    page.locator(".register-box").get_by_role("link").first.click()
    page.get_by_label("Learn from other industries").check()
    page.get_by_label("One line for your tablemates").fill(f"{PEOPLE[who][1]} would like to meet designers")
    if tick:
        page.get_by_label("I have read the code of conduct and will follow it.").check()
    page.get_by_role("button", name="Register").or_(page.get_by_role("button", name="Join the waitlist")).click()


def both_sizes(page, name):
    """Screenshot the current page on a laptop and on a phone, and check it fits both."""
    for label, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        fits(page)
        screenshot(page, f"{label}-{name}")


def test_host_publishes_people_register_wait_get_promoted_and_are_checked_in(
    live_server, browser, laptop, phone, people, smtp_server
):
    base = live_server
    host = laptop
    log_in(host, base, PEOPLE["host"][0])

    # The host creates the evening (in two hours, so the door can open) and publishes it.
    start = to_local(NOW + timedelta(hours=2), "Asia/Tokyo").replace(second=0, microsecond=0)
    host.get_by_role("link", name="Events", exact=True).click()
    host.get_by_role("link", name="Host an event").click()
    host.get_by_label("Title").fill("Shibuya professionals' mixer")
    host.get_by_label("Theme").fill("士業交流会")
    host.get_by_label("Description").fill("Tax accountants, lawyers and everyone else. Three rounds, tables of four.")
    host.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT%H:%M"))
    host.get_by_label("Ends").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    host.get_by_label("Venue address").fill("Shibuya Hikarie 8F, Tokyo")
    host.get_by_label("Area").select_option("13")
    host.get_by_label("Capacity").fill("3")
    host.get_by_label("People per table").check()
    host.get_by_label("How many").fill("4")
    host.get_by_label("Goals of your own").fill("Find a study partner")
    host.get_by_role("button", name="Save draft").click()
    expect(host.get_by_text("Your draft is saved.")).to_be_visible()
    host.get_by_role("button", name="Publish").click()
    expect(host.get_by_text("Published. People can now register.")).to_be_visible()
    event_path = host.url.replace(base, "").replace("/dashboard", "")

    # Aiko forgets to accept the code of conduct: refused, told why, nothing saved.
    attendee = phone
    register(attendee, base, event_path, "aiko", tick=False)
    # The summary of problems takes the focus, so a screen reader reads it first;
    # its link puts the cursor on the box to tick, with the code of conduct above it.
    summary = attendee.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is 1 problem with your answers")
    expect(attendee.get_by_text("No selling.")).to_be_visible()
    fits(attendee)
    screenshot(attendee, "phone-register-refused")
    summary.get_by_role("link", name="Please read the code of conduct and tick the box to accept it.").click()
    acknowledge = attendee.get_by_label("I have read the code of conduct and will follow it.")
    expect(acknowledge).to_be_focused()
    expect(acknowledge).not_to_be_checked()
    expect(attendee.get_by_label("One line for your tablemates")).to_have_value(
        "Aiko Tanaka would like to meet designers"
    )
    acknowledge.check()
    attendee.get_by_role("button", name="Register").click()
    expect(attendee.get_by_text("You are registered. Your seat is confirmed.")).to_be_visible()
    log_out(attendee)

    for who in ("kenji", "sakura"):
        register(attendee, base, event_path, who)
        expect(attendee.get_by_text("Your seat is confirmed.").first).to_be_visible()
        log_out(attendee)

    # The fourth person lands on the waitlist and sees their place.
    register(attendee, base, event_path, "daniel")
    expect(attendee.get_by_text("you are on the waitlist, number 1")).to_be_visible()
    both_sizes(attendee, "event-page-waitlisted")
    attendee.set_viewport_size(PHONE)
    log_out(attendee)

    # Aiko cancels; Daniel gets her seat at once, and the mail says so.
    log_in(attendee, base, PEOPLE["aiko"][0])
    attendee.goto(base + event_path)
    attendee.get_by_role("link", name="Cancel my registration…").click()
    # First what will happen; the POST from this page is the second step.
    expect(attendee.get_by_role("heading", name="Cancel your registration?")).to_be_visible()
    expect(attendee.get_by_text("Your seat goes to the next person waiting")).to_be_visible()
    both_sizes(attendee, "cancel-registration-confirm")
    attendee.set_viewport_size(PHONE)
    attendee.get_by_role("button", name="Yes, cancel my registration").click()
    expect(attendee.get_by_text("Your registration is cancelled.")).to_be_visible()
    log_out(attendee)

    promoted = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "registration-promoted")).all()
    assert [m.recipient_email for m in promoted] == ["daniel@example.com"]
    from meetup.mail.services.sender import send_pending

    send_pending()
    delivered = [m for m in smtp_server.messages if m["To"] == "daniel@example.com"]
    assert any(m["Subject"] == "A seat is yours: Shibuya professionals' mixer" for m in delivered)

    log_in(attendee, base, PEOPLE["daniel"][0])
    attendee.goto(base + "/events/mine")
    expect(attendee.get_by_text("Seat confirmed")).to_be_visible()
    log_out(attendee)

    # The host's dashboard, then the door on a phone.
    host.goto(base + event_path + "/dashboard")
    expect(host.get_by_text("Daniel Kim", exact=True)).to_be_visible()
    both_sizes(host, "event-dashboard")

    door = on_the_servers_clock(
        browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-GB")
    ).new_page()
    door.set_default_timeout(10_000)
    log_in(door, base, PEOPLE["host"][0])
    door.goto(base + event_path + "/check-in")
    expect(door.get_by_text("0 of 3 checked in")).to_be_visible()
    expect(door.get_by_text("Kenji Sato")).to_have_count(0)  # nothing shown before a search
    door.get_by_label("Find a name").fill("dan")
    door.get_by_role("button", name="Search").click()
    expect(door.get_by_text("Daniel Kim", exact=True)).to_be_visible()
    door.get_by_role("button", name="Mark present").click()
    expect(door.get_by_text("Daniel Kim is checked in.")).to_be_visible()
    expect(door.get_by_text("1 of 3 checked in")).to_be_visible()
    door.get_by_role("button", name="Undo").click()
    expect(door.get_by_text("Check-in undone for Daniel Kim.")).to_be_visible()
    door.get_by_role("button", name="Mark present").click()
    expect(door.get_by_text("1 of 3 checked in")).to_be_visible()
    fits(door)
    screenshot(door, "phone-check-in")
    door.context.close()


def test_event_pages_fit_a_phone_and_a_laptop(live_server, laptop, people, now):
    from meetup.events.services import events as hosting
    from meetup.events.services.registration import register as register_seat
    from tests.events.helpers import event_details

    event = hosting.create_event(
        people["host"],
        event_details(now, conduct_extra="No photos without asking.", custom_goals=["Find a study partner"]),
        now=now,
    )
    hosting.publish_event(people["host"], event.id, now=now)
    register_seat(
        people["kenji"], event.id, goals=["learn"], intro="Meet people outside law", acknowledged=True, now=now
    )
    page = laptop
    log_in(page, live_server, PEOPLE["aiko"][0])
    for path, name in (
        (f"/events/{event.id}", "event-page"),
        (f"/events/{event.id}/register", "register-form"),
        ("/events/", "event-list"),
        ("/events/mine", "my-events"),
    ):
        page.goto(live_server + path)
        both_sizes(page, name)
        page.set_viewport_size(LAPTOP)
    log_out(page)
    log_in(page, live_server, PEOPLE["host"][0])
    page.goto(live_server + "/events/new")
    both_sizes(page, "event-form")
