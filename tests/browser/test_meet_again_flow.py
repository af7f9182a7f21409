"""Meet again end to end in Chromium: after an evening, Aiko and Kenji tick
each other, Sakura ticks Daniel, who does not tick back. When the window
closes, Aiko and Kenji see each other's shared contact details and get mail;
Daniel sees no trace of Sakura's choice; at the next event Aiko and Kenji
are seated together."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from meetup.accounts import services as accounts
from meetup.events.models import Event
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in
from meetup.events.services.registration import register
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.seating import queries as seating_queries
from meetup.seating import services as seating
from meetup.seating.queries import grid
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
        accounts.update_contacts(made[key], _contacts(phone))
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
    seating.form_tables(host, event.id)
    if publish:
        seating.publish(host, event.id, now=now)
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
    assert set(daniel_mail) == {"registration-confirmed"}

    # Next month: Aiko and Kenji are reunited at a table, and Aiko's note is there.
    second = evening(
        people,
        ["aiko", "kenji", "sakura", "daniel", "yui", "taro", "mei", "ken"],
        title="Shibuya mixer, next month",
        rounds=2,
    )
    published = seating_queries.current_seatings(second)[1]
    aiko, kenji = people["aiko"].id, people["kenji"].id
    assert any(aiko in table and kenji in table for tables in grid(published) for table in tables)
    shift(second, timedelta(hours=-2))
    log_in(phone, base, PEOPLE["aiko"][0])
    phone.goto(base + f"/events/{second}/my-tables")
    expect(phone.locator(".tablemate", has_text="Kenji Sato").first.locator(".private-note")).to_contain_text(
        "part-time contracts"
    )
    screenshot(phone, "phone-my-tables-with-note")
