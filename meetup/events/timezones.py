"""Event time zones: entering and showing an event's times where it happens.

The database keeps naive UTC; a host types local wall-clock time and every
attendee reads it in the event's zone, whatever their own device says.
"""

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time, get_timezone_name
from flask_babel import get_locale

DEFAULT = "Asia/Tokyo"
# Where this product's hosts run events; a short list keeps the form usable.
CHOICES = (
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Taipei",
    "Asia/Hong_Kong",
    "Asia/Singapore",
    "Asia/Bangkok",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Honolulu",
    "Europe/London",
    "Europe/Paris",
    "America/New_York",
    "America/Los_Angeles",
    "UTC",
)


def to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in ``zone`` as the naive UTC the database stores."""
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).replace(tzinfo=None)


def to_local(utc: datetime, zone: str) -> datetime:
    """Stored naive UTC as an aware datetime in ``zone``."""
    return utc.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))


def local_date(utc: datetime, zone: str) -> date:
    """The date in ``zone`` at a stored naive UTC instant."""
    return to_local(utc, zone).date()


def _locale() -> str:
    return str(get_locale())


def format_date(utc: datetime, zone: str) -> str:
    """E.g. "Thu, Nov 19, 2026" / "2026年11月19日(木)", in the current language."""
    return _format_date(utc, zone, _locale())


def format_clock(utc: datetime, zone: str) -> str:
    return _format_clock(utc, zone, _locale())


def format_span(start: datetime, end: datetime, zone: str) -> str:
    """The evening in one line: date, start–end, and the zone if it is not Tokyo."""
    return _format_span(start, end, zone, _locale())


def format_span_plain(start: datetime, end: datetime, zone: str) -> str:
    """``format_span`` without the zone's name, for a page that labels the zone itself."""
    return _format_span(start, end, zone, _locale(), named=False)


def abbreviation(utc: datetime, zone: str) -> str:
    """The zone's abbreviation at that moment: "KST", "GMT" or "BST"; "UTC+08" where it has none."""
    name = to_local(utc, zone).tzname() or zone
    return f"UTC{name}" if name[:1] in "+-" else name


def format_moment(utc: datetime, zone: str) -> str:
    locale = _locale()
    text = f"{_format_date(utc, zone, locale)} {_format_clock(utc, zone, locale)}"
    return text if zone == DEFAULT else f"{text} ({zone})"


def format_moment_named(utc: datetime, zone: str) -> str:
    """E.g. "Thu, Nov 19, 2026 21:00 (Japan Time)" / "2026年11月19日(木) 21:00 (日本時間)":
    the zone always named, for a deadline read in a mail, wherever the reader is."""
    locale = _locale()
    return f"{_format_date(utc, zone, locale)} {_format_clock(utc, zone, locale)} ({_zone_name(zone, locale)})"


# Pure functions of their arguments, called on every event page for the same
# few evenings: remembered, since Babel's formatting is not cheap.
@lru_cache(maxsize=4096)
def _format_date(utc: datetime, zone: str, locale: str) -> str:
    return format_skeleton("yMMMEd", to_local(utc, zone), locale=locale)


@lru_cache(maxsize=4096)
def _format_clock(utc: datetime, zone: str, locale: str) -> str:
    return format_time(to_local(utc, zone), "HH:mm", locale=locale)


@lru_cache(maxsize=4096)
def _format_span(start: datetime, end: datetime, zone: str, locale: str, named: bool = True) -> str:
    day, clock = _format_date(start, zone, locale), _format_clock(start, zone, locale)
    text = f"{day} {clock}–{_format_clock(end, zone, locale)}"
    if local_date(start, zone) != local_date(end, zone):
        text = f"{day} {clock} – {_format_date(end, zone, locale)} {_format_clock(end, zone, locale)}"
    return text if zone == DEFAULT or not named else f"{text} ({zone})"


@lru_cache(maxsize=64)
def _zone_name(zone: str, locale: str) -> str:
    # Babel names UTC by its region, "Unknown Region (UTC) Time".
    return "UTC" if zone == "UTC" else get_timezone_name(ZoneInfo(zone), locale=locale)
