"""Event pages: the ``events`` blueprint (public pages and the host's pages)
and the template filters that show an event's times in its own zone."""

from flask import Blueprint
from flask_babel import format_currency

from meetup.accounts.industries import industry_name
from meetup.events import goals, timezones

bp = Blueprint("events", __name__, url_prefix="/events")


@bp.app_template_filter("event_span")
def event_span(event) -> str:
    return timezones.format_span(event.starts_at, event.ends_at, event.timezone)


@bp.app_template_filter("event_moment")
def event_moment(moment, event) -> str:
    return timezones.format_moment(moment, event.timezone)


@bp.app_template_filter("event_moment_named")
def event_moment_named(moment, event) -> str:
    return timezones.format_moment_named(moment, event.timezone)


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


@bp.app_template_filter("goal_name")
def goal_name(code: str, event) -> str:
    return goals.goal_name(code, event.custom_goals)


@bp.app_template_filter("industry")
def industry(user) -> str:
    return industry_name(user.industry, user.industry_other)


from meetup.events.views import host, messages, public  # noqa: E402,F401  (routes register on bp)
