"""A newcomer's first visit, in a real Chromium on a phone-sized screen."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fits, open_menu, screenshot, sign_up_people
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_sign_up_log_in_edit_profile_switch_to_japanese_and_log_out(live_server, phone):
    page = phone
    page.goto(live_server + "/")
    open_menu(page)
    page.get_by_role("link", name="Sign up").first.click()

    page.get_by_label("Email").fill("hana.mori@example.com")
    page.get_by_label("Password").fill("short")
    page.get_by_label("Display name").fill("森 花")
    page.get_by_label("Industry or profession").select_option("administrative-scrivener")
    page.get_by_role("button", name="Sign up").click()
    # Refused with a message, and what was typed is kept.
    expect(page.get_by_text("Passwords are 8 to 128 characters long.").first).to_be_visible()
    expect(page.get_by_label("Display name")).to_have_value("森 花")

    page.get_by_label("Password").fill("a long enough password")
    page.get_by_label("About you (one paragraph)").fill("Visas and company set-up.")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()

    # Before confirming her address she can log in and fill in her profile.
    open_menu(page)
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill("HANA.MORI@example.com")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()

    page.goto(live_server + "/profile/edit")
    page.get_by_label("About you (one paragraph)").fill("Visas, company set-up and the odd haiku.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_text("Visas, company set-up and the odd haiku.")).to_be_visible()

    page.get_by_role("button", name="日本語").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", name="森 花")).to_be_visible()
    expect(page.get_by_text("行政書士")).to_be_visible()
    screenshot(page, "phone-profile-ja")

    open_menu(page)
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_text("ログアウトしました。")).to_be_visible()


def test_the_front_page_fits_a_phone_and_a_laptop(live_server, phone, laptop):
    for name, page in (("phone", phone), ("laptop", laptop)):
        page.goto(live_server + "/")
        expect(page.get_by_role("heading", name="Meet again, not just once.")).to_be_visible()
        fits(page)
        screenshot(page, f"{name}-front")


def test_keep_me_logged_in_outlasts_the_browser_session(live_server, phone):
    """The remember-me cookie's Expires is on the server's clock (the test's),
    Chromium's is the wall clock: it must keep the cookie all the same."""
    sign_up_people({"aiko": ("aiko@example.com", "Aiko Tanaka", "tax-accountant")})
    page = phone
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill("aiko@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Keep me logged in on this device").check()
    page.get_by_role("button", name="Log in").click()
    open_menu(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert {cookie["name"] for cookie in page.context.cookies()} == {"session", "remember_token"}

    page.context.clear_cookies(name="session")  # the browser was closed and opened again
    page.goto(live_server + "/profile/edit")
    expect(page.get_by_label("Display name")).to_have_value("Aiko Tanaka")
