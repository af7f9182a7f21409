"""Only the owner, the event's host or a site admin reaches an object: a walk
over every route of the app, with the ids of real objects, as the owner, as a
plain member, as the host of another event and anonymously.

Every rule in the URL map is listed in ROUTES (tests/sweep_world.py) with who may use it, so a new
route cannot slip past: the first test fails until it is added here.

- PRIVATE (an object of the owner's; ADMIN: the admin area): the owner gets
  an answer, everyone else the same 404 as for something that does not
  exist, and a POST from them changes nothing;
- MEMBER (open to any logged-in member, listed with the reason): the owner
  gets an answer; anyone else gets what MEMBER_BEHAVIOUR says;
- SELF (no id: it acts on the logged-in person's own account);
- PUBLIC (anyone, logged in or not).

Anonymous requests are sent to the log-in page (or get 404); nothing ever
answers 500. POSTs carry a valid CSRF token, so the access check is what is
tested.
"""

import pytest
import sqlalchemy as sa

from meetup.events.models import Registration
from meetup.extensions import db
from tests.sweep_world import (
    ADMIN,
    BY_ENDPOINT,
    COMMUNITY_HOST_PAGES,
    DOOR_PAGES,
    MEMBER,
    PRIVATE,
    PUBLIC,
    ROUTES,
    SELF,
    changed_tables,
    client_as,
    is_login_redirect,
    methods,
    send,
    snapshot,
    url,
    world,  # noqa: F401  (world: the module's fixture)
)

NON_OWNERS = ("member", "other_host", "anonymous")
# Who runs the host's community with them; they reach the host's pages by their role alone.
STAFF = ("co_host", "door_staff")


def test_every_route_is_in_the_sweep(app):
    known = set(BY_ENDPOINT)
    for rule in app.url_map.iter_rules():
        assert rule.endpoint in known, f"add {rule.rule} ({rule.endpoint}) to the sweep: ROUTES in tests/sweep_world.py"
        route = BY_ENDPOINT[rule.endpoint]
        takes_an_id = bool(rule.arguments - {"filename"})
        assert not (takes_an_id and route.access == SELF), f"{rule.rule} names an object: it cannot be SELF"
        if route.access in (PUBLIC, MEMBER):
            assert route.why, f"say why {rule.rule} is open to {route.access}"
    assert known <= {rule.endpoint for rule in app.url_map.iter_rules()}, "the sweep lists a route that is gone"


def test_the_world_has_one_of_everything(app, world):
    empty = [name for name, rows in snapshot().items() if not rows]
    assert not empty, f"the sweep's world has no rows in {empty}: a route reading them goes untested"


def _id_routes():
    return [route for route in ROUTES if route.access in (PRIVATE, MEMBER, ADMIN)]


@pytest.mark.parametrize("route", _id_routes(), ids=lambda route: route.endpoint)
def test_the_owner_gets_an_answer(app, world, route):
    client = client_as(app, world, route.owner)
    for method in methods(app, route):
        response = send(client, method, url(app, route, world), route.body(world))
        assert response.status_code not in (400, 404, 405) and response.status_code < 500, (
            f"{method} {route.endpoint} as its owner ({route.owner}): {response.status_code}"
        )


def _private_cases():
    return [
        pytest.param(route, role, id=f"{route.endpoint}-{role}")
        for route in ROUTES
        if route.access in (PRIVATE, ADMIN)
        for role in NON_OWNERS + (STAFF if route.owner != "host" else ())
    ]


@pytest.mark.parametrize("route, role", _private_cases())
def test_nobody_else_reaches_an_object(app, world, route, role):
    client = client_as(app, world, role)
    path = url(app, route, world)
    for method in methods(app, route):
        before = snapshot()
        response = send(client, method, path, route.body(world))
        if role == "anonymous" and route.access == PRIVATE:
            assert is_login_redirect(response), f"{method} {path} anonymously: {response.status_code}"
        else:
            assert response.status_code == 404, f"{method} {path} as {role}: {response.status_code}"
        assert changed_tables(before, snapshot()) == {}, f"{method} {path} as {role} changed the database"


