"""Every rule of the URL map, fuzzed: each argument of a path replaced by
what can name nothing — a number beyond what the columns hold, text with NUL
or a lone surrogate, other hostile text — and hostile query strings on every
route, sent by someone allowed to use it, every other argument a real
object's (the access sweep's world). Never a 500: an id out of range or a
path with NUL is a plain 404, a query string with NUL a 400."""

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from meetup.database import INTEGER_MAX
from tests.fuzz.hostile import encoded, hostile_text, out_of_range_integers, unstorable_text
from tests.sweep_world import ROUTES, client_as, methods, rule_of, send, world  # noqa: F401  (world: a fixture)

FUZZ = settings(max_examples=6, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))

# What a route reads from its query string, and what it might be tempted to.
QUERY_NAMES = ["q", "theme", "event", "next", "version", "language", "page", "id", "status", "to", "from", "area"]

_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _path(rule, values: dict) -> str:
    """The rule's path with each argument's value percent-encoded as a client
    would send it (lone surrogates too, which werkzeug's builder refuses)."""
    return _ARGUMENT.sub(lambda match: encoded(str(values[match.group(2)])), rule.rule)


def _int_arguments(rule) -> set[str]:
    return {match.group(2) for match in _ARGUMENT.finditer(rule.rule) if match.group(1) == "int"}


class _AnyWorld:
    """Enough of a world to see which routes take arguments, at collection time."""

    def __getattr__(self, name):
        return _AnyWorld() if name == "users" else 0

    def __getitem__(self, key):
        return 0


WITH_ARGUMENTS = [route for route in ROUTES if route.args(_AnyWorld())]


def test_every_rule_with_an_argument_is_fuzzed(app):
    assert {route.endpoint for route in WITH_ARGUMENTS} == {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.arguments
    }


@pytest.mark.slow
@pytest.mark.parametrize("route", WITH_ARGUMENTS, ids=lambda route: route.endpoint)
def test_a_path_naming_nothing_is_not_found(app, world, route):
    rule = rule_of(app, route.endpoint)
    real = route.args(world)
    client = client_as(app, world, route.owner)
    integers = _int_arguments(rule)
    names = sorted(rule.arguments)

    @FUZZ
    @given(
        name=st.sampled_from(names),
        integer=st.one_of(out_of_range_integers(), unstorable_text()),
        text=st.one_of(unstorable_text(), hostile_text()),
    )
    @example(name=min(integers or names), integer=INTEGER_MAX + 1, text="\x00")  # the first id beyond the range
    def send_hostile_argument(name, integer, text):
        value = integer if name in integers else text
        path = _path(rule, {**real, name: value})
        for method in methods(app, route):
            response = send(client, method, path)
            assert response.status_code < 500, f"{method} {path}: {response.status_code}"
            if isinstance(value, int) or "\x00" in value:
                # 405 where another rule has the same path for other methods
                # (werkzeug compares the method before converting the id).
                assert response.status_code in (404, 405), f"{method} {path}: {response.status_code}, not 404"

    send_hostile_argument()


@pytest.mark.slow
@pytest.mark.parametrize(
    "route", [route for route in ROUTES if route.endpoint != "static"], ids=lambda route: route.endpoint
)
def test_a_hostile_query_string_never_breaks_a_route(app, world, route):
    client = client_as(app, world, route.owner)
    path = _path(rule_of(app, route.endpoint), route.args(world))
    text = st.one_of(hostile_text(), unstorable_text(), out_of_range_integers().map(str))

    @FUZZ
    @given(pairs=st.lists(st.tuples(st.one_of(st.sampled_from(QUERY_NAMES), text), text), min_size=1, max_size=3))
    @example(pairs=[("q", "\x00")])
    @example(pairs=[("event", str(INTEGER_MAX + 1))])
    @example(pairs=[("from", "2999-12-31"), ("to", "2999-12-31"), ("area", "online")])  # the last day searchable
    @example(pairs=[("from", "1900-01-01"), ("q", "%_\\"), ("page", str(INTEGER_MAX + 1))])
    def send_hostile_query(pairs):
        query = "&".join(f"{encoded(name)}={encoded(value)}" for name, value in pairs)
        for method in methods(app, route):
            response = send(client, method, f"{path}?{query}")
            assert response.status_code < 500, f"{method} {path}?{query}: {response.status_code}"
            if any("\x00" in name + value for name, value in pairs):
                assert response.status_code == 400, f"{method} {path}?{query}: {response.status_code}, not 400"

    send_hostile_query()
