"""Meet-again pages: choosing after an event, matches, people met and notes.

Every page here shows the viewer's own private data, so every response is
``no-store``; every object is looked up together with its owner, so anyone
else gets the same 404 as for something that does not exist.
"""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetup.accounts.forms import ContactsForm
from meetup.errors import DomainError
from meetup.events.queries.events import visible_event
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
    return _meet_again_page(event, ChoicesForm(), ContactsForm(obj=current_user.contacts), now=now)


def _meet_again_page(event, form, contacts, *, now, ticks=None):
    """The page; ``ticks`` are the boxes as the person just sent them (a refused
    save shows them as sent, so nothing typed or ticked is lost)."""
    page = queries.meet_again_page(me(), event, now)
    return no_store(
        render_template("matching/meet_again.html", page=page, event=event, form=form, contacts=contacts, ticks=ticks)
    )


def _wants_json() -> bool:
    """The page's script asks for a JSON answer; a plain form post gets pages."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _answer(event_id: int, message, category: str, status: int = 200, **extra):
    """The page's flash and a redirect back to it, or the same words as JSON."""
    if _wants_json():
        return no_store(
            (jsonify(saved=category == "success", category=category, message=str(message), **extra), status)
        )
    flash(message, category)
    return redirect(url_for("matching.meet_again", event_id=event_id))


@bp.post("/events/<int:event_id>/meet-again")
@login_required
def save_choices(event_id: int):
    now = utcnow()
    form = ChoicesForm()
    if not form.validate_on_submit():
        return _answer(event_id, _("Those choices could not be saved. Reload the page and try again."), "error", 400)
    contacts = ContactsForm() if form.with_contacts.data else None
    if contacts is not None and not contacts.validate():
        event = visible_event(current_user, event_id)
        queries.meet_again_page(me(), event, now)  # only an attendee hears about their fields
        message = _("Nothing was saved: check your contact details.")
        if _wants_json():
            errors = {name: [str(e) for e in errs] for name, errs in contacts.errors.items()}
            return _answer(event_id, message, "error", 400, errors=errors)
        return _meet_again_page(event, form, contacts, now=now, ticks=set(form.chosen.data or []))
    try:
        choices.save_choices(
            me(), event_id, form.chosen.data or [], now=now, contacts=contacts.data if contacts else None
        )
    except DomainError as error:
        return _answer(event_id, error.message, "error", 409)
    return _answer(
        event_id,
        _(
            "Saved. Nobody is told anything now; when the window closes, only choices made by both "
            "people become matches."
        ),
        "success",
    )


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
