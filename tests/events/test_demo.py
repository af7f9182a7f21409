"""Demo data includes a full upcoming event with a waitlist, and a draft."""

from sqlalchemy import func, select

from meetup.events import queries
from meetup.events.models import DRAFT, PUBLISHED, Event
from meetup.extensions import db


def test_demo_has_a_full_event_with_a_waitlist_and_a_draft_once(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    events = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    assert [e.state for e in events] == [PUBLISHED, DRAFT]
    published, draft = events
    assert published.host.email == "host@example.com"
    counts = queries.counts(published.id)
    assert (counts.confirmed, counts.waitlisted) == (published.capacity, 4)
    assert draft.series_id == published.series_id is not None
    assert db.session.scalar(select(func.count()).select_from(Event)) == 2
