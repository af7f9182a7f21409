"""Links that arrive by mail, in Chromium, with the mail sent through the
real SMTP test server: a forgotten password, and a newcomer who signs up from
an event and lands back on its registration once their address is confirmed."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from meetup.events.services import events as hosting
from meetup.mail.services.sender import send_pending
from tests.browser.conftest import log_in, open_menu, screenshot, sign_up_people
from tests.clock import NOW
from tests.conftest import PASSWORD
from tests.events.helpers import event_details

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lantern orchard quietly"


def link_from_mail(smtp_server, to: str, subject: str) -> str:
    """Send what is pending and return the path of the first link in the
    mail to ``to`` with ``subject`` (mail links point at BASE_URL, not at
    the test's server)."""
    send_pending()
    found = [m for m in smtp_server.messages if m["To"] == to and m["Subject"] == subject]
    assert len(found) == 1, [(m["To"], m["Subject"]) for m in smtp_server.messages]
    url = urlsplit(re.search(r"https?://\S+", found[0].get_content()).group(0))
    return url.path + (f"?{url.query}" if url.query else "")


def test_a_forgotten_password_is_replaced_through_the_mailed_link(
    committing_app, live_server, phone, laptop, smtp_server
):
    sign_up_people({"aiko": ("aiko@example.com", "Aiko Tanaka", "tax-accountant")})
    log_in(laptop, live_server, "aiko@example.com")  # still logged in on her laptop

    page = phone
    page.goto(live_server + "/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("Aiko@Example.com")
    screenshot(page, "phone-forgot-password")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()

    link = link_from_mail(smtp_server, "aiko@example.com", "Set a new password")
    page.goto(live_server + link)
    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    page.get_by_label("New password").fill("password1")
    page.get_by_role("button", name="Set password and log in").click()
    expect(page.get_by_text("one of the most commonly used passwords")).to_be_visible()
    page.get_by_label("New password").fill(NEW_PASSWORD)
    screenshot(page, "phone-reset-password")
    page.get_by_role("button", name="Set password and log in").click()
    expect(page.get_by_text("Your new password is set and you are logged in.")).to_be_visible()
    open_menu(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    # The laptop's log-in has ended; the link does not work a second time.
    laptop.goto(live_server + "/profile")
    expect(laptop.get_by_role("heading", name="Log in")).to_be_visible()
    page.goto(live_server + link)
    expect(page.get_by_text("This link has expired or was already used.")).to_be_visible()

    # The new password is the one that works.
    log_in(laptop, live_server, "aiko@example.com", NEW_PASSWORD)


def test_signing_up_from_an_event_lands_back_on_its_registration_once_confirmed(
    committing_app, live_server, phone, smtp_server
):
    host = sign_up_people({"host": ("emi.host@example.com", "Emi Yamamoto", "sme-consultant")})["host"]
    event = hosting.create_event(host, event_details(NOW, title="Shibuya cross-industry mixer"), now=NOW)
    hosting.publish_event(host, event.id, now=NOW)

    page = phone
    page.goto(f"{live_server}/events/{event.id}")
    page.locator(".register-box").get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("hana.mori@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Display name").fill("森 花")
    page.get_by_label("Industry or profession").select_option("administrative-scrivener")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
    expect(page.get_by_text("We sent a mail to hana.mori@example.com.")).to_be_visible()
    screenshot(page, "phone-check-your-mail")

    # Logged in before confirming: the registration page says why it is closed to her.
    log_in(page, live_server, "hana.mori@example.com")
    page.goto(f"{live_server}/events/{event.id}/register")
    expect(page.get_by_text("Please confirm your email address hana.mori@example.com first")).to_be_visible()
    expect(page.get_by_role("button", name="Send the link again")).to_be_visible()
    screenshot(page, "phone-register-unconfirmed")
    open_menu(page)
    page.get_by_role("button", name="Log out").click()

    link = link_from_mail(smtp_server, "hana.mori@example.com", "Confirm your email address to finish signing up")
    page.goto(live_server + link)
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_text("Thank you: your email address hana.mori@example.com is confirmed.")).to_be_visible()
    page.get_by_label("Email").fill("hana.mori@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(f"{live_server}/events/{event.id}/register")
    page.get_by_label("Learn from other industries").check()
    page.get_by_label("I have read the code of conduct and will follow it.").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered. Your seat is confirmed.")).to_be_visible()
