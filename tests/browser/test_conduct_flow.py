"""The code of conduct in practice, in Chromium: after an evening an attendee
reports a seller from My tables, the host warns him (the mail arrives over
SMTP and names nobody) and then bans him, he is refused politely at the
host's next event, and a pair one of them blocked is never seated together
when the next tables are formed. Screenshots of every conduct and admin page
on a phone and a laptop."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from meetup.accounts.models import User
from meetup.accounts.services import settings, signups
from meetup.events.models import Event
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in
from meetup.events.services.registration import register
from meetup.extensions import db
from meetup.mail.services.sender import send_pending
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import forming, publishing
from meetup.timeutil import utcnow
from tests.browser.conftest import LAPTOP, PHONE, fits, log_in, screenshot, sign_up_people
from tests.clock import NOW
from tests.conftest import PASSWORD
from tests.events.helpers import event_details

pytestmark = pytest.mark.browser

PEOPLE = {
    "host": ("emi.host@example.com", "Emi Yamamoto", "sme-consultant"),
    "aiko": ("aiko@example.com", "Aiko Tanaka", "tax-accountant"),
    "ken": ("ken@example.com", "Ken Seller", "insurance"),
    "sakura": ("sakura@example.com", "Sakura Kato", "design"),
    "daniel": ("daniel@example.com", "Daniel Kim", "hospitality"),
}


@pytest.fixture
def evening_over(committing_app):
    """Last night's evening (one table of four, everyone checked in, tables
    published) and next month's event by the same host, both published."""
    people = sign_up_people(PEOPLE)
    host, now = people["host"], NOW
    event = hosting.create_event(
        host,
        event_details(
            now,
            title="Shibuya cross-industry mixer",
            starts_at=now + timedelta(hours=1),
            table_size=4,
            rounds=1,
            registration_deadline=None,
        ),
        now=now,
    )
    hosting.publish_event(host, event.id, now=now)
    for key in ("aiko", "ken", "sakura", "daniel"):
        registration = register(
            people[key], event.id, goals=["learn"], intro=f"{PEOPLE[key][1]}, hello", acknowledged=True, now=now
        )
        check_in(host, event.id, registration.id, now=now)
    forming.form_tables(host, event.id)
    publishing.publish(host, event.id, now=now)
    evening = db.session.get(Event, event.id)  # it is over: it started five hours ago
    for name in ("starts_at", "ends_at", "registration_deadline"):
        setattr(evening, name, getattr(evening, name) - timedelta(hours=6))
    db.session.commit()
    next_month = hosting.create_event(
        host, event_details(now, title="Next month's mixer", table_size=4, rounds=2), now=now
    )
    hosting.publish_event(host, next_month.id, now=now)
    ids = {key: person.id for key, person in people.items()}, event.id, next_month.id
    db.session.remove()  # no read transaction left open while the server writes
    return ids


def both_sizes(page, name):
    """Screenshot the current page on a laptop and on a phone; it must not scroll sideways."""
    for label, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        fits(page)
        screenshot(page, f"{label}-{name}")


