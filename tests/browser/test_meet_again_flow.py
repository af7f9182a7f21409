"""Meet again end to end in Chromium: after an evening, Aiko and Kenji tick
each other, Sakura ticks Daniel, who does not tick back. When the window
closes, Aiko and Kenji see each other's shared contact details and get mail;
Daniel sees no trace of Sakura's choice; at the next event Aiko and Kenji
are seated together."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from meetup.accounts.models import ContactDetails
from meetup.accounts.services import settings
from meetup.events.models import Event
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in
from meetup.events.services.registration import register
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import forming, publishing
from tests.browser.conftest import log_in, log_out, open_menu, screenshot, sign_up_people
from tests.clock import NOW
from tests.events.helpers import event_details

pytestmark = pytest.mark.browser

PEOPLE = {
    "host": ("emi.host@example.com", "Emi Yamamoto", "sme-consultant"),
    "aiko": ("aiko@example.com", "Aiko Tanaka", "tax-accountant"),
    "kenji": ("kenji@example.com", "Kenji Sato", "lawyer"),
    "sakura": ("sakura@example.com", "Sakura Kato", "design"),
    "daniel": ("daniel@example.com", "Daniel Kim", "hospitality"),
    "yui": ("yui@example.com", "Yui Nakamura", "education"),
    "taro": ("taro@example.com", "Taro Suzuki", "restaurant"),
    "mei": ("mei@example.com", "Mei Watanabe", "it"),
    "ken": ("ken@example.com", "Ken Ito", "real-estate"),
}
PHONES = {"aiko": "090-1111-2222", "kenji": "080-3333-4444", "sakura": "070-5555-6666", "daniel": "090-7777-8888"}


def _contacts(phone):
    return {"phone": phone, "phone_shared": True, "line_id": "private-line", "line_id_shared": False}


@pytest.fixture
def people(committing_app):
    made = sign_up_people(PEOPLE)
    for key, phone in PHONES.items():
        settings.update_contacts(made[key], _contacts(phone))
    db.session.commit()
    return made


def evening(people, who, *, title, rounds, publish=True):
    """An evening by the host with ``who`` checked in, tables formed (and published)."""
    now = NOW
    host = people["host"]
    event = hosting.create_event(
        host,
        event_details(
            now,
            title=title,
            starts_at=now + timedelta(hours=1),
            table_size=4,
            rounds=rounds,
            registration_deadline=None,
        ),
        now=now,
    )
    hosting.publish_event(host, event.id, now=now)
    for key in who:
        registration = register(
            people[key], event.id, goals=["learn"], intro=f"{PEOPLE[key][1]}: new to mixers", acknowledged=True, now=now
        )
        check_in(host, event.id, registration.id, now=now)
    forming.form_tables(host, event.id)
    if publish:
        publishing.publish(host, event.id, now=now)
    return event.id


def shift(event_id, delta):
    event = db.session.get(Event, event_id)
    event.starts_at, event.ends_at = event.starts_at + delta, event.ends_at + delta
    event.registration_deadline = event.registration_deadline + delta
    db.session.commit()


def choose(page, base, event_id, who, *names):
    log_in(page, base, PEOPLE[who][0])
    page.goto(base + "/events/mine")
    page.get_by_role("link", name="Meet again?").first.click()
    expect(page.get_by_role("heading", name="Meet again?")).to_be_visible()
    for name in names:
        page.locator("li.choice", has_text=name).get_by_label("I'd like to meet again").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("Saved. Nobody is told anything now")).to_be_visible()
    expect(page.get_by_text("It's a match")).to_have_count(0)


def test_mutual_choices_become_a_match_one_sided_ones_leave_no_trace(
    committing_app, live_server, phone, laptop, people, smtp_server
):
    base = live_server
    first = evening(people, ["aiko", "kenji", "sakura", "daniel"], title="Shibuya cross-industry mixer", rounds=1)
    shift(first, timedelta(hours=-2))  # the evening started an hour ago: the window is open

    choose(phone, base, first, "aiko", "Kenji Sato")
    phone.locator("li.choice", has_text="Kenji Sato").get_by_role("link", name="Write a private note").click()
    phone.get_by_label("Private note").fill("Kenji: labour law for small shops. Ask about part-time contracts.")
    phone.get_by_role("button", name="Save note").click()
    expect(phone.get_by_text("Note saved. Only you can see it.")).to_be_visible()
    expect(phone.locator("li.choice", has_text="Kenji Sato").locator(".private-note")).to_contain_text("labour law")
    screenshot(phone, "phone-meet-again")
    log_out(phone)
    choose(laptop, base, first, "kenji", "Aiko Tanaka")
    screenshot(laptop, "laptop-meet-again")
    log_out(laptop)
    choose(laptop, base, first, "sakura", "Daniel Kim")
    log_out(laptop)

    # The window closes; the worker reveals and sends.
    shift(first, timedelta(days=-4))
    result = committing_app.test_cli_runner().invoke(args=["worker", "--once"])
    assert f"reveal for event {first}: 1 done." in result.output, result.output
    people.update({key: db.session.merge(person) for key, person in people.items()})  # each tick starts afresh
    db.session.commit()  # and ends the read, which on SQLite holds the write lock
    news = {m["To"]: m for m in smtp_server.messages if "would both like to meet again" in m["Subject"]}
    assert set(news) == {"aiko@example.com", "kenji@example.com"}
    assert "Kenji Sato" in news["aiko@example.com"]["Subject"]
    assert all(
        m["To"] not in ("sakura@example.com", "daniel@example.com")
        for m in smtp_server.messages
        if "meet again" in m["Subject"].lower()
    )

    log_in(phone, base, PEOPLE["aiko"][0])
    open_menu(phone)
    phone.get_by_role("link", name="Matches").click()
    match = phone.locator("li.match", has_text="Kenji Sato")
    expect(match).to_contain_text(PHONES["kenji"])
    expect(match).to_contain_text("Shibuya cross-industry mixer")
    expect(match).not_to_contain_text("private-line")
    expect(phone.locator("li.match")).to_have_count(1)
    screenshot(phone, "phone-matches")
    log_out(phone)
    log_in(laptop, base, PEOPLE["kenji"][0])
    laptop.get_by_role("link", name="Matches").click()
    expect(laptop.locator("li.match", has_text="Aiko Tanaka")).to_contain_text(PHONES["aiko"])
    screenshot(laptop, "laptop-matches")
    log_out(laptop)

    # Daniel: nothing anywhere says Sakura chose him.
    log_in(laptop, base, PEOPLE["daniel"][0])
    for path in (
        "/matches",
        "/people",
        "/events/mine",
        f"/events/{first}",
        f"/events/{first}/meet-again",
        f"/events/{first}/my-tables",
    ):
        laptop.goto(base + path)
        text = laptop.locator("main").inner_text()
        assert PHONES["sakura"] not in text and "chose you" not in text.lower()
    laptop.goto(base + "/matches")
    expect(laptop.get_by_text("No matches yet")).to_be_visible()
    laptop.goto(base + "/people")
    screenshot(laptop, "laptop-people-met")
    log_out(laptop)
    daniel_mail = db.session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.recipient_email == "daniel@example.com")
    ).all()
    assert set(daniel_mail) == {"registration-confirmed", "tables-published"}  # no match, no hint of one

    # Next month: Aiko and Kenji are reunited at a table, and Aiko's note is there.
    second = evening(
        people,
        ["aiko", "kenji", "sakura", "daniel", "yui", "taro", "mei", "ken"],
        title="Shibuya mixer, next month",
        rounds=2,
    )
    published = table_queries.current_seatings(second)[1]
    aiko, kenji = people["aiko"].id, people["kenji"].id
    assert any(aiko in table and kenji in table for tables in table_queries.grid(published) for table in tables)
    shift(second, timedelta(hours=-2))
    log_in(phone, base, PEOPLE["aiko"][0])
    phone.goto(base + f"/events/{second}/my-tables")
    expect(phone.locator(".tablemate", has_text="Kenji Sato").first.locator(".private-note")).to_contain_text(
        "part-time contracts"
    )
    screenshot(phone, "phone-my-tables-with-note")


def _contacts_of(user_id) -> dict:
    """What the database holds now; the read ends at once, so the server's next write does not wait for it."""
    db.session.expire_all()
    details = db.session.get(ContactDetails, user_id)
    values = {"website": details.website, "line_id_shared": details.line_id_shared}
    db.session.rollback()
    return values


