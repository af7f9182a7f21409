"""Conduct fixtures: an evening that has happened (everyone checked in and
seated), and short ways to report, block and moderate through the services."""

import pytest

from meetup.conduct import blocks, reports
from meetup.seating import services as seating
from tests.conftest import csrf_token
from tests.seating.conftest import INDUSTRIES, evening  # noqa: F401  (shared fixtures)
from tests.events.conftest import event, host, make_event, sign_up_for  # noqa: F401
from tests.matching.conftest import client_for  # noqa: F401  (a client logged in as someone)


@pytest.fixture
def attended(evening, host, now):
    """An evening of eight, checked in, tables published: (event, users)."""
    event, users = evening(people=8, rounds=2)
    seating.form_tables(host, event.id)
    seating.publish(host, event.id, now=now)
    return event, users


@pytest.fixture
def file_report(now):
    """Factory: ``reporter`` reports ``reported`` at ``event`` (selling, unless told)."""

    def make(event, reporter, reported, category="selling", description="Kept pushing a Zeta Holdings deal.",
             **place):
        return reports.report(reporter, event.id, reported.id, category=category, description=description,
                              now=now, **place)

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
