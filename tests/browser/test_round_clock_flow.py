"""The evening's clock in Chromium: the projector, open on the venue's laptop,
follows the rounds the host starts from a phone, without anyone reloading it,
and counts the minutes; a swap in a round under way asks first."""

import re
from datetime import timedelta
from itertools import product

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from meetup.accounts.models import User
from meetup.demo import DEMO_PASSWORD, load_demo
from meetup.events.models import Event, Registration
from meetup.events.services.checkin import check_in
from meetup.extensions import db
from meetup.rules.queries import forbidden_pairs
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import forming, publishing
from tests import clock
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.clock import NOW

pytestmark = pytest.mark.browser


def test_the_projector_follows_the_rounds_the_host_starts(live_server, laptop, phone):
    load_demo()
    event = db.session.scalar(select(Event).where(Event.title.like("今夜%")))
    event_id, host = event.id, event.host
    for registration_id in db.session.scalars(
        select(Registration.id).where(Registration.event_id == event_id).order_by(Registration.id).limit(16)
    ):
        check_in(host, event_id, registration_id, now=NOW)
    forming.form_tables(host, event_id)
    publishing.publish(host, event_id, now=NOW)

    projector = laptop
    projector.set_viewport_size({"width": 1280, "height": 800})
    log_in(projector, live_server, "host@example.com", DEMO_PASSWORD)
    projector.goto(f"{live_server}/events/{event_id}/tables/projector")
    expect(projector.get_by_role("heading", name=re.compile("Round 1"))).to_be_visible()
    expect(projector.get_by_text("Not started yet")).to_be_visible()

    # The host, on a phone, starts round 1: the projector shows it started, by itself.
    log_in(phone, live_server, "host@example.com", DEMO_PASSWORD)
    phone.goto(f"{live_server}/events/{event_id}/tables")
    phone.get_by_role("button", name="Start round 1 now").click()
    expect(phone.get_by_text("Round 1 starts now.")).to_be_visible()
    expect(projector.get_by_text("0 min")).to_be_visible()
    started_at = table_queries.round_clock(event_id).started_at
    db.session.rollback()  # end the test's read, which would hold SQLite's lock against the server's writes

    # Twelve minutes later (on the server's clock and the page's) the projector says so, without a reload.
    later = started_at + timedelta(minutes=12, seconds=5)
    clock.move_to(later)
    projector.context.clock.set_system_time(later.isoformat() + "Z")
    expect(projector.get_by_text("12 min")).to_be_visible()
    screenshot(projector, "laptop-projector-round-1-12-min")

    # Round 2 starts from the phone while round 1 still runs: the projector moves on to it.
    phone.get_by_role("button", name="Start round 2 now").click()
    expect(phone.get_by_text("Round 2 starts now.")).to_be_visible()
    expect(projector.get_by_role("heading", name=re.compile("Round 2"))).to_be_visible()
    expect(projector.locator(".round-switch a[aria-current=page]")).to_have_text("2")
    expect(projector.get_by_text("0 min")).to_be_visible()
    screenshot(projector, "laptop-projector-round-2")
    screenshot(phone, "phone-tables-round-2-running")

    projector.set_viewport_size(PHONE)
    screenshot(projector, "phone-projector-round-2")

    # A swap in round 2, which runs now, asks first and says why (two people the rules
    # allow to trade places: the demo's reports and blocks keep some pairs apart).
    first_a, first_b = _a_swap_the_rules_allow(event_id, round_=1)
    round_two = phone.locator("#round-2")
    round_two.get_by_text("Swap or move people in round 2").click()
    round_two.get_by_label("Swap", exact=True).select_option(label=first_a)
    round_two.get_by_label("with", exact=True).select_option(label=first_b)
    round_two.locator(".swap-form").get_by_role("button", name="Swap").click()
    expect(phone.get_by_role("heading", name="Make this change in round 2?")).to_be_visible()
    expect(phone.get_by_text("Round 2 has started: people are already sitting at these tables.")).to_be_visible()
    screenshot(phone, "phone-confirm-swap-in-started-round")
    phone.set_viewport_size({"width": 1280, "height": 800})
    screenshot(phone, "laptop-confirm-swap-in-started-round")
    phone.get_by_role("button", name="Yes, make the change").click()
    expect(phone.get_by_text("Swapped.")).to_be_visible()
    expect(phone.locator("#round-2 .table-card").nth(1)).to_contain_text(first_a)

    # In Japanese, the projector says the same.
    phone.set_viewport_size(PHONE)
    phone.get_by_role("button", name="日本語").click()
    expect(phone.locator("html")).to_have_attribute("lang", "ja")
    phone.goto(f"{live_server}/events/{event_id}/tables/projector")
    expect(phone.get_by_role("heading", name=re.compile("ラウンド2"))).to_be_visible()
    expect(phone.locator(".projector-clock")).to_have_text(re.compile(r"09:42開始\s*·\s*\d+分経過"))
    screenshot(phone, "phone-projector-round-2-ja")


def _a_swap_the_rules_allow(event_id: int, *, round_: int) -> tuple[str, str]:
    """The names of two people at tables A and B of the round who may trade places."""
    tables = table_queries.grid(table_queries.published_seating(event_id))[round_]
    first, second = tables[0], tables[1]
    kept_apart = forbidden_pairs(first + second)
    for a, b in product(first, second):
        if not any(frozenset((a, other)) in kept_apart for other in second if other != b) and not any(
            frozenset((b, other)) in kept_apart for other in first if other != a
        ):
            names = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_((a, b)))).all())
            db.session.rollback()
            return names[a], names[b]
    raise AssertionError("no two people at tables A and B may trade places")
