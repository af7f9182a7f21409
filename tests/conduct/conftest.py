"""Conduct fixtures: an evening under way (everyone checked in and seated),
and short ways to report, block and moderate through the services."""

from datetime import timedelta

import pytest

from meetup.conduct.services import blocks, reports
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import forming, publishing
from tests.conftest import csrf_token
from tests.events.conftest import event, host, make_event, sign_up_for  # noqa: F401
from tests.matching.conftest import client_for, shift_event  # noqa: F401  (a client logged in as someone)
from tests.seating.conftest import INDUSTRIES, evening  # noqa: F401  (shared fixtures)


@pytest.fixture
def attended(evening, host, now):
    """An evening of eight, checked in, tables published, that started an
    hour before ``now``: (event, users). users[0] to users[3] shared a table
    in the first round, users[4] to users[7] the other one: only people who
    met may see, report or block each other."""
    event, users = evening(people=8, rounds=2)
    forming.form_tables(host, event.id)
    published = publishing.publish(host, event.id, now=now)
    shift_event(event.id, timedelta(hours=-2))
    by_id = {user.id: user for user in users}
    return event, [by_id[user_id] for table in table_queries.grid(published)[0] for user_id in table]


@pytest.fixture
def file_report(now):
    """Factory: ``reporter`` reports ``reported`` at ``event`` (selling, unless told)."""

    def make(event, reporter, reported, category="selling", description="Kept pushing a Zeta Holdings deal.", **place):
        return reports.report(
            reporter, event.id, reported.id, category=category, description=description, now=now, **place
        )

    return make


@pytest.fixture
def block_person(now):
    def make(event, blocker, blocked):
        return blocks.block(blocker, event.id, blocked.id, now=now)

    return make


def post(client, path, page, **data):
    """POST as the browser would: with the CSRF token of the page the form is on."""
    data["csrf_token"] = csrf_token(client, page)
    return client.post(path, data=data)
