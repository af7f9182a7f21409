"""The door in Chromium (issue 16, items 1 and 4): results narrow as the host
types, however the name is typed, and on an evening with a fee marking
someone present takes their payment in the same tap."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from meetup.events.models import CASH
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in
from meetup.events.services.registration import register
from meetup.extensions import db
from tests.browser.conftest import PHONE, fits, log_in, screenshot, sign_up_people
from tests.clock import NOW
from tests.events.helpers import event_details

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 900}
PEOPLE = {
    "host": ("host@door.example", "Emi Host", "sme-consultant"),
    "emi": ("emi@door.example", "山田 絵美", "tax-accountant"),
    "kenichi": ("kenichi@door.example", "山本 健一", "lawyer"),
    "sakura": ("sakura@door.example", "山口 さくら", "design"),
    "yoko": ("yoko@door.example", "山中 陽子", "labour-consultant"),
    "sho": ("sho@door.example", "山下 翔", "it"),
    "daniel": ("daniel@door.example", "Daniel Kim", "hospitality"),
}
READINGS = {
    "emi": "ヤマダ エミ",
    "kenichi": "ヤマモト ケンイチ",
    "sakura": "ヤマグチ サクラ",
    "yoko": "ヤマナカ ヨウコ",
    "sho": "ヤマシタ ショウ",
}


@pytest.fixture
def evening(committing_app):
    """Tonight, ¥3,000 at the door, five seats: 山下 翔 waits; 山本 is in
    and has paid, 山口 is in and has not."""
    people = sign_up_people(PEOPLE)
    for key, reading in READINGS.items():
        people[key].name_reading = reading
    details = event_details(NOW, starts_at=NOW + timedelta(hours=1), capacity=5)
    event = hosting.create_event(people["host"], details, now=NOW)
    hosting.publish_event(people["host"], event.id, now=NOW)
    event.fee_yen = 3000
    seats = {
        key: register(people[key], event.id, goals=["learn"], intro="", acknowledged=True, now=NOW)
        for key in ("daniel", "emi", "kenichi", "sakura", "yoko", "sho")
    }
    check_in(people["host"], event.id, seats["kenichi"].id, now=NOW, payment=CASH)
    check_in(people["host"], event.id, seats["sakura"].id, now=NOW)
    db.session.commit()
    return event, people


def test_typing_narrows_the_door_list_and_a_tap_takes_the_payment(browser, live_server, evening):
    event, people = evening
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, PEOPLE["host"][0])
    door = f"{live_server}/events/{event.id}/check-in"
    page.goto(door)
    expect(page.get_by_text("2 of 5 checked in · 1 paid (¥3,000)")).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")

    search = page.get_by_label("Find a name")
    search.press_sequentially("yama", delay=30)
    people_listed = page.locator(".door-person strong")
    expect(people_listed).to_have_text(["山中 陽子", "山口 さくら", "山本 健一", "山田 絵美", "山下 翔"])
    search.press_sequentially("d", delay=30)
    expect(people_listed).to_have_text(["山田 絵美"])
    search.fill("ﾔﾏﾓﾄ")
    expect(people_listed).to_have_text(["山本 健一"])
    search.fill("emi")
    expect(people_listed).to_have_text(["山田 絵美"])
    assert page.evaluate("window.stillTheSamePage") is True  # no Search pressed, no page load
    assert page.url == door + "?q=emi"

    emi = page.locator(".door-person", has_text="山田 絵美")
    expect(emi.get_by_role("group", name="Mark present · fee ¥3,000")).to_be_visible()
    emi.get_by_role("button", name="Paid in cash").click()
    expect(page.get_by_text("山田 絵美 is checked in. 山田 絵美 has paid ¥3,000 in cash.")).to_be_visible()
    expect(page.get_by_text("3 of 5 checked in · 2 paid (¥6,000)")).to_be_visible()

    search.fill("yama")
    expect(people_listed).to_have_count(5)
    for size, name in ((PHONE, "door-phone"), (LAPTOP, "door-laptop")):
        page.set_viewport_size(size)
        fits(page)
        screenshot(page, name)

    # The host of the evening works in Japanese: the same page, the same tap.
    people["host"].language = "ja"
    db.session.commit()
    page.goto(door + "?q=やまぐち")
    sakura = page.locator(".door-person", has_text="山口 さくら")
    expect(sakura.get_by_text("未払い")).to_be_visible()
    sakura.get_by_role("button", name="現金以外で支払い済み").click()
    expect(page.get_by_text("5人中3人がチェックイン済み · 支払い済み3人（￥9,000）")).to_be_visible()
    page.get_by_label("名前で探す").fill("yama")
    expect(people_listed).to_have_count(5)
    for size, name in ((PHONE, "door-phone-ja"), (LAPTOP, "door-laptop-ja")):
        page.set_viewport_size(size)
        fits(page)
        screenshot(page, name)
    context.close()


def test_what_the_host_types_before_the_script_arrives_still_narrows_the_list(browser, live_server, evening):
    """On a slow phone the host may type before door.js has run: the list
    catches up with what is in the box as soon as it does."""
    event, _people = evening
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, PEOPLE["host"][0])
    held = []
    page.route("**/static/door.js", lambda route: held.append(route))  # the script waits until the host has typed
    page.goto(f"{live_server}/events/{event.id}/check-in?q=yama", wait_until="commit")
    search = page.get_by_label("Find a name")
    people_listed = page.locator(".door-person strong")
    expect(people_listed).to_have_count(5)
    search.fill("yamada")
    assert len(held) == 1  # the script is still held back: the list shows the served query
    expect(people_listed).to_have_count(5)
    held[0].continue_()
    expect(people_listed).to_have_text(["山田 絵美"])
    context.close()