@pytest.mark.parametrize("route", [route for route in ROUTES if route.cross], ids=lambda route: route.endpoint)
def test_a_host_cannot_reach_another_events_objects_through_their_own_event(app, world, route):
    client = client_as(app, world, "other_host")
    path = url(app, route, world, route.cross(world))
    for method in methods(app, route):
        before = snapshot()
        response = send(client, method, path, route.body(world))
        assert response.status_code == 404, f"{method} {path}: {response.status_code}"
        assert changed_tables(before, snapshot()) == {}, f"{method} {path} changed the database"


def _event_routes():
    return [route for route in ROUTES if "event_id" in route.args(_FakeWorld())]


class _FakeWorld:
    """Enough of a world to see which arguments a route takes, at collection time."""

    users = {role: 0 for role in ("attendee", "tablemate", "blocked", "co_host", "door_staff")}
    recent = upcoming = draft = other = attendee_registration = open_report = mail = 0
    community = other_community = spare_community = 0
    note = match = confirm_token = reset_token = unsubscribe_token = message_token = ""


def _person_routes():
    return [route for route in ROUTES if {"event_id", "user_id"} <= set(route.args(_FakeWorld()))]


NOT_MET = {
    "at another table": lambda w: {"event_id": w.apart, "user_id": w.apart_stranger},
    "before the evening": lambda w: {"event_id": w.soon, "user_id": w.users["stranger"]},
}


@pytest.mark.parametrize("case", NOT_MET)
@pytest.mark.parametrize("route", _person_routes(), ids=lambda route: route.endpoint)
def test_a_person_is_reached_only_by_someone_who_sat_with_them(app, world, route, case):
    """The attendee registered for both evenings: one where the stranger sat at
    another table, one that has not begun (tables published early seat them
    together). Neither person's card, report or block is there for them."""
    path = url(app, route, world, {**route.args(world), **NOT_MET[case](world)})
    client = client_as(app, world, "attendee")
    for method in methods(app, route):
        before = snapshot()
        response = send(client, method, path, route.body(world))
        assert response.status_code == 404, f"{method} {path}: {response.status_code}"
        assert changed_tables(before, snapshot()) == {}, f"{method} {path} changed the database"


@pytest.mark.parametrize("route", _event_routes(), ids=lambda route: route.endpoint)
def test_a_draft_is_not_found_by_anyone_but_its_host(app, world, route):
    args = {**route.args(world), "event_id": world.draft}
    path = url(app, route, world, args)
    for role in ("attendee", "member", "other_host", "door_staff", "anonymous"):
        client = client_as(app, world, role)
        for method in methods(app, route):
            before = snapshot()
            response = send(client, method, path, route.body(world))
            expected = "a log-in redirect or 404" if role == "anonymous" else "404"
            assert response.status_code == 404 or (role == "anonymous" and is_login_redirect(response)), (
                f"{method} {path} as {role}: {response.status_code}, expected {expected}"
            )
            assert changed_tables(before, snapshot()) == {}, f"{method} {path} as {role} changed the database"


def _host_routes():
    return [route for route in ROUTES if route.access == PRIVATE and route.owner == "host"]


def _may(role: str, route) -> bool:
    """The role rule as the sweep states it: a co-host passes wherever the host does on the
    community's evenings, door staff only at the door; neither on the community itself."""
    if "event_id" not in route.args(_FakeWorld()):
        # The community's own pages are its owner's; its dashboard is its hosts'.
        return role == "co_host" and route.endpoint in COMMUNITY_HOST_PAGES
    return role == "co_host" or route.endpoint in DOOR_PAGES


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("route", _host_routes(), ids=lambda route: route.endpoint)
def test_co_hosts_pass_where_the_host_does_and_door_staff_only_at_the_door(app, world, route, role):
    client = client_as(app, world, role)
    path = url(app, route, world)
    for method in methods(app, route):
        before = snapshot()
        response = send(client, method, path, route.body(world))
        if _may(role, route):
            assert response.status_code not in (400, 404, 405) and response.status_code < 500, (
                f"{method} {path} as {role}: {response.status_code}"
            )
        else:
            assert response.status_code == 404, f"{method} {path} as {role}: {response.status_code}, expected 404"
            assert changed_tables(before, snapshot()) == {}, f"{method} {path} as {role} changed the database"


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize(
    "route", [route for route in _host_routes() if "event_id" in route.args(_FakeWorld())], ids=lambda r: r.endpoint
)
def test_community_staff_reach_nothing_of_another_communitys_evenings(app, world, route, role):
    client = client_as(app, world, role)
    path = url(app, route, world, {**route.args(world), "event_id": world.other})
    for method in methods(app, route):
        before = snapshot()
        response = send(client, method, path, route.body(world))
        assert response.status_code == 404, f"{method} {path} as {role}: {response.status_code}"
        assert changed_tables(before, snapshot()) == {}, f"{method} {path} as {role} changed the database"


