"""Admin pages: the ``admin`` blueprint at /admin. Every request from
anyone but a site admin gets 404, before anything is loaded."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from meetup.admin import queries
from meetup.conduct import queries as conduct_queries
from meetup.conduct.forms import CodeOfConductForm
from meetup.conduct.services.code import publish_version
from meetup.errors import DomainError
from meetup.events import timezones
from meetup.rules.queries import current_code
from meetup.timeutil import utcnow
from meetup.web import apply_error, me, no_store

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def admins_only():
    if not (current_user.is_authenticated and current_user.is_admin):
        abort(404)


@bp.get("/")
def index():
    return redirect(url_for("admin.reports"))


@bp.get("/users")
def users():
    search = request.args.get("q", "")[: queries.SEARCH_MAX]
    return no_store(render_template("admin/users.html", users=queries.users(search), search=search))


@bp.get("/events")
def events():
    return no_store(render_template("admin/events.html", events=queries.events(), now=utcnow()))


@bp.get("/outbox")
def outbox():
    status = request.args.get("status", "")
    if status not in queries.OUTBOX_STATUSES:
        status = ""
    recipient = request.args.get("to", "")[: queries.SEARCH_MAX]
    page = queries.outbox(status, recipient, request.args.get("page", 1, type=int))
    return no_store(render_template("admin/outbox.html", page=page, status=status, recipient=recipient))


@bp.get("/outbox/<int:message_id>")
def outbox_message(message_id):
    message = queries.outbox_message(message_id)
    if message is None:
        abort(404)
    return no_store(render_template("admin/outbox_message.html", message=message))


@bp.app_template_filter("tokyo_moment")
def tokyo_moment(moment) -> str:
    """A stored UTC time as the admin pages show it: Tokyo time, in the reader's language."""
    return timezones.format_moment(moment, timezones.DEFAULT)


@bp.get("/reports")
def reports():
    return no_store(render_template("admin/reports.html", rows=conduct_queries.open_reports()))


@bp.route("/code-of-conduct", methods=["GET", "POST"])
def code_of_conduct():
    current = current_code()
    form = CodeOfConductForm()
    if request.method == "GET":
        form.text_en.data, form.text_ja.data = current.text_en, current.text_ja
    if form.validate_on_submit():
        try:
            code = publish_version(me(), text_en=form.text_en.data, text_ja=form.text_ja.data, now=utcnow())
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(
                _(
                    "Version %(version)d is published. Attendees accept it again before their next check-in.",
                    version=code.version,
                ),
                "success",
            )
            return redirect(url_for("admin.code_of_conduct"))
    return no_store(render_template("admin/code.html", form=form, current=current))
