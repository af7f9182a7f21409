"""The worker (meetup.jobs, ``flask --app meetup worker``): each tick runs
every job's due keys, then sends the mail. A key whose run fails is rolled
back, logged with its reason and tried again later, ever less often, while
the other keys and jobs go on; a mail or database failure is logged and the
next tick tries again; nothing is lost or done twice. Ticks here run at fixed
instants (the ``now`` fixture and after it)."""

import smtplib
from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError

from meetup import jobs
from meetup.events.services.reminders import reminders_due, send_reminders
from meetup.extensions import db
from meetup.jobs import Done, Job, Worker
from meetup.mail.models import OutboxMessage
from tests.concurrency.conftest import free_port
from tests.events.conftest import host, make_event, sign_up_for
from tests.events.helpers import mails

FAILURES = [
    OperationalError("SELECT …", {}, Exception("database is locked\nmore detail")),
    smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    ConnectionResetError("Connection reset by peer"),
]


def queue(user, subject="Hello"):
    message = OutboxMessage(
        recipient_id=user.id, recipient_email=user.email, subject=subject, body="本文\n", kind="test"
    )
    db.session.add(message)
    db.session.commit()
    return message


def tomorrow(make_event, make_user, sign_up_for, now, count=2) -> list[int]:
    """The ids of ``count`` events starting within a day, one attendee each.
    (Ids: a tick ends its session, so loaded objects are let go.)"""
    events = []
    for n in range(count):
        event = make_event(starts_at=now + timedelta(hours=3 + n))
        sign_up_for(event, make_user())
        events.append(event.id)
    return events


def test_a_failing_key_is_logged_retried_later_and_stops_nothing_else(
    app, make_event, make_user, sign_up_for, now, smtp_server, caplog
):
    first, second = tomorrow(make_event, make_user, sign_up_for, now)
    now += timedelta(minutes=1)  # the sign-ups' mail is due
    failing, calls = [True], []

    def flaky(event_id, *, now):
        calls.append(event_id)
        if event_id == first and failing[0]:
            db.session.add(OutboxMessage(recipient_email="half@example.com", subject="half done", body=".", kind="x"))
            db.session.flush()
            raise ValueError("no venue for this event\nsecond line of detail")
        return send_reminders(event_id, now=now)

    other_job = Job("other", lambda now: [7], lambda key, *, now: 1)
    worker = Worker([Job("reminders", reminders_due, flaky), other_job])
    with caplog.at_level("ERROR", logger="meetup"):
        tick = worker.tick(now)
    # The second event and the other job ran in the same tick, and the mail went out.
    assert tick.done == [Done("reminders", second, 1), Done("other", 7, 1)]
    assert tick.failed == 1 and tick.delivery.sent == 3  # two confirmations and the second event's reminder
    assert (
        f"Job reminders failed for event {first} (failure 1), retrying in 30 s: "
        "ValueError: no venue for this event" in caplog.text
    )
    assert "second line" not in caplog.text
    assert mails("x") == []  # the failed run was rolled back

    calls.clear()
    assert worker.tick(now + timedelta(seconds=29)).failed == 0
    assert calls == []  # waits out its backoff
    caplog.clear()
    with caplog.at_level("ERROR", logger="meetup"):
        assert worker.tick(now + timedelta(seconds=30)).failed == 1
    assert calls == [first] and "(failure 2), retrying in 60 s" in caplog.text
    assert worker.tick(now + timedelta(seconds=89)).failed == 0 and calls == [first]

    failing[0] = False  # whatever was wrong is fixed
    tick = worker.tick(now + timedelta(seconds=90))
    assert tick.done == [Done("reminders", first, 1), Done("other", 7, 1)] and tick.failed == 0
    assert worker.failures == {}
    reminders = [m["To"] for m in smtp_server.messages if m["Subject"].startswith("Reminder")]
    assert sorted(reminders) == sorted(r.recipient_email for r in mails("event-reminder"))  # each reminded once
    assert len(reminders) == 2


def test_backoff_doubles_up_to_an_hour():
    assert [jobs.retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 50)] == [30, 60, 120, 3600, 3600]


