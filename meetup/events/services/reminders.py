"""The day-before reminder, queued once per confirmed attendee.

A job of the worker (meetup.jobs): ``reminders_due`` lists the events that
start within a day and still have someone to remind; ``send_reminders``
handles one event in its own locked transaction, stamping each attendee it
reminds, so two workers at once never remind anyone twice.
"""

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from meetup.events.models import CONFIRMED, PUBLISHED, Event, Registration
from meetup.events.notify import notify
from meetup.events.services.locking import locked_event
from meetup.extensions import db

REMIND_WITHIN = timedelta(hours=24)


def _unreminded(event_id):
    return (
        Registration.event_id == event_id,
        Registration.status == CONFIRMED,
        Registration.reminder_sent_at.is_(None),
    )


def reminders_due(now: datetime) -> list[int]:
    """The published events starting in the next 24 hours with someone
    confirmed who has not had a reminder."""
    return list(
        db.session.scalars(
            select(Event.id)
            .where(
                Event.state == PUBLISHED,
                Event.starts_at > now,
                Event.starts_at <= now + REMIND_WITHIN,
                exists().where(*_unreminded(Event.id)),
            )
            .order_by(Event.starts_at, Event.id)
        )
    )


def send_reminders(event_id: int, *, now: datetime) -> int:
    """Queue the reminder for everyone confirmed for this event who has not
    had one, if it is still published and starts within a day; return how
    many were queued."""
    with locked_event(event_id) as event:
        if event.state != PUBLISHED or not now < event.starts_at <= now + REMIND_WITHIN:
            return 0
        due = db.session.scalars(
            select(Registration).where(*_unreminded(event.id)).options(joinedload(Registration.user))
        )
        queued = 0
        for registration in due:
            notify(registration, "event-reminder")
            registration.reminder_sent_at = now
            queued += 1
        return queued
