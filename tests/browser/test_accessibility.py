"""Accessibility, checked by a machine: axe-core on every page of the app.

The flows check every page they keep a screenshot of (conftest.screenshot);
this test covers the rest: every GET route of the route sweep's world (tests/sweep_world.py), opened in
Chromium by the person it belongs to (anonymous for public pages), at 390 px
and 1,280 px, in English and Japanese, is checked by axe-core against the
WCAG 2.0-2.2 A and AA rules, ``target-size`` included. No serious or critical
violation may remain; a failing page names the rule and the elements.
"""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import on_the_servers_clock, serious_violations, serving
from tests.conftest import PASSWORD
from tests.sweep_world import ADMIN, PUBLIC, ROUTES, SELF, methods, url, world  # noqa: F401  (world: fixture)

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 900}}
LOCALES = {"en": "en-GB", "ja": "ja-JP"}
# Not pages: a stylesheet, a health probe, a calendar file, a CSV export.
NOT_PAGES = {"static", "main.healthz", "events.calendar_file", "events.export_csv"}


def viewer(route) -> str:
    if route.access == PUBLIC:
        return "anonymous"
    if route.access == ADMIN:
        return "admin"
    if route.access == SELF:
        return "attendee"
    return route.owner


@pytest.fixture(scope="module")
def server(base_app, world):
    """The app serving the sweep's committed world, for the whole module."""
    with serving(base_app) as base:
        yield base


def pages_by_viewer(app, world) -> dict[str, list[str]]:
    pages: dict[str, list[str]] = {}
    for route in ROUTES:
        if route.endpoint in NOT_PAGES or "GET" not in methods(app, route):
            continue
        pages.setdefault(viewer(route), []).append(url(app, route, world))
    return pages


def log_in(page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda address: urlsplit(address).path != "/login")


@pytest.mark.parametrize("language", sorted(LOCALES))
@pytest.mark.parametrize("size", sorted(SIZES))
def test_no_page_has_a_serious_accessibility_violation(base_app, world, server, browser, size, language):
    problems = []
    for role, paths in pages_by_viewer(base_app, world).items():
        context = on_the_servers_clock(browser.new_context(viewport=SIZES[size], locale=LOCALES[language]))
        page = context.new_page()
        page.set_default_timeout(10_000)
        if role != "anonymous":
            log_in(page, server, world.emails[role])
        for path in paths:
            response = page.goto(server + path)
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            for violation in serious_violations(page):
                problems.append(f"{path} as {role}: {violation}")
        context.close()
    assert not problems, f"{len(problems)} serious or critical violations at {size}, {language}:\n" + "\n".join(
        problems
    )


# States of changed pages that the sweep's viewers above do not reach: a follower's
# community page (its unfollow button), the offer to follow on the event page after
# registering, and the registration form's unticked box to follow.
FOLLOW_STATES = {
    "attendee": lambda w: [f"/communities/{w.community}"],
    "tablemate": lambda w: [f"/events/{w.upcoming}", f"/communities/{w.community}"],
    "member": lambda w: [f"/events/{w.upcoming}/register"],
}


@pytest.mark.parametrize("language", sorted(LOCALES))
@pytest.mark.parametrize("size", sorted(SIZES))
def test_following_states_have_no_serious_accessibility_violation(base_app, world, server, browser, size, language):
    problems = []
    for role, paths in FOLLOW_STATES.items():
        context = on_the_servers_clock(browser.new_context(viewport=SIZES[size], locale=LOCALES[language]))
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, server, world.emails[role])
        for path in paths(world):
            assert page.goto(server + path).status == 200, path
            problems += [f"{path} as {role}: {violation}" for violation in serious_violations(page)]
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", sorted(LOCALES))
@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_events_search_and_its_answers_have_no_serious_violation(base_app, world, server, browser, size, language):
    """The events list searched (found, found nothing, and refused with messages
    next to the fields), and the event page with its map and share links."""
    event = url(base_app, next(route for route in ROUTES if route.endpoint == "events.show"), world)
    paths = [
        "/events/?q=shibuya&area=13&from=2026-01-01&to=2999-12-31",
        "/events/?q=nothing+like+this&area=online",
        "/events/?q=&from=2026-02-30&to=2026-01-01&area=99",
        event,
    ]
    context = on_the_servers_clock(browser.new_context(viewport=SIZES[size], locale=LOCALES[language]))
    page = context.new_page()
    problems = []
    for path in paths:
        assert page.goto(server + path).status == 200
        problems += [f"{path}: {violation}" for violation in serious_violations(page)]
    context.close()
    assert not problems, "\n".join(problems)
