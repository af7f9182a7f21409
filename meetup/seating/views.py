"""Seating pages: the host's tables (form, edit, publish, projector, cards)
and an attendee's "My tables"."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetup.errors import DomainError
from meetup.events.queries import managed_event
from meetup.seating import queries, services
from meetup.seating.forms import LockForm, MoveForm, SwapForm, TableNamesForm
from meetup.seating.summary import summary_sentence
from meetup.timeutil import utcnow
from meetup.web import me, no_store

bp = Blueprint("seating", __name__, url_prefix="/events/<int:event_id>")


@bp.app_template_global("published_table_event_ids")
def published_table_event_ids(event_ids) -> set[int]:
    """For the home pages: which of tonight's evenings have published tables."""
    return queries.published_event_ids(event_ids)


def _back(event_id: int, round_: int | None = None):
    anchor = f"round-{round_ + 1}" if round_ is not None else None
    return redirect(url_for("seating.tables", event_id=event_id, _anchor=anchor))


def _run(event_id: int, operation, done_message: str | None, *args, round_: int | None = None, **kwargs):
    """Call one seating service for the host and come back to the tables."""
    managed_event(current_user, event_id)
    try:
        operation(me(), event_id, *args, **kwargs)
    except DomainError as error:
        flash(error.message, "error")
    else:
        if done_message:
            flash(done_message, "success")
    return _back(event_id, round_)


@bp.get("/tables")
@login_required
def tables(event_id: int):
    event = managed_event(current_user, event_id)
    view, published = queries.host_overview(event)
    current = queries.round_now(event, utcnow())
    return no_store(
        render_template(
            "seating/tables.html",
            event=event,
            view=view,
            published=published,
            history=queries.published_history(event.id),
            summary=summary_sentence(view) if view else None,
            current=current,
            # The round the room is in comes first, the others after it in order.
            rounds=sorted(view.rounds, key=lambda round_: round_.number != current) if view else [],
        )
    )


@bp.get("/tables/versions/<int:version>")
@login_required
def version(event_id: int, version: int):
    """A seating exactly as attendees were shown it, kept after later changes."""
    event = managed_event(current_user, event_id)
    seating = queries.shown_version(event.id, version)
    if seating is None:
        abort(404)
    return no_store(render_template("seating/version.html", event=event, view=queries.seating_view(event, seating)))


@bp.post("/tables/form")
@login_required
def form_tables(event_id: int):
    return _run(event_id, services.form_tables, _("Tables are formed. Check them, then publish."))


@bp.post("/tables/regroup")
@login_required
def regroup(event_id: int):
    return _run(event_id, services.regroup, _("Regrouped. The people who move are listed below."))


@bp.post("/tables/publish")
@login_required
def publish(event_id: int):
    return _run(event_id, services.publish, _("Published. Attendees can now see their tables."), now=utcnow())


def _edit(event_id: int, form, operation, done_message: str | None, *fields: str):
    """One edit of the draft from a small form whose fields the service takes in order."""
    managed_event(current_user, event_id)
    if not form.validate_on_submit():
        flash(_("That change could not be made: choose a person and a table."), "error")
        return _back(event_id)
    return _run(event_id, operation, done_message, *(form[name].data for name in fields), round_=form.round.data)


@bp.post("/tables/swap")
@login_required
def swap(event_id: int):
    return _edit(event_id, SwapForm(), services.swap_people, _("Swapped."), "round", "user_a", "user_b")


@bp.post("/tables/move")
@login_required
def move(event_id: int):
    return _edit(event_id, MoveForm(), services.move_person, _("Moved."), "round", "user_id", "table")


@bp.post("/tables/lock")
@login_required
def lock(event_id: int):
    return _edit(event_id, LockForm(), services.set_lock, None, "round", "user_id", "locked")


@bp.post("/tables/names")
@login_required
def names(event_id: int):
    managed_event(current_user, event_id)
    form = TableNamesForm()
    if not form.validate_on_submit():
        flash(form.first_error(), "error")
        return _back(event_id)
    return _run(event_id, services.rename_tables, _("Table names saved."), form.names.data)


def _shown_seating(event_id: int):
    """What the room sees: the draft while the host prepares, else the published seating."""
    event = managed_event(current_user, event_id)
    view, published = queries.host_overview(event)
    if view is None:
        abort(404)
    return event, view


@bp.get("/tables/projector")
@login_required
def projector(event_id: int):
    event, view = _shown_seating(event_id)
    number = request.args.get("round", default=1, type=int) or 1
    number = min(max(number, 1), len(view.rounds))
    return no_store(render_template("seating/projector.html", event=event, view=view, round=view.rounds[number - 1]))


@bp.get("/tables/cards")
@login_required
def cards(event_id: int):
    event, view = _shown_seating(event_id)
    return no_store(render_template("seating/cards.html", event=event, view=view))


@bp.get("/my-tables")
@login_required
def my_tables(event_id: int):
    mine = queries.my_tables(me(), event_id)  # not found unless the reader holds a confirmed seat
    # Tables published ahead of the evening: nobody has met yet, so there is nobody to report or block.
    return no_store(
        render_template(
            "seating/mine.html",
            event=mine.event,
            mine=mine,
            rounds=mine.rounds,
            started=mine.event.starts_at <= utcnow(),
        )
    )
