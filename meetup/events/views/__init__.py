"""Event pages: the ``events`` blueprint (public pages and the host's pages)
and the template filters that show an event's times in its own zone."""

from flask import Blueprint
from jinja2 import pass_context

from meetup.accounts.industries import industry_name
from meetup.events import goals, timezones
from meetup.web import render_gettext, render_locale

bp = Blueprint("events", __name__, url_prefix="/events")


# Filters read the render's locale and translations from the template
# context (meetup.web) rather than looking them up again for every call.

@bp.app_template_filter("event_span")
@pass_context
def event_span(context, event) -> str:
    return timezones.format_span(event.starts_at, event.ends_at, event.timezone, render_locale(context))


@bp.app_template_filter("event_moment")
@pass_context
def event_moment(context, moment, event) -> str:
    return timezones.format_moment(moment, event.timezone, render_locale(context))


@bp.app_template_filter("event_date")
@pass_context
def event_date(context, moment, event) -> str:
    return timezones.format_date(moment, event.timezone, render_locale(context))


@bp.app_template_filter("event_clock")
@pass_context
def event_clock(context, moment, event) -> str:
    return timezones.format_clock(moment, event.timezone, render_locale(context))


@bp.app_template_filter("goal_name")
@pass_context
def goal_name(context, code: str, event) -> str:
    return goals.goal_name(code, event.custom_goals, render_gettext(context))


@bp.app_template_filter("industry")
@pass_context
def industry(context, user) -> str:
    return industry_name(user.industry, user.industry_other, render_gettext(context))


from meetup.events.views import host, public  # noqa: E402,F401  (routes register on bp)
