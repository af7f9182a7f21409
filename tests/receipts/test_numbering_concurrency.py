"""Receipt numbers under concurrency (issue 19, "Done when"): receipts issued
at the same moment, at two evenings of one community (so two different
evening locks), each from its own connection, never share a number, and the
numbers run 1, 2, 3… with none skipped. On SQLite and on PostgreSQL, against
a database that really commits."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from meetup.accounts.models import User
from meetup.communities.models import Community
from meetup.events.models import CASH, Registration
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in
from meetup.events.services.registration import register
from meetup.extensions import db
from meetup.receipts.models import Receipt
from meetup.receipts.services.issuing import issue_receipt
from tests.clock import NOW
from tests.conftest import read_afresh
from tests.events.helpers import event_details
from tests.events.test_concurrency import crowd_app, simultaneously  # noqa: F401  (crowd_app: a fixture)

PER_EVENING = 12


@pytest.fixture
def two_evenings(committing_app):
    """Two evenings of one community with a fee, everyone at both paid (committed)."""
    host = User(email="host@example.com", password_hash="!", display_name="Host", industry="it", email_confirmed_at=NOW)
    people = [
        User(email=f"p{n}@example.com", password_hash="!", display_name=f"P {n}", industry="it", email_confirmed_at=NOW)
        for n in range(2 * PER_EVENING)
    ]
    db.session.add_all([host, *people])
    db.session.commit()
    first = hosting.create_event(host, event_details(NOW, starts_at=NOW + timedelta(hours=1)), now=NOW)
    second = hosting.create_event(
        host,
        event_details(NOW, starts_at=NOW + timedelta(hours=2), community_id=first.community_id),
        now=NOW,
    )
    jobs = []
    for event, group in ((first, people[:PER_EVENING]), (second, people[PER_EVENING:])):
        event.fee_yen = 3000
        hosting.publish_event(host, event.id, now=NOW)
        for person in group:
            registration = register(person, event.id, goals=["learn"], intro="", acknowledged=True, now=NOW)
            check_in(host, event.id, registration.id, now=NOW, payment=CASH)
            jobs.append((event.id, person.id))
    return first.community_id, jobs


def issuing(event_id, user_id):
    def job():
        return issue_receipt(db.session.get(User, user_id), event_id, f"P {user_id} 様", now=NOW).number

    return job


def test_receipts_issued_at_once_never_share_a_number(crowd_app, two_evenings):
    community_id, jobs = two_evenings
    results, errors = simultaneously(crowd_app, [issuing(event_id, user_id) for event_id, user_id in jobs])

    assert errors == []
    assert sorted(results) == list(range(1, len(jobs) + 1))
    read_afresh()
    numbers = db.session.scalars(select(Receipt.number).where(Receipt.community_id == community_id)).all()
    assert sorted(numbers) == list(range(1, len(jobs) + 1))
    assert db.session.get(Community, community_id).receipts_issued == len(jobs)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == len(jobs)


def test_the_same_receipt_asked_for_twice_at_once_is_issued_once(crowd_app, two_evenings):
    community_id, jobs = two_evenings
    event_id, user_id = jobs[0]
    results, errors = simultaneously(crowd_app, [issuing(event_id, user_id) for _ in range(6)])

    assert errors == [] and results == [1] * 6
    read_afresh()
    (receipt,) = db.session.scalars(select(Receipt)).all()
    assert (receipt.number, receipt.times_issued) == (1, 6)
    assert db.session.get(Community, community_id).receipts_issued == 1
