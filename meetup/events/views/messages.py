"""Writing to an evening's attendees: the form, how many it will reach, and the
log of what the evening's hosts sent. Only those who run the evening reach it;
door staff and everyone else get 404, as for any host page."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from meetup.errors import DomainError
from meetup.events.forms import HostMessageForm
from meetup.events.queries import events as event_queries
from meetup.events.services import messages
from meetup.events.views import bp
from meetup.extensions import limiter
from meetup.timeutil import utcnow
from meetup.web import apply_error, me, no_store, per_account


@bp.route("/<int:event_id>/messages", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["HOST_MESSAGE_LIMIT"], methods=["POST"], key_func=per_account)
def messages_page(event_id: int):
    event = event_queries.managed_event(current_user, event_id)
    now = utcnow()
    form = HostMessageForm()
    if form.validate_on_submit():
        try:
            message = messages.send_message(
                me(),
                event.id,
                subject=form.subject.data,
                body=form.body.data,
                include_waitlist=form.include_waitlist.data,
                now=now,
            )
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(
                ngettext(
                    "Sent. Your message is on its way to %(num)d person.",
                    "Sent. Your message is on its way to %(num)d people.",
                    message.recipient_count,
                ),
                "success",
            )
            return redirect(url_for("events.messages_page", event_id=event.id))
    return no_store(
        render_template(
            "events/messages.html",
            event=event,
            form=form,
            refusal=messages.writing_refusal(event, now),
            reach=messages.reach(event, current_user),
            next_at=messages.next_message_at(event.id, now),
            log=messages.message_log(event.id),
            per_window=messages.MESSAGES_PER_WINDOW,
        )
    )
