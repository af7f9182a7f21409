"""Small helpers shared by the event tests."""

from datetime import timedelta

from sqlalchemy import select

from meetup.events.models import Registration
from meetup.events.services import events as hosting
from meetup.extensions import db
from meetup.mail.models import OutboxMessage


def event_details(now, **overrides) -> hosting.EventDetails:
    starts_at = overrides.pop("starts_at", now + timedelta(days=7))
    values = dict(
        title="Shibuya professionals' mixer",
        theme="士業交流会",
        description="Tables of five, three rounds.",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=30,
        venue="Shibuya Hikarie 8F",
        area="13",
        goals=["learn", "peers", "practice-speaking"],
    )
    values.update(overrides)
    return hosting.EventDetails(**values)


def mails(kind=None, to=None) -> list[OutboxMessage]:
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        statement = statement.where(OutboxMessage.kind == kind)
    if to is not None:
        statement = statement.where(OutboxMessage.recipient_id == to.id)
    return list(db.session.scalars(statement))


def statuses(event) -> dict[int, str]:
    return dict(
        db.session.execute(
            select(Registration.user_id, Registration.status).where(Registration.event_id == event.id)
        ).all()
    )


def queue_reminders(*, now) -> int:
    """What one tick of the worker does for the reminders: every due event, one by one."""
    from meetup.events.services.reminders import reminders_due, send_reminders

    return sum(send_reminders(event_id, now=now) for event_id in reminders_due(now))
