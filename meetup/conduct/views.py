"""Conduct pages: a person's card (report, block), My reports, Blocked
people, and the host's report queue for an event."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from meetup.conduct import queries
from meetup.conduct.forms import MessageReportForm, ModerationForm, ReportForm
from meetup.conduct.services import blocks, moderation, reports
from meetup.errors import DomainError
from meetup.events.queries.events import managed_event
from meetup.extensions import limiter
from meetup.timeutil import utcnow
from meetup.web import apply_error, me, no_store, per_account

bp = Blueprint("conduct", __name__)


@bp.get("/events/<int:event_id>/people/<int:user_id>")
@login_required
def person(event_id: int, user_id: int):
    card = queries.person_card(me(), event_id, user_id, now=utcnow())
    return no_store(
        render_template("conduct/person.html", card=card, event=card.shared.event, person=card.shared.person)
    )


@bp.route("/events/<int:event_id>/people/<int:user_id>/report", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["REPORT_LIMIT"], methods=["POST"], key_func=per_account)
def report(event_id: int, user_id: int):
    now = utcnow()
    card = queries.person_card(me(), event_id, user_id, now=now)
    event = card.shared.event
    if card.my_report is not None:
        flash(_("You have already reported this person for this event. You can follow it under My reports."), "info")
        return redirect(url_for("conduct.my_reports"))
    form = ReportForm().offer(event.rounds, card.table_names)
    if form.validate_on_submit():
        try:
            reports.report(
                me(),
                event.id,
                user_id,
                category=form.category.data,
                description=form.description.data,
                round_=form.round.data,
                table_no=form.table_no.data,
                now=now,
            )
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(
                _(
                    "Thank you. Your report has gone to the host. %(name)s is not told who reported them.",
                    name=card.shared.person.display_name,
                ),
                "success",
            )
            return redirect(url_for("conduct.my_reports"))
    return no_store(
        render_template("conduct/report.html", card=card, event=event, person=card.shared.person, form=form)
    )


@bp.route("/conduct/messages/<token>/report", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["REPORT_LIMIT"], methods=["POST"], key_func=per_account)
def report_message(token: str):
    """Report a host about a message they wrote: the link in the recipient's mail."""
    now = utcnow()
    reached = queries.reached_message(me(), token, now=now)
    if reached.my_report is not None:
        flash(
            _(
                "You have already reported %(name)s for this evening. You can follow it under My reports.",
                name=reached.sender.display_name,
            ),
            "info",
        )
        return redirect(url_for("conduct.my_reports"))
    form = MessageReportForm()
    if form.validate_on_submit():
        try:
            reports.report_message(me(), token, category=form.category.data, description=form.description.data, now=now)
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(
                _(
                    "Thank you. Your report has gone to the people who look after this evening. "
                    "%(name)s is not told who reported them.",
                    name=reached.sender.display_name,
                ),
                "success",
            )
            return redirect(url_for("conduct.my_reports"))
    return no_store(render_template("conduct/report_message.html", reached=reached, event=reached.event, form=form))


@bp.post("/events/<int:event_id>/people/<int:user_id>/block")
@login_required
@limiter.limit(lambda: current_app.config["BLOCK_LIMIT"], key_func=per_account)
def block(event_id: int, user_id: int):
    blocks.block(me(), event_id, user_id, now=utcnow())
    flash(_("Blocked. You will not be seated together or matched again. They are not told."), "success")
    return redirect(url_for("conduct.person", event_id=event_id, user_id=user_id))


@bp.get("/conduct/blocked")
@login_required
def blocked():
    return no_store(render_template("conduct/blocked.html", people=queries.blocked_people(me())))


@bp.post("/conduct/blocked/<int:user_id>/unblock")
@login_required
@limiter.limit(lambda: current_app.config["BLOCK_LIMIT"], key_func=per_account)
def unblock(user_id: int):
    blocks.unblock(me(), user_id)
    flash(_("Unblocked. You may be seated together again; an ended match stays ended."), "info")
    return redirect(url_for("conduct.blocked"))


