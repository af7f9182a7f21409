"""What the host sees: create and edit, publish, cancel or delete (each asked first), repeat, the
dashboard with its CSV export, door check-in and walk-ins. Everyone but the host and
site admins gets 404 here."""

from functools import partial

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetup.communities.queries import hosted_communities
from meetup.errors import DomainError
from meetup.events import export
from meetup.events.forms import (
    CheckInSearchForm,
    DoorPaymentForm,
    EventForm,
    TicketCodeForm,
    WalkInForm,
    event_details,
    fill_event_form,
    offer_communities,
)
from meetup.events.models import CASH, DRAFT
from meetup.events.queries import attendees as attendee_queries
from meetup.events.queries import events as event_queries
from meetup.events.services import checkin, walkins
from meetup.events.services import events as hosting
from meetup.events.views import bp, event_date, yen
from meetup.rules.queries import current_code
from meetup.timeutil import utcnow
from meetup.web import apply_error, me, no_store


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = EventForm()
    offer_communities(form, hosted_communities(current_user.id))
    if form.validate_on_submit():
        try:
            event = hosting.create_event(me(), event_details(form), now=utcnow())
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Your draft is saved. Only you can see it until you publish it."), "success")
            return redirect(url_for("events.dashboard", event_id=event.id))
    return render_template("events/form.html", form=form, event=None, code=current_code())


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = event_queries.managed_event(current_user, event_id)
    form = EventForm(obj=event)
    offer_communities(form, hosted_communities(current_user.id), event)
    if request.method == "GET":
        fill_event_form(form, event)
    if form.validate_on_submit():
        try:
            hosting.update_event(me(), event.id, event_details(form), now=utcnow())
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("events.dashboard", event_id=event.id))
    return render_template("events/form.html", form=form, event=event, code=current_code())


def _act(event_id: int, operation, done_message: str, to="events.dashboard"):
    """Run one POST-only host action and go back to the dashboard."""
    event_queries.managed_event(current_user, event_id)
    try:
        result = operation(me(), event_id, now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("events.dashboard", event_id=event_id))
    flash(done_message, "success")
    return redirect(url_for(to, event_id=result.id))


@bp.post("/<int:event_id>/publish")
@login_required
def publish(event_id: int):
    return _act(event_id, hosting.publish_event, _("Published. People can now register."))


def _consequences_of_cancelling(event) -> list[str]:
    if event.state == DRAFT:
        return [_("This is a draft: nobody has seen it, so nobody is told. You could delete it instead.")]
    seats = event_queries.counts(event.id)
    registered = seats.confirmed + seats.waitlisted
    told = (
        ngettext(
            "%(num)d person is registered (with a seat or on the waitlist) and gets a mail.",
            "%(num)d people are registered (with a seat or on the waitlist); each gets a mail.",
            registered,
        )
        if registered
        else _("Nobody is registered yet, so no mail is sent.")
    )
    return [
        told,
        _("The event page stays up, marked as cancelled, and nobody can register any more."),
        _("This cannot be undone."),
    ]