@pytest.mark.parametrize("error", FAILURES, ids=lambda error: type(error).__name__)
def test_a_mail_failure_is_logged_and_the_next_tick_sends(app, smtp_server, user, monkeypatch, caplog, error, now):
    queue(user)
    now += timedelta(minutes=1)
    calls = []

    def send_pending(now=None, *, stopping):
        calls.append(now)
        if len(calls) == 1:
            raise error
        return real_send_pending(now, stopping=stopping)

    real_send_pending = jobs.send_pending
    monkeypatch.setattr(jobs, "send_pending", send_pending)
    worker = Worker(())
    with caplog.at_level("ERROR", logger="meetup"):
        first = worker.tick(now)
    assert first.failed == 1 and "Mail not sent this time, trying again on the next tick" in caplog.text
    assert "more detail" not in caplog.text
    assert worker.tick(now).delivery == (1, 0, 0)
    assert len(smtp_server.messages) == 1


def test_mail_queued_while_the_smtp_server_is_down_goes_out_once_it_is_back(app, smtp_server, user, now):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there: the server is down
    message = queue(user, subject="Queued during the outage")
    now += timedelta(minutes=1)
    worker = Worker(())
    assert worker.tick(now).delivery == (0, 1, 0)
    assert worker.tick(now + timedelta(minutes=1)).delivery == (0, 0, 0)  # the message waits out its retry
    app.config["MAIL_PORT"] = port  # the server is back
    assert worker.tick(now + timedelta(minutes=1)).delivery == (0, 0, 0)
    assert worker.tick(now + timedelta(minutes=2)).delivery == (1, 0, 0)
    assert worker.tick(now + timedelta(days=1)).delivery == (0, 0, 0)
    assert [m["Subject"] for m in smtp_server.messages] == ["Queued during the outage"]
    message = db.session.get(OutboxMessage, message.id)
    assert message.sent_at == now + timedelta(minutes=2) and message.attempts == 1


def test_when_the_database_is_away_the_tick_ends_and_the_next_one_carries_on(
    app, make_event, make_user, sign_up_for, now, smtp_server, monkeypatch, caplog
):
    (event,) = tomorrow(make_event, make_user, sign_up_for, now, count=1)
    now += timedelta(minutes=1)
    away = [True]

    def due(now):
        if away[0]:
            raise OperationalError("SELECT …", {}, Exception("connection refused\nIs the server running?"))
        return reminders_due(now)

    monkeypatch.setattr(jobs, "_database_answers", lambda: not away[0])
    worker = Worker([Job("reminders", due, send_reminders)])
    with caplog.at_level("WARNING", logger="meetup"):
        for _ in range(3):
            tick = worker.tick(now)
            assert tick.database_away and tick.done == [] and tick.delivery == (0, 0, 0)
    assert caplog.text.count("Database unavailable, trying again on the next tick") == 1  # said once, not every tick
    assert worker.failures == {}  # not the job's fault: no backoff
    away[0] = False
    with caplog.at_level("WARNING", logger="meetup"):
        tick = worker.tick(now)
    assert "Database reachable again." in caplog.text
    assert tick.done == [Done("reminders", event, 1)] and tick.delivery.sent == 2  # with the confirmation


def test_once_a_failure_exits_non_zero_with_one_line(app, make_event, make_user, sign_up_for, now, monkeypatch):
    tomorrow(make_event, make_user, sign_up_for, now, count=1)

    def broken(event_id, *, now):
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "JOBS", (Job("reminders", reminders_due, broken),))
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "Error: Some work failed (see the log); the next run tries it again."


def test_once_runs_every_job_and_sends_the_mail(app, make_event, make_user, sign_up_for, now, smtp_server):
    (event,) = tomorrow(make_event, make_user, sign_up_for, now, count=1)
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"reminders for event {event}: 1 done.",
        "Sent 2 message(s); 0 failed and will be retried; 0 set aside (see the log).",  # with the confirmation
    ]
    again = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert again.output == "Sent 0 message(s); 0 failed and will be retried; 0 set aside (see the log).\n"
    assert len(smtp_server.messages) == 2
