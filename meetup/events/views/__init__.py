"""Event pages: the ``events`` blueprint (public pages and the host's pages)
and the template filters that show an event's times in its own zone."""

from urllib.parse import urlencode

from flask import Blueprint
from flask_babel import format_currency, get_locale
from flask_babel import gettext as _

from meetup.accounts.industries import industry_name
from meetup.events import areas, goals, timezones

bp = Blueprint("events", __name__, url_prefix="/events")


@bp.app_template_filter("event_span")
def event_span(event) -> str:
    return timezones.format_span(event.starts_at, event.ends_at, event.timezone)


@bp.app_template_filter("event_span_labelled")
def event_span_labelled(event) -> str:
    """The evening's times with their zone named: "… 19:00–21:30 (JST)" / "(日本時間)"."""
    span = timezones.format_span_plain(event.starts_at, event.ends_at, event.timezone)
    return f"{span} ({zone_label(event)})"


@bp.app_template_filter("zone_label")
def zone_label(event) -> str:
    """ "JST" / "日本時間" for an evening in Japan; the zone's abbreviation elsewhere."""
    if event.timezone == timezones.DEFAULT:
        return _("JST")
    return timezones.abbreviation(event.starts_at, event.timezone)


@bp.app_template_filter("map_link")
def map_link(venue: str) -> str:
    """A plain link that opens the venue in a map (the reader's map app or site; nothing embedded)."""
    return "https://www.google.com/maps/search/?" + urlencode({"api": "1", "query": venue})


@bp.app_template_filter("area_name")
def area_name(code) -> str:
    return areas.area_name(code, str(get_locale() or "en"))


@bp.app_template_filter("event_moment")
def event_moment(moment, event) -> str:
    return timezones.format_moment(moment, event.timezone)


@bp.app_template_filter("event_moment_named")
def event_moment_named(moment, event) -> str:
    return timezones.format_moment_named(moment, event.timezone)


@bp.app_template_filter("event_moment_labelled")
def event_moment_labelled(moment, event) -> str:
    """A moment with the zone labelled as the event page labels its times: "… 18:00 (JST)" / "(日本時間)"."""
    return f"{event_date(moment, event)} {event_clock(moment, event)} ({zone_label(event)})"


@bp.app_template_filter("event_date")
def event_date(moment, event) -> str:
    return timezones.format_date(moment, event.timezone)


@bp.app_template_filter("event_clock")
def event_clock(moment, event) -> str:
    return timezones.format_clock(moment, event.timezone)


@bp.app_template_filter("yen")
def yen(amount: int) -> str:
    """An amount in yen as the reader writes it (¥3,000; ￥3,000)."""
    return format_currency(amount, "JPY")


@bp.app_template_filter("fee")
def fee(event) -> str:
    """What the evening costs, in one line: the amount paid at the door, and the host's note."""
    text = _("%(amount)s (tax included), pay at the door", amount=yen(event.fee_yen)) if event.fee_yen else _("Free")
    return f"{text} · {event.fee_note}" if event.fee_note else text


@bp.app_template_filter("goal_name")
def goal_name(code: str, event) -> str:
    return goals.goal_name(code, event.custom_goals)


@bp.app_template_filter("industry")
def industry(user) -> str:
    return industry_name(user.industry, user.industry_other)


from meetup.events.views import host, lottery, messages, public  # noqa: E402,F401  (routes register on bp)