@bp.route("/<int:event_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(event_id: int):
    if request.method == "POST":  # the second step, from the page below
        return _act(
            event_id, hosting.cancel_event, _("The event is cancelled. Everyone registered is being told by mail.")
        )
    event = event_queries.managed_event(current_user, event_id)
    refusal = hosting.cancel_refusal(event, utcnow())
    return no_store(
        render_template(
            "confirm.html",
            question=_("Cancel “%(title)s”?", title=event.title),
            consequences=[] if refusal else _consequences_of_cancelling(event),
            refusal=refusal,
            action=url_for("events.cancel", event_id=event.id),
            confirm_label=_("Yes, cancel the event"),
            back=url_for("events.dashboard", event_id=event.id),
            back_label=_("Dashboard"),
        )
    )


def _consequences_of_deleting(event) -> list[str]:
    return [
        _(
            "The draft for %(date)s is deleted for good, with all its settings.",
            date=event_date(event.starts_at, event),
        ),
        _("Nobody but its hosts has seen a draft, so nobody is told."),
        _("This cannot be undone."),
    ]


@bp.route("/<int:event_id>/delete", methods=["GET", "POST"])
@login_required
def delete(event_id: int):
    event = event_queries.managed_event(current_user, event_id)
    if request.method == "POST":  # the second step, from the page below
        try:
            hosting.delete_draft(me(), event.id, now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
            return redirect(url_for("events.dashboard", event_id=event_id))
        flash(_("The draft is deleted."), "success")
        return redirect(url_for("events.mine"))
    refusal = hosting.delete_refusal(event)
    return no_store(
        render_template(
            "confirm.html",
            question=_("Delete the draft “%(title)s”?", title=event.title),
            consequences=[] if refusal else _consequences_of_deleting(event),
            refusal=refusal,
            action=url_for("events.delete", event_id=event.id),
            confirm_label=_("Yes, delete the draft"),
            back=url_for("events.dashboard", event_id=event.id),
            back_label=_("Dashboard"),
        )
    )


@bp.post("/<int:event_id>/repeat")
@login_required
def repeat(event_id: int):
    event_queries.managed_event(current_user, event_id)
    try:
        result = hosting.repeat_event(me(), event_id, now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("events.dashboard", event_id=event_id))
    new = result.event
    date = event_date(new.starts_at, new)
    if result.created:
        flash(
            _(
                "Next month's event is drafted for %(date)s with the same settings. Check it, then publish it.",
                date=date,
            ),
            "success",
        )
    else:
        flash(_("Next month's event, on %(date)s, already exists: here it is.", date=date), "info")
    return redirect(url_for("events.edit" if new.state == DRAFT else "events.dashboard", event_id=new.id))


@bp.get("/<int:event_id>/dashboard")
@login_required
def dashboard(event_id: int):
    event = event_queries.managed_event(current_user, event_id)
    board = attendee_queries.dashboard(event)
    return no_store(
        render_template("events/dashboard.html", event=event, board=board, code=current_code(), now=utcnow())
    )


@bp.get("/<int:event_id>/attendees.csv")
@login_required
def export_csv(event_id: int):
    event = event_queries.managed_event(current_user, event_id)
    board = attendee_queries.dashboard(event)
    body = export.attendees_csv(event, board.registrations, board.positions, board.no_shows)
    return no_store(
        (
            body,
            200,
            {
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": f'attachment; filename="attendees-{event.id}.csv"',
            },
        )
    )


@bp.get("/<int:event_id>/check-in")
@login_required
def check_in_page(event_id: int):
    event = event_queries.door_event(current_user, event_id)
    form = CheckInSearchForm(request.args)
    query = form.q.data.strip() if form.validate() and form.q.data else ""
    found = attendee_queries.search_attendees(event.id, query) if query else []
    door = attendee_queries.door(event, found)
    return no_store(
        render_template(
            "events/checkin.html",
            event=event,
            form=form,
            query=query,
            door=door,
            ticket_form=TicketCodeForm(),
            manages=event.managed_by(current_user),
        )
    )


def _door_action(event_id: int, registration_id: int, operation, done_message, *, paying: bool = False):
    """Run one door action, say what happened, and go back to the same search.
    One ``paying`` takes the amount the host typed, if any (else the fee)."""
    event_queries.door_event(current_user, event_id)
    back = url_for("events.check_in_page", event_id=event_id, q=request.form.get("q", "")[:80] or None)
    if paying:
        form = DoorPaymentForm()
        if not form.validate():
            flash(form.first_error(), "error")
            return redirect(back)
        operation = partial(operation, amount=form.amount.data)
    try:
        registration = operation(me(), event_id, registration_id, now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(done_message(registration), "success")
    return redirect(back)


def _paid(registration) -> str:
    """What a person paid, for the messages below."""
    amount = yen(registration.paid_amount)
    name = registration.user.display_name
    if registration.payment_method == CASH:
        return _("%(name)s has paid %(amount)s in cash.", name=name, amount=amount)
    return _("%(name)s has paid %(amount)s another way.", name=name, amount=amount)


def _checked_in(registration) -> str:
    done = _("%(name)s is checked in.", name=registration.user.display_name)
    return f"{done} {_paid(registration)}" if registration.paid_at else done


@bp.post("/<int:event_id>/check-in/<int:registration_id>")
@login_required
def check_in(event_id: int, registration_id: int):
    operation = partial(checkin.check_in, payment=request.form.get("payment") or None)
    return _door_action(event_id, registration_id, operation, _checked_in, paying=True)


@bp.post("/<int:event_id>/check-in/<int:registration_id>/undo")
@login_required
def undo_check_in(event_id: int, registration_id: int):
    return _door_action(
        event_id,
        registration_id,
        checkin.undo_check_in,
        lambda registration: _("Check-in undone for %(name)s.", name=registration.user.display_name),
    )


@bp.post("/<int:event_id>/check-in/<int:registration_id>/payment")
@login_required
def record_payment(event_id: int, registration_id: int):
    return _door_action(
        event_id,
        registration_id,
        partial(checkin.record_payment, method=request.form.get("method", "")),
        _paid,
        paying=True,
    )


@bp.post("/<int:event_id>/check-in/<int:registration_id>/payment/undo")
@login_required
def undo_payment(event_id: int, registration_id: int):
    return _door_action(
        event_id,
        registration_id,
        checkin.undo_payment,
        lambda registration: _("Payment undone for %(name)s.", name=registration.user.display_name),
    )


def _walked_in_message(result: walkins.WalkIn) -> str:
    name = result.registration.user.display_name
    if not result.new_account:
        return _("%(name)s is checked in as a walk-in, linked to their existing account.", name=name)
    if result.registration.user.email:
        return _(
            "%(name)s is checked in as a walk-in. They are getting a mail with a link to claim their account.",
            name=name,
        )
    return _(
        "%(name)s is checked in as a walk-in. Without an email address, nobody can log in to their account.",
        name=name,
    )


@bp.route("/<int:event_id>/walk-in", methods=["GET", "POST"])
@login_required
def walk_in(event_id: int):
    """Add someone who came without a seat; they are checked in at once."""
    event = event_queries.door_event(current_user, event_id)
    form = WalkInForm(language=str(get_locale()))
    already = None  # an AlreadyHereError: they have a seat, offer to check them in
    if form.validate_on_submit():
        try:
            result = walkins.add_walk_in(
                me(),
                event.id,
                display_name=form.display_name.data,
                name_reading=form.name_reading.data,
                industry=form.industry.data,
                industry_other=form.industry_other.data,
                email=form.email.data or "",
                language=form.language.data,
                acknowledged=form.acknowledge.data,
                beyond_capacity=form.beyond_capacity.data,
                now=utcnow(),
            )
        except walkins.AlreadyHereError as error:
            already = error
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_walked_in_message(result), "success")
            if result.registration.beyond_capacity:
                flash(_("They are seated beyond capacity."), "info")
            name = result.registration.user.display_name
            return redirect(url_for("events.check_in_page", event_id=event.id, q=name[:80]))
    return no_store(
        render_template(
            "events/walk_in.html",
            event=event,
            form=form,
            already=already,
            seats=event_queries.counts(event.id),
            refusal=checkin.door_refusal(event, utcnow()),
            code=current_code(),
        )
    )


@bp.post("/<int:event_id>/check-in/ticket")
@login_required
def check_in_by_code(event_id: int):
    """A ticket's code, from the door page's camera or typed in by hand."""
    event_queries.door_event(current_user, event_id)
    form = TicketCodeForm()
    if not form.validate():
        for error in form.code.errors:
            flash(error, "error")
    else:
        try:
            registration = checkin.check_in_by_ticket(me(), event_id, form.code.data, now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("%(name)s is checked in.", name=registration.user.display_name), "success")
            # Their entry on the door page, where a fee can be taken at once.
            return redirect(url_for("events.check_in_page", event_id=event_id, q=registration.user.display_name))
    return redirect(url_for("events.check_in_page", event_id=event_id))