def test_report_warn_ban_refuse_and_block_keep_people_apart(live_server, laptop, phone, evening_over, smtp_server):
    base = live_server
    people, event_id, next_month_id = evening_over

    # Aiko, on her phone, reports Ken from My tables.
    log_in(phone, base, PEOPLE["aiko"][0])
    phone.goto(f"{base}/events/{event_id}/my-tables")
    phone.get_by_role("link", name="Report or block Ken Seller").click()
    expect(phone.get_by_role("heading", name="Ken Seller")).to_be_visible()
    both_sizes(phone, "conduct-person-card")
    phone.get_by_role("link", name="Report Ken Seller").click()
    phone.get_by_label("Selling or soliciting").check()
    phone.get_by_label("What happened?").fill(
        "Between rounds he handed out insurance leaflets and asked for my LINE to 'follow up'."
    )
    phone.get_by_label("Round (optional)").select_option(label="Round 1")
    both_sizes(phone, "conduct-report-form")
    phone.get_by_role("button", name="Send the report").click()
    expect(phone.get_by_text("Your report has gone to the host.")).to_be_visible()
    expect(phone.get_by_text("Waiting for the host")).to_be_visible()
    both_sizes(phone, "conduct-my-reports")
    phone.get_by_role("button", name="日本語").click()
    expect(phone.get_by_text("主催者の確認待ち")).to_be_visible()
    phone.goto(f"{base}/events/{event_id}/people/{people['ken']}")
    expect(phone.get_by_text("主催者に報告")).to_be_visible()
    both_sizes(phone, "conduct-person-card-ja")
    phone.get_by_role("button", name="English").click()

    # The host reads it in the event's queue and sends a warning.
    log_in(laptop, base, PEOPLE["host"][0])
    laptop.goto(f"{base}/events/{event_id}/dashboard")
    laptop.get_by_role("link", name="Reports").click()
    expect(laptop.get_by_text("handed out insurance leaflets")).to_be_visible()
    both_sizes(laptop, "conduct-queue-open")
    laptop.set_viewport_size(LAPTOP)
    laptop.get_by_role("link", name="Send a warning…").click()
    expect(laptop.get_by_text("It names nobody")).to_be_visible()
    laptop.get_by_role("button", name="Yes, send the warning").click()
    expect(laptop.get_by_text("Warning sent. It quotes the code of conduct")).to_be_visible()
    db.session.remove()
    delivery = send_pending()
    assert delivery.sent >= 2 and delivery.retried == delivery.set_aside == 0
    warnings = [
        m
        for m in smtp_server.messages
        if m["To"] == PEOPLE["ken"][0] and m["Subject"].startswith("A reminder about the code of conduct")
    ]
    assert len(warnings) == 1
    body = warnings[0].get_content()
    assert "code of conduct" in body and "No selling" in body
    assert "Aiko" not in body and "leaflets" not in body and "Round" not in body

    # Then bans him from her future events, with a note for the record.
    laptop.get_by_role("link", name="Ban from my future events…").click()
    expect(laptop.get_by_text("can no longer register for any of this community's evenings")).to_be_visible()
    both_sizes(laptop, "conduct-ban-confirm")
    laptop.set_viewport_size(LAPTOP)
    laptop.get_by_label("Note for the record (optional)").fill("Second complaint about selling this year")
    laptop.get_by_role("button", name="Yes, ban them").click()
    expect(laptop.get_by_text("Banned from this community's future evenings.")).to_be_visible()
    expect(laptop.get_by_text("Banned from this community's evenings")).to_be_visible()
    expect(laptop.get_by_text("Second complaint about selling this year")).to_be_visible()
    both_sizes(laptop, "conduct-queue-after-ban")

    # Ken is refused, politely, at the host's next event.
    log_in(phone, base, PEOPLE["ken"][0])
    phone.goto(f"{base}/events/{next_month_id}/register")
    expect(phone.get_by_text("the host of this event is not accepting registrations from you")).to_be_visible()
    expect(phone.get_by_role("button", name="Register")).to_have_count(0)
    both_sizes(phone, "conduct-banned-refusal")

    # Aiko blocks Daniel; next month both come, and the tables keep them apart.
    log_in(phone, base, PEOPLE["aiko"][0])
    phone.goto(f"{base}/events/{event_id}/people/{people['daniel']}")
    phone.get_by_role("button", name="Block Daniel Kim").click()
    expect(phone.get_by_text("They are not told.")).to_be_visible()
    phone.goto(f"{base}/conduct/blocked")
    expect(phone.get_by_text("Daniel Kim")).to_be_visible()
    both_sizes(phone, "conduct-blocked-people")

    now = utcnow()
    others = [
        signups.sign_up(
            email=f"guest{n}@example.com", password=PASSWORD, display_name=f"Guest {n}", industry="it", confirmed_at=NOW
        )
        for n in range(6)
    ]
    coming = [db.session.get(User, people[key]) for key in ("aiko", "daniel", "sakura")] + others
    for person in coming:
        register(person, next_month_id, goals=["learn"], intro="", acknowledged=True, now=now)
    db.session.remove()
    laptop.goto(f"{base}/events/{next_month_id}/tables")
    laptop.get_by_role("button", name="Form tables").click()
    expect(laptop.get_by_text("Tables are formed.")).to_be_visible()
    draft, _ = table_queries.current_seatings(next_month_id)
    pair = {people["aiko"], people["daniel"]}
    for tables in table_queries.grid(draft):
        for table in tables:
            assert not pair <= set(table)
    assert db.session.scalar(select(db.func.count()).select_from(Event)) == 2


def test_admin_pages_on_a_phone_and_a_laptop(live_server, laptop, evening_over):
    base = live_server
    settings.make_admin(PEOPLE["sakura"][0])
    log_in(laptop, base, PEOPLE["sakura"][0])
    laptop.get_by_role("link", name="Admin").click()
    expect(laptop.get_by_role("heading", name="Open reports")).to_be_visible()
    both_sizes(laptop, "admin-reports")
    for tab, name in (("Users", "admin-users"), ("Events", "admin-events"), ("Code of conduct", "admin-code")):
        laptop.set_viewport_size(LAPTOP)
        link = laptop.get_by_role("navigation", name="Site admin").get_by_role("link", name=tab)
        link.click()
        expect(link).to_have_attribute("aria-current", "page")
        both_sizes(laptop, name)