@bp.get("/conduct/reports")
@login_required
def my_reports():
    return no_store(render_template("conduct/my_reports.html", rows=queries.my_reports(me())))


@bp.get("/events/<int:event_id>/reports")
@login_required
def queue_page(event_id: int):
    event = managed_event(current_user, event_id)
    return no_store(
        render_template(
            "conduct/queue.html",
            event=event,
            items=queries.event_queue(event, current_user),
            table_names=queries.table_names(event),
        )
    )


ACTIONS = {
    "dismiss": (moderation.dismiss, lambda: _("Report dismissed.")),
    "warn": (moderation.warn, lambda: _("Warning sent. It quotes the code of conduct and names nobody.")),
    "ban": (
        moderation.ban,
        lambda: _(
            "Banned from this community's future evenings. Their upcoming registrations are cancelled "
            "and the seats offered to the waitlist."
        ),
    ),
    "lift": (moderation.lift_ban, lambda: _("Ban lifted. They may register for this community's evenings again.")),
}


# Decisions that reach the person: each asks first, on a page of its own.
ASKS_FIRST = ("warn", "ban")


def _consequences(action: str, item, now) -> list[str]:
    name = item.reported.display_name
    if action == "warn":
        return [
            _("%(name)s gets a mail quoting the code of conduct, in their language.", name=name),
            _("It names nobody: not who reported, not what about, not the round or the table."),
            _("A warning is sent once per report."),
        ]
    held = queries.upcoming_registrations(item.report.event.community_id, item.reported.id, now)
    return [
        _("%(name)s can no longer register for any of this community's evenings.", name=name),
        ngettext(
            "Their registration for %(num)d upcoming evening of this community is cancelled; the seat goes "
            "to the next person waiting.",
            "Their registrations for %(num)d upcoming evenings of this community are cancelled; each seat "
            "goes to the next person waiting.",
            held,
        )
        if held
        else _("They hold no registration for this community's upcoming evenings."),
        _("They get a mail that names nobody. You can lift the ban later."),
    ]


def _refusal(action: str, item):
    if action == "warn" and item.warned:
        return _("A warning about this report has already been sent.")
    if action == "ban" and item.ban is not None:
        return _("This person is already banned from these events.")
    if action == "ban" and queries.runs_the_community(item.report.event, item.reported):
        return str(queries.RUNS_THE_COMMUNITY)
    return None


@bp.get("/events/<int:event_id>/reports/<int:report_id>/<action>")
@login_required
def confirm_moderation(event_id: int, report_id: int, action: str):
    """What a warning or a ban will do; the POST from this page decides."""
    event = managed_event(current_user, event_id)
    if action not in ASKS_FIRST:
        abort(404)
    item = queries.queue_item(event, report_id, current_user)
    refusal = _refusal(action, item)
    name = item.reported.display_name
    return no_store(
        render_template(
            "confirm.html",
            question=_("Send %(name)s a warning?", name=name) if action == "warn" else _("Ban %(name)s?", name=name),
            consequences=[] if refusal else _consequences(action, item, utcnow()),
            refusal=refusal,
            form=ModerationForm(),
            action=url_for("conduct.moderate", event_id=event.id, report_id=report_id, action=action),
            confirm_label=_("Yes, send the warning") if action == "warn" else _("Yes, ban them"),
            back=url_for("conduct.queue_page", event_id=event.id, _anchor=f"report-{report_id}"),
            back_label=_("Reports"),
        )
    )


@bp.post("/events/<int:event_id>/reports/<int:report_id>/<action>")
@login_required
def moderate(event_id: int, report_id: int, action: str):
    managed_event(current_user, event_id)
    if action not in ACTIONS:
        abort(404)
    operation, done = ACTIONS[action]
    form = ModerationForm()
    if not form.validate_on_submit():
        for error in form.note.errors:
            flash(error, "error")
    else:
        try:
            operation(me(), event_id, report_id, note=form.note.data or "", now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(done(), "success")
    return redirect(url_for("conduct.queue_page", event_id=event_id, _anchor=f"report-{report_id}"))
