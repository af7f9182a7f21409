"""Event time zones: entering and showing an event's times where it happens.

The database keeps naive UTC; a host types local wall-clock time and every
attendee reads it in the event's zone, whatever their own device says.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time
from flask_babel import get_locale

DEFAULT = "Asia/Tokyo"
# Where this product's hosts run events; a short list keeps the form usable.
CHOICES = (
    "Asia/Tokyo", "Asia/Seoul", "Asia/Shanghai", "Asia/Taipei", "Asia/Hong_Kong", "Asia/Singapore",
    "Asia/Bangkok", "Asia/Kolkata", "Australia/Sydney", "Pacific/Honolulu", "Europe/London",
    "Europe/Paris", "America/New_York", "America/Los_Angeles", "UTC",
)


def to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in ``zone`` as the naive UTC the database stores."""
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).replace(tzinfo=None)


def to_local(utc: datetime, zone: str) -> datetime:
    """Stored naive UTC as an aware datetime in ``zone``."""
    return utc.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))


def format_date(utc: datetime, zone: str) -> str:
    """E.g. "Thu, Nov 19, 2026" / "2026年11月19日(木)", in the current language."""
    return format_skeleton("yMMMEd", to_local(utc, zone), locale=str(get_locale()))


def format_clock(utc: datetime, zone: str) -> str:
    return format_time(to_local(utc, zone), "HH:mm", locale=str(get_locale()))


def format_span(start: datetime, end: datetime, zone: str) -> str:
    """The evening in one line: date, start–end, and the zone if it is not Tokyo."""
    text = f"{format_date(start, zone)} {format_clock(start, zone)}–{format_clock(end, zone)}"
    if to_local(start, zone).date() != to_local(end, zone).date():
        text = f"{format_date(start, zone)} {format_clock(start, zone)} – {format_date(end, zone)} {format_clock(end, zone)}"
    return text if zone == DEFAULT else f"{text} ({zone})"


def format_moment(utc: datetime, zone: str) -> str:
    text = f"{format_date(utc, zone)} {format_clock(utc, zone)}"
    return text if zone == DEFAULT else f"{text} ({zone})"
