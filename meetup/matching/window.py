"""When an event's meet-again window opens and closes.

It opens when the event starts (people see their tables) and closes
``meet_again_days`` after it ends; the reveal follows the close.
"""

from datetime import datetime, timedelta

from meetup.events.models import Event


def opens_at(event: Event) -> datetime:
    return event.starts_at


def closes_at(event: Event) -> datetime:
    return event.ends_at + timedelta(days=event.meet_again_days)


def is_open(event: Event, now: datetime) -> bool:
    return opens_at(event) <= now < closes_at(event)


def is_closed(event: Event, now: datetime) -> bool:
    return now >= closes_at(event)
