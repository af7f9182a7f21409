"""Each person's home on a phone: the one-line header and its menu, the host
landing on tonight's evening, an attendee landing on My events."""

import pytest
from playwright.sync_api import expect

from meetup.demo import DEMO_PASSWORD, MEMBERS, load_demo
from tests.browser.conftest import ARTIFACTS, log_in, screenshot

pytestmark = pytest.mark.browser

HEADER_MAX_HEIGHT = 80  # one line: brand, language, menu


def header_height(page) -> float:
    return page.locator("header.site-header").bounding_box()["height"]


def small_targets(page) -> list[str]:
    """Visible links and buttons in the header smaller than 24×24 CSS px."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.site-header a, .site-header button, .site-header summary')]
            .filter((el) => el.offsetParent !== null)
            .map((el) => [el.textContent.trim(), el.getBoundingClientRect()])
            .filter(([, box]) => box.width < 24 || box.height < 24)
            .map(([text, box]) => `${text}: ${box.width}x${box.height}`)"""
    )


def test_phone_header_is_one_line_and_its_menu_opens(live_server, phone):
    load_demo()
    page = phone
    log_in(page, live_server, "host@example.com", DEMO_PASSWORD)
    for language in ("English", "日本語"):
        page.goto(live_server + "/events/")
        page.get_by_role("button", name=language).click()
        menu = page.locator("details.menu")
        expect(menu).not_to_have_attribute("open", "")
        assert header_height(page) < HEADER_MAX_HEIGHT
        assert small_targets(page) == []
        page.locator("details.menu > summary").click()
        expect(page.get_by_role("navigation", name="Main" if language == "English" else "メイン")).to_be_visible()
        assert small_targets(page) == []
        # Kept without axe-core: the open menu lies over the page, and covered links
        # count as too small. The page itself is checked with the menu closed.
        page.screenshot(path=str(ARTIFACTS / f"phone-header-menu-{language}.png"))
        page.locator("details.menu > summary").click()
        screenshot(page, f"phone-header-{language}")


def test_host_lands_on_tonight_and_an_attendee_on_my_events(live_server, phone):
    load_demo()
    page = phone
    log_in(page, live_server, "host@example.com", DEMO_PASSWORD)
    page.goto(live_server + "/home")
    expect(page).to_have_url(live_server + "/events/hosting")
    tonight = page.locator("section.tonight")
    expect(tonight.get_by_role("link", name="Door check-in")).to_be_visible()
    expect(tonight.get_by_role("link", name="Tables", exact=True)).to_be_visible()
    assert page.locator("h2").first.inner_text() == "Tonight"
    assert header_height(page) < HEADER_MAX_HEIGHT
    screenshot(page, "phone-host-home")

    log_in(page, live_server, MEMBERS[0][0], DEMO_PASSWORD)
    page.goto(live_server + "/home")
    expect(page).to_have_url(live_server + "/events/mine")
    expect(page.get_by_role("heading", name="Tonight", exact=True)).to_be_visible()
    screenshot(page, "phone-my-events")
