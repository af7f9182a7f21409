"""The day-before reminder, queued once per confirmed attendee.

Run by ``flask --app meetup send-reminders`` (e.g. hourly from cron). Each
event is handled in its own locked transaction, so two overlapping runs
never remind anyone twice.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from meetup.events.models import CONFIRMED, PUBLISHED, Event, Registration
from meetup.events.notify import notify
from meetup.events.services.locking import locked_event
from meetup.extensions import db

REMIND_WITHIN = timedelta(hours=24)


def queue_reminders(*, now: datetime) -> int:
    """Queue a reminder for everyone confirmed for an event starting in the
    next 24 hours who has not had one; return how many were queued."""
    event_ids = list(
        db.session.scalars(
            select(Event.id).where(
                Event.state == PUBLISHED, Event.starts_at > now, Event.starts_at <= now + REMIND_WITHIN
            )
        )
    )
    queued = 0
    for event_id in event_ids:
        with locked_event(event_id) as event:
            if event.state != PUBLISHED:
                continue
            due = db.session.scalars(
                select(Registration)
                .where(
                    Registration.event_id == event.id,
                    Registration.status == CONFIRMED,
                    Registration.reminder_sent_at.is_(None),
                )
                .options(joinedload(Registration.user))
            )
            for registration in due:
                notify(registration, "event-reminder")
                registration.reminder_sent_at = now
                queued += 1
    return queued
