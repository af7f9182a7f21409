"""Two workers at once draw a lottery once: ``flask --app meetup worker --once``
started twice at the same instant, as two processes on the same database,
sending to one real SMTP server; then a third run, as after a restart.

What applicants care about: one draw, one seed, exactly the seats there are,
and one result mail each, however many workers run.
"""

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from meetup.events.models import CONFIRMED, LOTTERY, WAITLISTED, Event, Registration
from meetup.events.services import events as hosting
from meetup.events.services.lottery import draw_order
from meetup.events.services.registration import register
from meetup.extensions import db
from tests.clock import NOW
from tests.concurrency.conftest import CommandGate, add_people, jobs_done
from tests.events.helpers import event_details, mails

APPLICANTS = 20
CAPACITY = 5
EVENINGS = 8  # several due at once, so the two workers' runs overlap


def lotteries_due_now() -> list[int]:
    """Published lottery evenings whose draw time has just passed, each with its applicants."""
    host = add_people("draw-host", 1)[0]
    people = add_people("applicant", APPLICANTS)
    for n, person in enumerate(people):
        person.language = ("en", "ja")[n % 2]
    db.session.commit()
    then, evenings = NOW - timedelta(days=2), []
    for k in range(EVENINGS):
        details = event_details(
            then, title=f"Lottery {k}", capacity=CAPACITY, admission=LOTTERY, draw_at=NOW - timedelta(minutes=1)
        )
        event = hosting.create_event(host, details, now=then)
        hosting.publish_event(host, event.id, now=then)
        for n, person in enumerate(people):
            register(person, event.id, goals=["learn"], intro="", acknowledged=True, now=then + timedelta(minutes=n))
        evenings.append(event.id)
    return evenings


def run_workers(command_gate, committing_app, count):
    port = str(committing_app.config["MAIL_PORT"])
    for _ in range(count):
        command_gate.start("worker", "--once", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    command_gate.wait_until_ready()
    command_gate.release()
    outcomes = command_gate.results()
    assert [status for status, _out, _err in outcomes] == [0] * count, [err for _status, _out, err in outcomes]
    return [jobs_done(out, "draws") for _status, out, _err in outcomes]


def test_two_workers_at_once_draw_once_and_a_restart_does_nothing(
    committing_app, command_gate, smtp_server, tmp_path, database_url
):
    evenings = lotteries_due_now()
    db.session.remove()  # no open transaction of ours while the workers run

    drawn = run_workers(command_gate, committing_app, 2)
    print(f"the two workers drew {drawn} applications")
    assert sum(drawn) == EVENINGS * APPLICANTS

    draws = {event_id: db.session.get(Event, event_id) for event_id in evenings}
    stamps = {event_id: (event.draw_seed, event.drawn_at) for event_id, event in draws.items()}
    assert all(seed is not None and drawn_at is not None for seed, drawn_at in stamps.values())
    for event_id in evenings:
        mine = Registration.event_id == event_id
        statuses = Counter(db.session.scalars(select(Registration.status).where(mine)))
        assert statuses == Counter({CONFIRMED: CAPACITY, WAITLISTED: APPLICANTS - CAPACITY}), "exact capacity"
        order = list(db.session.scalars(select(Registration.id).where(mine).order_by(Registration.draw_position)))
        positions = sorted(db.session.scalars(select(Registration.draw_position).where(mine)))
        assert positions == list(range(1, APPLICANTS + 1))
        seed = bytes.fromhex(stamps[event_id][0])
        assert draw_order(seed, order) == order, "the recorded seed is the one that drew (not a second draw's)"

    results = [m for m in mails() if m.kind in ("lottery-seat", "lottery-waitlisted")]
    told = Counter((m.recipient_id, m.subject) for m in results)
    assert set(told.values()) == {1}, "one result mail per applicant and evening"
    assert len(results) == EVENINGS * APPLICANTS
    assert sum(m.kind == "lottery-seat" for m in results) == EVENINGS * CAPACITY
    assert sum(m.subject.startswith("抽選の結果") for m in results) == EVENINGS * APPLICANTS // 2
    arrived = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert all(arrived[m.message_id] == 1 for m in results)

    db.session.remove()
    (tmp_path / "restart").mkdir()
    restart = CommandGate(tmp_path / "restart", database_url)
    assert run_workers(restart, committing_app, 1) == [0], "a restarted worker draws nothing"
    assert {event_id: (e.draw_seed, e.drawn_at) for event_id, e in _events(evenings).items()} == stamps
    confirmed = select(func.count()).select_from(Registration).where(Registration.status == CONFIRMED)
    assert db.session.scalar(confirmed) == EVENINGS * CAPACITY


def _events(ids):
    return {event_id: db.session.get(Event, event_id) for event_id in ids}