def _registrations_of(user_id):
    return db.session.scalars(sa.select(Registration).where(Registration.user_id == user_id)).all()


def _registers_only_themselves(world, role, response, changes, client):
    """A member's POST registers them, and touches nobody else's registration."""
    assert response.status_code == 302
    (mine,) = [r for r in _registrations_of(world.users[role]) if r.event_id == world.upcoming]
    assert mine.status == "waitlisted"  # the one seat is the attendee's
    gone, new = changes["registrations"]
    assert gone == [] and [row.id for row in map(_as_registration, new)] == [mine.id]


def _as_registration(row):
    return db.session.get(Registration, row[0])


def _refused_without_change(world, role, response, changes, client):
    """Without a registration of their own there is nothing to act on: the
    event page says so, and nothing changed."""
    assert response.status_code == 302 and changes == {}
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "You are not registered for this event." in page.get_data(as_text=True)


def _follows_only_themselves(world, role, response, changes, client):
    """A member's POST makes them a follower of the community, and nobody else."""
    assert response.status_code == 302
    gone, new = changes["community_followers"]
    assert gone == [] and [(row[0], row[1]) for row in new] == [(world.community, world.users[role])]
    assert set(changes) == {"community_followers"}


def _unfollows_nobody_else(world, role, response, changes, client):
    """Not following, a member's unfollow changes nothing (the attendee still follows)."""
    assert response.status_code == 302 and changes == {}


MEMBER_BEHAVIOUR = {
    # endpoint: (GET status, what a POST by a non-owner member does)
    "events.register": (200, _registers_only_themselves),
    "events.cancel_registration": (200, _refused_without_change),  # the page says they are not registered
    "events.acknowledge": (None, _refused_without_change),
    "communities.follow": (None, _follows_only_themselves),
    "communities.unfollow": (None, _unfollows_nobody_else),
}


@pytest.mark.parametrize(
    "route, role",
    [
        pytest.param(route, role, id=f"{route.endpoint}-{role}")
        for route in ROUTES
        if route.access == MEMBER
        for role in NON_OWNERS
    ],
)
def test_member_routes_act_only_for_the_member(app, world, route, role):
    get_status, post_check = MEMBER_BEHAVIOUR[route.endpoint]
    client = client_as(app, world, role)
    path = url(app, route, world)
    if "GET" in methods(app, route):
        response = client.get(path)
        assert is_login_redirect(response) if role == "anonymous" else response.status_code == get_status, (
            f"GET {path} as {role}: {response.status_code}"
        )
    before = snapshot()
    response = send(client, "POST", path, route.body(world))
    changes = changed_tables(before, snapshot())
    if role == "anonymous":
        assert is_login_redirect(response) and changes == {}, f"POST {path} anonymously: {response.status_code}"
    else:
        changes.pop("outbox_messages", None)  # mail to the member themselves, if any
        changes.pop("conduct_acknowledgements", None)
        post_check(world, role, response, changes, client)


@pytest.mark.parametrize("route", [route for route in ROUTES if route.access == SELF], ids=lambda route: route.endpoint)
def test_own_account_pages_need_a_log_in(app, world, route):
    client = client_as(app, world, "anonymous")
    for method in methods(app, route):
        before = snapshot()
        response = send(client, method, url(app, route, world), route.body(world))
        assert is_login_redirect(response), f"{method} {route.endpoint} anonymously: {response.status_code}"
        assert changed_tables(before, snapshot()) == {}


@pytest.mark.parametrize("role", ("attendee", "member", "other_host", "admin", "anonymous"))
def test_public_and_own_pages_answer_everyone_without_error(app, world, role):
    for route in ROUTES:
        if route.access not in (PUBLIC, SELF) or (route.access == SELF and role == "anonymous"):
            continue
        client = client_as(app, world, role)
        response = send(client, "GET", url(app, route, world)) if "GET" in methods(app, route) else None
        if response is not None:
            assert response.status_code in (200, 302), f"GET {route.endpoint} as {role}: {response.status_code}"
