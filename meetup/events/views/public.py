"""What attendees see: upcoming events, an event's page and calendar file,
registering, cancelling, re-accepting the code of conduct, My events and a ticket."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetup.communities.queries import follows, hosted_communities, hosts
from meetup.errors import DomainError, NotFoundError
from meetup.events import ics, tickets
from meetup.events.forms import AcknowledgeForm, EventSearchForm, RegistrationForm
from meetup.events.models import APPLIED, CANCELLED, CONFIRMED, THEME_MAX, WAITLISTED
from meetup.events.queries import events as event_queries
from meetup.events.queries import listings as listing_queries
from meetup.events.services import registration as registrations
from meetup.events.services.registration import AlreadyRegisteredError
from meetup.events.views import bp
from meetup.rules.services import BANNED
from meetup.timeutil import utcnow
from meetup.web import apply_error, me, safe_next_url


@bp.get("/")
def index():
    """Evenings to come, searched by keyword, dates and area (and a theme chip);
    a search that makes no sense says why and lists nothing."""
    form = EventSearchForm(request.args)
    theme = request.args.get("theme", "").strip()[:THEME_MAX]
    now = utcnow()
    found = None
    if form.validate():
        found = listing_queries.discover_events(form.search(theme), now, page=request.args.get("page", 1, type=int))
    filters = form.filters()
    return render_template(
        "events/index.html",
        form=form,
        found=found,
        filters=filters,
        searching=bool(filters or theme),
        themes=listing_queries.upcoming_themes(now),
        theme=theme,
    )


@bp.get("/<int:event_id>")
def show(event_id: int):
    event, page = event_queries.visible_event_page(current_user, event_id, utcnow())
    # The form is shown only to an attendee who must accept a changed code.
    return render_template(
        "events/show.html",
        event=event,
        page=page,
        hosts=hosts(event.community_id) if event.community_id else [],
        code=page.code,
        acknowledge_form=AcknowledgeForm() if page.needs_acknowledgement else None,
        # After registering, an offer to follow the community; never made for them.
        offer_follow=page.registered
        and event.community_id is not None
        and not follows(current_user, event.community_id),
    )


@bp.get("/<int:event_id>/event.ics")
def calendar_file(event_id: int):
    event, page = event_queries.visible_event_page(current_user, event_id, utcnow())
    body = ics.event_calendar(
        event, url_for("events.show", event_id=event.id, _external=True), with_online_link=page.shows_online_link
    )
    return (
        body,
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="event-{event.id}.ics"',
        },
    )


@bp.route("/<int:event_id>/register", methods=["GET", "POST"])
@login_required
def register(event_id: int):
    form, refusal = RegistrationForm(), None
    if form.validate_on_submit():
        # The service reads the event under its lock (and answers 404 as the
        # page would); nothing is read for the page unless it is shown again.
        try:
            registration = registrations.register(
                me(),
                event_id,
                goals=form.goals.data or [],
                intro=form.intro.data or "",
                acknowledged=form.acknowledge.data,
                now=utcnow(),
                follow=form.follow.data,
            )
        except AlreadyRegisteredError:
            flash(_("You are already registered for this event."), "info")
            return redirect(url_for("events.show", event_id=event_id))
        except DomainError as error:
            refusal = error
        else:
            if registration.status == APPLIED:
                flash(_("Your application is in. We will write to you with the result of the draw."), "success")
            elif registration.status == CONFIRMED:
                flash(_("You are registered. Your seat is confirmed."), "success")
            else:
                flash(
                    _(
                        "The event is full: you are on the waitlist, number %(position)d. We will write to you "
                        "if a seat frees up.",
                        position=event_queries.waitlist_position(registration),
                    ),
                    "info",
                )
            return redirect(url_for("events.show", event_id=event_id))
    event, page = event_queries.visible_event_page(current_user, event_id, utcnow())
    if page.registered:
        flash(_("You are already registered for this event."), "info")
        return redirect(url_for("events.show", event_id=event.id))
    if refusal is not None:
        apply_error(form, refusal)
    return render_template(
        "events/register.html",
        event=event,
        form=form.offer(event),
        code=page.code,
        page=page,
        closed=page.closed_reason or (BANNED if page.banned else None),
        offer_follow=event.community_id is not None and not follows(current_user, event.community_id),
    )


def _consequences_of_cancelling(registration, page) -> list[str]:
    if registration.status == APPLIED:
        return [
            _("Your application is withdrawn: you will not be in the draw."),
            _("Until the draw you may apply again, with the same chance as everyone."),
        ]
    if registration.status == CONFIRMED:
        first = (
            _("Your seat goes to the next person waiting, who is told by mail.")
            if page.counts.waitlisted
            else _("Your seat is freed for someone else to take.")
        )
    else:
        first = _("You leave the waitlist; everyone behind you moves up one place.")
    return [
        first,
        _("While registration is open you may register again, but you will join the end of the queue."),
    ]


@bp.route("/<int:event_id>/cancel-registration", methods=["GET", "POST"])
@login_required
def cancel_registration(event_id: int):
    if request.method == "GET":  # what will happen; the POST from this page is the second step
        now = utcnow()
        event, page = event_queries.visible_event_page(current_user, event_id, now)
        refusal = registrations.cancellation_refusal(event, page.registration, now)
        status = page.registration.status if page.registration is not None else None
        question, confirm_label = {
            WAITLISTED: (_("Leave the waitlist?"), _("Yes, leave the waitlist")),
            APPLIED: (_("Withdraw your application?"), _("Yes, withdraw my application")),
        }.get(status, (_("Cancel your registration?"), _("Yes, cancel my registration")))
        return render_template(
            "confirm.html",
            question=question,
            consequences=[] if refusal else _consequences_of_cancelling(page.registration, page),
            refusal=refusal,
            action=url_for("events.cancel_registration", event_id=event.id),
            confirm_label=confirm_label,
            back=url_for("events.show", event_id=event.id),
            back_label=event.title,
        )
    try:  # the service answers 404 for an event this reader may not see
        registrations.cancel_registration(me(), event_id, now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Your registration is cancelled."), "info")
    return redirect(safe_next_url(request.form.get("next")) or url_for("events.show", event_id=event_id))


@bp.post("/<int:event_id>/acknowledge")
@login_required
def acknowledge(event_id: int):
    event = event_queries.visible_event(current_user, event_id)
    form = AcknowledgeForm()  # CSRF is checked for every POST before this runs
    try:
        registrations.acknowledge_conduct(me(), event.id, accepted=form.acknowledge.data, now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Thank you. You have accepted the current code of conduct."), "success")
    return redirect(safe_next_url(request.form.get("next")) or url_for("events.show", event_id=event.id))


@bp.get("/<int:event_id>/ticket")
@login_required
def ticket(event_id: int):
    """The person's own ticket: its QR code and code, for the door. Nobody
    else's: without a registration of one's own the page is not there."""
    event = event_queries.visible_event(current_user, event_id)
    registration = event_queries.registration_of(current_user.id, event.id)
    if registration is None:
        raise NotFoundError()
    valid = registration.status == CONFIRMED and event.state != CANCELLED
    return render_template(
        "events/ticket.html",
        event=event,
        registration=registration,
        code=tickets.grouped(registration.ticket_code) if valid else None,
        qr=tickets.qr_data_uri(registration.ticket_code) if valid else None,
    )


@bp.get("/mine")
@login_required
def mine():
    """An attendee's home: what they registered for, tonight's tables, past evenings."""
    upcoming, past = listing_queries.my_registrations(current_user.id, utcnow())
    return render_template("events/mine.html", upcoming=upcoming, past=past, now=utcnow())


@bp.get("/hosting")
@login_required
def hosting():
    """A host's home: tonight's evening first, then upcoming, drafts and past evenings."""
    now = utcnow()
    return render_template(
        "events/hosting.html",
        home=listing_queries.host_home(current_user.id, now),
        communities=hosted_communities(current_user.id),
        now=now,
    )
