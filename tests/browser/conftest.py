"""Browser tests: Debian's Chromium driven by Playwright against a live server
that commits to the test database like production.

The server runs on the test's clock (tests/clock.py), Chromium on the wall
clock: pages get the server's time for ``Date``. Cookies need nothing: Chromium
reads an ``Expires`` relative to the response's ``Date`` header (its clock-skew
correction), so a cookie lives as long as the server meant."""

import os
import shutil
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests import clock
from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("MEETUP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}; `make test` installs Debian's chromium package.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def serving(app):
    """The app served on a free loopback port while the block runs; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@pytest.fixture
def live_server(committing_app):
    """The app served for the duration of one test."""
    with serving(committing_app) as base:
        yield base


def on_the_servers_clock(context):
    """Pages read the server's time (the test's clock) through ``Date``; timers run as usual."""
    context.clock.set_system_time(datetime.now(UTC))
    return context


@pytest.fixture
def phone(browser):
    context = on_the_servers_clock(
        browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-GB")
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def laptop(browser):
    context = on_the_servers_clock(browser.new_context(viewport=LAPTOP, locale="en-GB"))
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def fits(page) -> None:
    """The page does not scroll sideways at the current viewport width.

    A new viewport size or emulated media reaches the renderer a moment after
    Playwright returns, so a layout measured at once can still be the old one:
    wait up to five seconds for the page to fit before failing."""
    width = page.viewport_size["width"]
    try:
        page.wait_for_function(
            "width => document.documentElement && document.documentElement.scrollWidth <= width",
            arg=width,
            timeout=5_000,
        )
    except PlaywrightTimeoutError:
        actual = page.evaluate("document.documentElement.scrollWidth")
        raise AssertionError(f"{page.url} scrolls sideways: {actual} px wide on a {width} px screen") from None


def screenshot(page, name: str) -> Path:
    """Keep a full-page screenshot as a test artefact under test-artifacts/,
    and check the page with axe-core as it is (see serious_violations)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    problems = serious_violations(page)
    assert not problems, f"{name} ({page.url}):\n" + "\n".join(problems)
    return path


# WCAG 2.0-2.2, levels A and AA (target-size included), as axe-core tags them.
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, each with its
    rule and the first elements. axe-core is the axe.min.js that the
    axe-playwright-python package (PyPI) ships: nothing is fetched."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
        + "\n".join(f"      {node['target']} {node['html'][:160]}" for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


# From this width on (56rem) the header shows its links itself (static/app.css).
WIDE_HEADER_PX = 896


def open_menu(page) -> None:
    """On a phone the header's links sit behind its Menu; open it if it is closed."""
    if page.viewport_size["width"] >= WIDE_HEADER_PX:
        return
    menu = page.locator("details.menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
        expect(menu).to_have_attribute("open", "")


def log_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form, first logging out whoever is logged in."""
    page.goto(base + "/")
    open_menu(page)
    if page.get_by_role("button", name="Log out").count():
        log_out(page)
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda address: urlsplit(address).path != "/login")
    open_menu(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page) -> None:
    open_menu(page)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()


def sign_up_people(people: dict[str, tuple[str, str, str]]) -> dict:
    """Accounts for a test's cast: key → (email, display name, industry)."""
    from meetup.accounts.services.signups import sign_up

    return {
        key: sign_up(email=email, password=PASSWORD, display_name=name, industry=industry, confirmed_at=clock.NOW)
        for key, (email, name, industry) in people.items()
    }
