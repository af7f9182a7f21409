"""benchmarks/rush.py in miniature, so the benchmark cannot rot unnoticed:
40 people, already logged in, register for a 5-seat evening within half a
second, through the benchmark's own client and checks."""

from benchmarks.rush import log_in, outcome, rush
from meetup.events.services import events as hosting
from tests.clock import NOW
from tests.concurrency.conftest import add_people
from tests.events.helpers import event_details

PEOPLE, SEATS = 40, 5


def test_a_small_rush_settles_exactly_the_seats_in_queue_order(gunicorn, committing_app, no_server_errors):
    host, = add_people("host", 1)
    event = hosting.create_event(host, event_details(NOW, capacity=SEATS), now=NOW)
    hosting.publish_event(host, event.id, now=NOW)
    people = log_in(gunicorn, [(user.id, user.email) for user in add_people("rush", PEOPLE)], event.id)

    presses = rush(gunicorn, event.id, people, spread=0.5)

    result = outcome(event.id, presses)
    assert (result.confirmed, result.waitlisted, result.errors) == (SEATS, PEOPLE - SEATS, {})
    assert result.order_problems == []