def test_ticks_save_as_they_are_made_and_a_refused_one_is_never_lost_quietly(
    committing_app, live_server, phone, people
):
    base = live_server
    first = evening(people, ["aiko", "kenji", "sakura", "daniel"], title="Shibuya cross-industry mixer", rounds=1)
    shift(first, timedelta(hours=-2))
    log_in(phone, base, PEOPLE["aiko"][0])
    phone.goto(base + f"/events/{first}/meet-again")
    status = phone.locator("[data-save-status]")
    share = phone.get_by_role("group", name="What you share if it is mutual")
    expect(share).to_be_hidden()  # asked once someone is ticked

    # A tick is saved at once, without the button, and the sharing question appears, prefilled.
    kenji = phone.locator("li.choice", has_text="Kenji Sato")
    kenji.get_by_label("I'd like to meet again").check()
    expect(kenji.locator(".choice-state")).to_have_text("Saved")
    expect(status).to_have_text(re.compile("^Saved. Nobody is told anything now"))
    expect(share).to_be_visible()
    expect(share.get_by_label("Phone")).to_have_value(PHONES["aiko"])
    expect(
        share.locator(".contact-row", has=phone.get_by_label("Phone")).get_by_label("Show to my matches")
    ).to_be_checked()
    expect(
        share.locator(".contact-row", has=phone.get_by_label("LINE ID")).get_by_label("Show to my matches")
    ).not_to_be_checked()
    screenshot(phone, "phone-meet-again-share")
    phone.reload()
    expect(phone.locator("li.choice", has_text="Kenji Sato").get_by_label("I'd like to meet again")).to_be_checked()

    # A contact field is saved when it changes; a bad one says why, next to the field, and saves nothing.
    line = share.locator(".contact-row", has=phone.get_by_label("LINE ID"))
    line.get_by_label("Show to my matches").check()
    expect(status).to_have_text(re.compile("^Saved."))
    assert _contacts_of(people["aiko"].id)["line_id_shared"]
    share.get_by_label("Website").fill("not a web address")
    share.get_by_label("Website").blur()
    expect(status).to_have_text("Nothing was saved: check your contact details.")
    expect(share.locator(".field.invalid")).to_contain_text("https://")
    assert _contacts_of(people["aiko"].id)["website"] == ""
    share.get_by_label("Website").fill("https://aiko-tax.example.jp")
    share.get_by_label("Website").blur()
    expect(status).to_have_text(re.compile("^Saved."))
    expect(share.locator(".field.invalid")).to_have_count(0)
    assert _contacts_of(people["aiko"].id)["website"] == "https://aiko-tax.example.jp"

    # The window closes while the page is open: the next tick is refused, visibly, and leaving asks first.
    shift(first, timedelta(days=-4))
    sakura = phone.locator("li.choice", has_text="Sakura Kato")
    sakura.get_by_label("I'd like to meet again").check()
    expect(status).to_have_text("The meet-again window for this event has closed; choices are final.")
    expect(sakura).to_contain_text("Not saved")
    expect(sakura.get_by_label("I'd like to meet again")).to_have_accessible_description("Not saved")
    screenshot(phone, "phone-meet-again-refused")
    dialogs = []
    phone.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    phone.get_by_role("link", name="Shibuya cross-industry mixer").click()
    phone.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert phone.url.endswith(f"/events/{first}/meet-again")  # stayed: the unsaved tick is still on screen
    expect(sakura.get_by_label("I'd like to meet again")).to_be_checked()
