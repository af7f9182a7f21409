"""Links in mail point at BASE_URL: from the worker and cron (no request) as
from a request, whatever address that request came in on."""

import pytest

from meetup.config import ConfigError
from meetup.mail import external_url

BASE = "https://meetup.example/community"
INTERNAL = "http://app-3.internal:8000/community"  # a server's own address, behind the proxy


@pytest.fixture
def site(make_app, database_url):
    return make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "BASE_URL": BASE})


def test_a_link_made_outside_a_request_points_at_base_url(site):
    with site.app_context():
        assert external_url("events.show", event_id=7) == f"{BASE}/events/7"


def test_a_link_made_during_a_request_on_an_internal_address_points_at_base_url(site):
    with site.test_request_context("/events/7/cancel-registration", method="POST", base_url=INTERNAL):
        assert external_url("events.show", event_id=7) == f"{BASE}/events/7"


def test_the_app_still_answers_on_any_address_it_is_served_at(site):
    """BASE_URL becomes Flask's SERVER_NAME, which (Flask 3.1, no host or
    subdomain matching) does not restrict the hosts a request may name."""
    client = site.test_client()
    for base_url in (INTERNAL, "http://127.0.0.1:8000/community", BASE):
        assert client.get("/healthz", base_url=base_url).status_code == 200


@pytest.mark.parametrize("base_url", ["meetup.example", "ftp://meetup.example", "https://", "/community"])
def test_a_base_url_that_is_not_a_full_address_stops_the_app_with_a_clear_message(make_app, database_url, base_url):
    with pytest.raises(ConfigError, match="BASE_URL must be a full address"):
        make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "BASE_URL": base_url})
