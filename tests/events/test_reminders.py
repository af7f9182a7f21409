"""The day-before reminder: queued once per confirmed attendee."""

from datetime import timedelta

from meetup.events.services.registration import cancel_registration
from meetup.events.services.reminders import reminders_due, send_reminders
from tests.events.helpers import mails, queue_reminders


def test_confirmed_attendees_of_events_within_a_day_get_one_reminder(make_event, make_user, sign_up_for, now):
    soon = make_event(capacity=1, starts_at=now + timedelta(hours=20))
    later = make_event(starts_at=now + timedelta(hours=30))
    seated, waiting, gone, next_week = make_user(), make_user(), make_user(), make_user()
    sign_up_for(soon, seated)
    sign_up_for(soon, waiting)
    sign_up_for(later, next_week)
    sign_up_for(later, gone)
    cancel_registration(gone, later.id, now=now)

    assert queue_reminders(now=now) == 1
    (reminder,) = mails("event-reminder")
    assert reminder.recipient_id == seated.id
    assert reminder.subject == "Reminder: Shibuya professionals' mixer"
    assert "Shibuya Hikarie 8F" in reminder.body
    assert f"http://localhost/events/{soon.id}\n" in reminder.body  # the testing BASE_URL

    assert reminders_due(now + timedelta(minutes=30)) == []  # never twice
    assert send_reminders(soon.id, now=now + timedelta(minutes=30)) == 0  # not even when run again regardless
    assert queue_reminders(now=now + timedelta(hours=7)) == 1  # the later event is now within a day
    assert [m.recipient_id for m in mails("event-reminder")] == [seated.id, next_week.id]


def test_an_event_that_started_or_is_days_away_gets_no_reminder(make_event, user, sign_up_for, now):
    event = make_event(starts_at=now + timedelta(hours=3))
    sign_up_for(event, user)
    assert send_reminders(event.id, now=now - timedelta(days=2)) == 0
    assert send_reminders(event.id, now=now + timedelta(hours=4)) == 0
    assert mails("event-reminder") == []


def test_the_worker_queues_reminders_and_says_so(app, make_event, user, sign_up_for, now, smtp_server):
    event = make_event(starts_at=now + timedelta(hours=3))
    sign_up_for(event, user)
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert f"reminders for event {event.id}: 1 done." in result.output
    assert len(mails("event-reminder", to=user)) == 1
    assert [m["Subject"] for m in smtp_server.messages if m["To"] == user.email][-1].startswith("Reminder:")
