"""Meet-again pages: choosing after an event, matches, people met and notes.

Every page here shows the viewer's own private data, so every response is
``no-store``; every object is looked up together with its owner, so anyone
else gets the same 404 as for something that does not exist.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetup.errors import DomainError
from meetup.events.queries import visible_event
from meetup.matching import queries, window
from meetup.matching.forms import ChoicesForm, NoteForm
from meetup.matching.services import choices, notes
from meetup.matching.services import matches as match_services
from meetup.matching.services.reveal import reveal_due_for
from meetup.timeutil import utcnow
from meetup.web import apply_error, me, no_store, safe_next_url

bp = Blueprint("matching", __name__)


@bp.app_template_global("meet_again_open")
def meet_again_open(event, now=None) -> bool:
    return window.is_open(event, now or utcnow())


@bp.app_template_global("meet_again_closes_at")
def meet_again_closes_at(event):
    return window.closes_at(event)


@bp.app_template_global("matches_made")
def matches_made(event) -> int | None:
    return queries.matches_made(event.id)


@bp.get("/events/<int:event_id>/meet-again")
@login_required
def meet_again(event_id: int):
    now = utcnow()
    event = visible_event(current_user, event_id)
    if window.is_closed(event, now):
        reveal_due_for(current_user.id, now=now)
    page = queries.meet_again_page(me(), event, now)
    return no_store(render_template("matching/meet_again.html", page=page, event=event, form=ChoicesForm()))


@bp.post("/events/<int:event_id>/meet-again")
@login_required
def save_choices(event_id: int):
    form = ChoicesForm()
    if not form.validate_on_submit():
        flash(_("Those choices could not be saved. Reload the page and try again."), "error")
        return redirect(url_for("matching.meet_again", event_id=event_id))
    try:
        choices.save_choices(me(), event_id, form.chosen.data or [], now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "Saved. Nobody is told anything now; when the window closes, only choices made by both "
                "people become matches."
            ),
            "success",
        )
    return redirect(url_for("matching.meet_again", event_id=event_id))


@bp.get("/matches")
@login_required
def matches():
    now = utcnow()
    reveal_due_for(current_user.id, now=now)
    return no_store(render_template("matching/matches.html", matches=queries.my_matches(current_user.id, now)))


@bp.post("/matches/<public_id>/end")
@login_required
def end_match(public_id: str):
    match_services.end_match(me(), public_id, now=utcnow())
    flash(_("The match has ended. Neither of you sees the other's contact details any more."), "info")
    return redirect(url_for("matching.matches"))


@bp.get("/people")
@login_required
def people():
    search = request.args.get("q", "").strip()[: queries.SEARCH_MAX]
    return no_store(
        render_template(
            "matching/people.html", search=search, people=queries.people_met(current_user.id, utcnow(), search)
        )
    )


@bp.route("/people/<int:user_id>/note", methods=["GET", "POST"])
@login_required
def note(user_id: int):
    now = utcnow()
    person = queries.acquaintance(current_user.id, user_id, now)
    form = NoteForm(obj=person.note)
    if request.method == "GET":
        form.event_id.data = request.args.get("event", type=int)
    back = safe_next_url(request.values.get("next")) or url_for("matching.people")
    if form.validate_on_submit():
        try:
            notes.save_note(me(), user_id, form.text.data, event_id=form.event_id.data, now=now)
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Note saved. Only you can see it."), "success")
            return redirect(back)
    return no_store(render_template("matching/note.html", person=person, form=form, back=back))


@bp.post("/notes/<public_id>/delete")
@login_required
def delete_note(public_id: str):
    notes.delete_note(me(), public_id)
    flash(_("Note deleted."), "info")
    return redirect(safe_next_url(request.form.get("next")) or url_for("matching.people"))
