"""Demo data: a year of past evenings with published tables and matches,
tonight's mixer, a full upcoming event with a waitlist, and a draft."""

from sqlalchemy import func, select

from meetup.demo import LOTTERY_DRAWN_TITLE, LOTTERY_OPEN_TITLE
from meetup.events.models import DRAFT, PUBLISHED, WAITLISTED, Event, Registration
from meetup.events.queries import events as event_queries
from meetup.extensions import db
from meetup.timeutil import utcnow


def test_demo_has_history_tonight_a_full_event_with_a_waitlist_and_a_draft_once(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    lotteries = {LOTTERY_OPEN_TITLE, LOTTERY_DRAWN_TITLE}
    events = [e for e in db.session.scalars(select(Event).order_by(Event.starts_at)) if e.title not in lotteries]
    assert [e.state for e in events] == [PUBLISHED] * 14 + [DRAFT]
    *past, tonight, published, draft = events
    assert published.host.email == "host@example.com"
    counts = event_queries.counts(published.id)
    assert (counts.confirmed, counts.waitlisted) == (published.capacity, 4)
    assert draft.series_id == published.series_id is not None
    assert event_queries.counts(tonight.id).checked_in == 0 < event_queries.counts(tonight.id).confirmed
    assert db.session.scalar(select(func.count()).select_from(Event)) == 17


def test_demo_has_a_lottery_before_its_draw_and_one_drawn_with_a_waitlist_in_draw_order(app):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    now = utcnow()
    open_ = db.session.scalar(select(Event).where(Event.title == LOTTERY_OPEN_TITLE))
    assert open_.state == PUBLISHED and open_.drawn_at is None and open_.draw_at > now
    assert event_queries.counts(open_.id).applied >= 5
    drawn = db.session.scalar(select(Event).where(Event.title == LOTTERY_DRAWN_TITLE))
    assert drawn.drawn_at is not None and drawn.starts_at > now
    seats = event_queries.counts(drawn.id)
    assert (seats.confirmed, seats.applied) == (drawn.capacity, 0) and seats.waitlisted >= 3
    waiting = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == drawn.id, Registration.status == WAITLISTED)
        .order_by(Registration.queue_number)
    ).all()
    positions = [r.draw_position for r in waiting]
    assert positions == sorted(positions) and positions[0] == drawn.capacity + 1


def test_demo_past_evenings_give_tonights_people_history_and_matches(app):
    from meetup.seating.instance import build_instance

    app.test_cli_runner().invoke(args=["demo"])
    tonight = db.session.scalar(select(Event).where(Event.title.like("今夜%")))
    instance = build_instance(tonight).instance
    assert any(h["mutual"] for h in instance["history"])
    assert sum(h["met"] >= 1 for h in instance["history"]) >= 10
    assert any(not p["first_time"] for p in instance["people"])


def test_demo_has_a_site_admin_and_an_open_report_in_the_hosts_queue(app):
    from meetup.accounts.models import User
    from meetup.rules.models import Report

    app.test_cli_runner().invoke(args=["demo"])
    assert db.session.scalar(select(User).where(User.email == "admin@example.com")).is_admin
    [report] = db.session.scalars(select(Report)).all()
    assert (report.category, report.status) == ("selling", "open")


def test_demo_evenings_belong_to_one_community_run_with_a_co_host_and_door_staff(app):
    from meetup.communities import queries as communities
    from meetup.communities.models import Community

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    [community] = db.session.scalars(select(Community)).all()
    assert community.name == "渋谷 士業・異業種交流会" and community.description
    assert set(db.session.scalars(select(Event.community_id))) == {community.id}
    team = {(member.user.email, member.role) for member in communities.members(community.id)}
    assert team == {("host@example.com", "owner"), ("cohost@example.com", "co-host"), ("door@example.com", "door")}
