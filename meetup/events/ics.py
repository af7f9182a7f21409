"""An event as an iCalendar file, for the attendee's own calendar: the event
page's download, and the attachment of the registration mails."""

from datetime import UTC

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from meetup.events.models import CANCELLED, Event


def event_calendar(event: Event, url: str, *, with_online_link: bool) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//meetup//events//EN")
    calendar.add("version", "2.0")
    # A published entry to keep, not an invitation to answer (RFC 5546); the
    # mail's Content-Type names the same method.
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    # Stable per event, so re-importing updates the entry instead of adding one.
    entry.add("uid", f"event-{event.id}@meetup")
    entry.add("summary", event.title)
    entry.add("dtstart", event.starts_at.replace(tzinfo=UTC))
    entry.add("dtend", event.ends_at.replace(tzinfo=UTC))
    entry.add("dtstamp", (event.published_at or event.created_at).replace(tzinfo=UTC))
    location = event.venue or (event.online_url if with_online_link else "")
    if location:
        entry.add("location", location)
    description = [event.theme, event.description, url]
    if with_online_link and event.online_url:
        description.append(event.online_url)
    entry.add("description", "\n\n".join(part for part in description if part))
    entry.add("url", url)
    entry.add("status", "CANCELLED" if event.state == CANCELLED else "CONFIRMED")
    calendar.add_component(entry)
    return calendar.to_ical()
