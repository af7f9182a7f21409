"""Walk-ins in Chromium: the host adds people at the door on a phone (one
beyond capacity, by explicit choice), the walk-in claims their account from
the mailed link; and the event form's one table rule and fee, in English and
Japanese, at 390 and 1,280 px."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from meetup.events.services import events as hosting
from meetup.events.services.registration import register
from meetup.events.timezones import to_local
from meetup.extensions import db
from meetup.mail.services.sender import send_pending
from tests.browser.conftest import PHONE, fits, log_in, screenshot, sign_up_people
from tests.clock import NOW
from tests.events.helpers import event_details

pytestmark = pytest.mark.browser

LAPTOP_1280 = {"width": 1280, "height": 900}
PEOPLE = {
    "host": ("emi.host@example.com", "Emi Yamamoto", "sme-consultant"),
    "ja_host": ("kenta.host@example.com", "山本 健太", "labour-consultant"),
    "aiko": ("aiko@example.com", "Aiko Tanaka", "tax-accountant"),
    "kenji": ("kenji@example.com", "Kenji Sato", "lawyer"),
}


@pytest.fixture
def people(committing_app):
    return sign_up_people(PEOPLE)


def log_in_in_japanese(page, base, email):
    log_in(page, base, email)
    page.get_by_role("button", name="日本語").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")


def both_widths(page, name):
    for label, size in (("1280", LAPTOP_1280), ("390", PHONE)):
        page.set_viewport_size(size)
        fits(page)
        screenshot(page, f"{name}-{label}")


def tonight(host, capacity, *attendees):
    """A published evening starting in an hour (the door is open), with these people registered."""
    event = hosting.create_event(
        host,
        event_details(NOW, starts_at=NOW + timedelta(hours=1), registration_deadline=None, capacity=capacity),
        now=NOW,
    )
    hosting.publish_event(host, event.id, now=NOW)
    for person in attendees:
        register(person, event.id, goals=["learn"], intro="", acknowledged=True, now=NOW)
    return event


def test_the_host_adds_walk_ins_at_the_door_and_one_claims_the_account(
    live_server, phone, people, smtp_server, browser
):
    base, host = live_server, phone
    event = tonight(people["host"], 2, people["aiko"])
    log_in(host, base, PEOPLE["host"][0])
    host.goto(f"{base}/events/{event.id}/check-in")
    host.get_by_role("link", name="Add a walk-in").click()
    expect(host.get_by_role("heading", name="Add a walk-in")).to_be_visible()
    both_widths(host, "walk-in-en")
    host.set_viewport_size(PHONE)

    # A bad reading and no tick: told what is wrong, nothing saved.
    host.get_by_label("Name", exact=True).fill("森 花")
    host.get_by_label("Reading (フリガナ)").fill("Mori")
    host.get_by_label("Industry or profession").select_option("design")
    host.get_by_label("Email (optional)").fill("hana@example.com")
    host.get_by_role("button", name="Add and check in").click()
    summary = host.locator("#error-summary")
    expect(summary).to_contain_text("Write the reading in katakana or hiragana")
    expect(summary).to_contain_text("Tick the box once they have read and accepted the code of conduct.")
    both_widths(host, "walk-in-refused-en")
    host.set_viewport_size(PHONE)

    host.get_by_label("Reading (フリガナ)").fill("もり はな")
    host.get_by_label("They have read and accepted the code of conduct").check()
    host.get_by_role("button", name="Add and check in").click()
    expect(host.get_by_text("森 花 is checked in as a walk-in.")).to_be_visible()
    expect(host.get_by_text("Present since")).to_be_visible()

    # The evening is full now: a second walk-in needs the host's explicit choice.
    host.get_by_role("link", name="Add a walk-in").click()
    expect(host.get_by_text("This evening is full.")).to_be_visible()
    host.get_by_label("Name", exact=True).fill("Daniel Kim")
    host.get_by_label("Industry or profession").select_option("hospitality")
    host.get_by_label("They have read and accepted the code of conduct").check()
    host.get_by_role("button", name="Add and check in").click()
    expect(host.locator("#error-summary")).to_contain_text("The evening is full: 2 of 2 seats are taken.")
    both_widths(host, "walk-in-full-en")
    host.set_viewport_size(PHONE)
    host.get_by_label("Seat them beyond capacity").check()
    host.get_by_role("button", name="Add and check in").click()
    expect(host.get_by_text("Without an email address, nobody can log in to their account.")).to_be_visible()
    host.goto(f"{base}/events/{event.id}/dashboard")
    expect(host.get_by_text("Beyond capacity")).to_be_visible()
    expect(host.locator(".state.walk-in")).to_have_count(2)
    both_widths(host, "dashboard-walk-ins-en")

    # Hana claims her account from the mail, on her own phone.
    send_pending()
    [mail] = [m for m in smtp_server.messages if m["To"] == "hana@example.com"]
    link = urlsplit(re.search(r"https?://\S+", mail.get_content()).group(0)).path
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="en-GB")
    hana = context.new_page()
    hana.goto(base + link)
    expect(hana.get_by_role("heading", name="Choose a password for your account")).to_be_visible()
    screenshot(hana, "walk-in-claim-390")
    hana.get_by_label("New password").fill("lantern harbour violet sketch")
    hana.get_by_role("button", name="Set password and log in").click()
    expect(hana.get_by_text("Your account is yours now")).to_be_visible()
    hana.goto(f"{base}/events/{event.id}")
    expect(hana.get_by_text("You are checked in.")).to_be_visible()
    context.close()


def test_a_japanese_host_adds_a_walk_in(live_server, phone, people):
    base, host = live_server, phone
    event = tonight(people["ja_host"], 10)
    log_in_in_japanese(host, base, PEOPLE["ja_host"][0])
    host.goto(f"{base}/events/{event.id}/walk-in")
    expect(host.get_by_role("heading", name="当日参加を追加")).to_be_visible()
    both_widths(host, "walk-in-ja")
    host.set_viewport_size(PHONE)
    host.get_by_role("button", name="追加してチェックイン").click()
    expect(host.locator("#error-summary")).to_contain_text("参加者の名前を入力してください。")
    both_widths(host, "walk-in-refused-ja")


@pytest.mark.parametrize("who, language", [("host", "en"), ("ja_host", "ja")])
def test_the_event_form_asks_for_one_table_rule_and_the_fee(live_server, phone, people, who, language):
    base, host = live_server, phone
    (log_in_in_japanese if language == "ja" else log_in)(host, base, PEOPLE[who][0])
    host.goto(f"{base}/events/new")
    both_widths(host, f"event-form-{language}")
    host.set_viewport_size(PHONE)
    tables = "Number of tables" if language == "en" else "テーブル数"
    how_many = "How many" if language == "en" else "人数・テーブル数"
    start = to_local(NOW + timedelta(days=14), "Asia/Tokyo").replace(hour=19, minute=0)
    host.locator("#title").fill("Evening")
    host.locator("#starts_at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    host.locator("#ends_at").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    host.locator("#area").select_option("13")
    host.locator("#fee_yen").fill("3000")
    host.get_by_label(tables, exact=True).check()
    host.get_by_label(how_many, exact=True).fill("0")
    host.locator("form.event-form button[type=submit]").click()
    problem = host.locator("#table_number-errors")
    expect(problem).to_have_text(
        "The number of tables is between 1 and 100." if language == "en" else "テーブル数は1〜100です。"
    )
    # The choice made is kept for the next try.
    expect(host.get_by_label(tables, exact=True)).to_be_checked()
    problem.scroll_into_view_if_needed()
    both_widths(host, f"event-form-refused-{language}")
