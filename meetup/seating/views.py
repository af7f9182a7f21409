"""Seating pages: the host's tables (form, edit, publish, start each round,
projector, cards, name tags), an attendee's "My tables", and a community's
depth dashboard for its hosts (who comes back, who sits together again)."""

from babel.dates import format_skeleton
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetup.charts import Series, chart
from meetup.communities.queries import managed_community
from meetup.errors import DomainError
from meetup.events.queries.events import door_event, managed_event
from meetup.events.timezones import local_date
from meetup.seating import depth
from meetup.seating.forms import LockForm, MoveForm, StartRoundForm, SwapForm, TableNamesForm
from meetup.seating.queries import own_tables as own_table_queries
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import edits, forming, publishing
from meetup.seating.summary import summary_sentence
from meetup.timeutil import utcnow
from meetup.web import me, no_store

bp = Blueprint("seating", __name__, url_prefix="/events/<int:event_id>")
# The depth dashboard is a community's page; it lives here, with who sat with whom.
depth_bp = Blueprint("depth", __name__, url_prefix="/communities/<int:community_id>")


@bp.app_template_global("published_table_event_ids")
def published_table_event_ids(event_ids) -> set[int]:
    """For the home pages: which of tonight's evenings have published tables."""
    return table_queries.published_event_ids(event_ids)


def _back(event_id: int, round_: int | None = None):
    anchor = f"round-{round_ + 1}" if round_ is not None else None
    return redirect(url_for("seating.tables", event_id=event_id, _anchor=anchor))


def _run(event_id: int, operation, done_message: str | None, *args, round_: int | None = None, **kwargs):
    """Call one seating service for the host and come back to the tables, or
    ask first when the service says what the change would break."""
    managed_event(current_user, event_id)
    try:
        operation(me(), event_id, *args, **kwargs)
    except edits.ConfirmationNeeded as needed:
        return _confirm(event_id, round_, needed.consequences)
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
    view, published = table_queries.host_overview(event)
    now = utcnow()
    current = table_queries.round_now(event, now)
    return no_store(
        render_template(
            "seating/tables.html",
            event=event,
            view=view,
            published=published,
            history=table_queries.published_history(event.id),
            clock=table_queries.round_clock(event.id),
            now=now,
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
    seating = table_queries.shown_version(event.id, version)
    if seating is None:
        abort(404)
    return no_store(
        render_template("seating/version.html", event=event, view=table_queries.seating_view(event, seating))
    )


def _kept_rounds(event_id: int, done: str) -> str:
    """``done``, or, once rounds have started, which rounds stayed and which were seated anew."""
    started = table_queries.round_clock(event_id).started
    seating = table_queries.current_seatings(event_id)[0]
    if not started or seating is None:
        return done
    last = seating.rounds
    if len(started) >= last:
        return _("Every round has started: nobody seated moves; people who arrived join a table.")
    kept = (
        _("Round 1 has started: nobody seated there moves.")
        if len(started) == 1
        else _("Rounds 1–%(last)d have started: nobody seated there moves.", last=len(started))
    )
    first = len(started) + 1
    changed = (
        _("Round %(n)d is regrouped.", n=first)
        if first == last
        else _("Rounds %(first)d–%(last)d are regrouped.", first=first, last=last)
    )
    return _("%(kept)s %(changed)s", kept=kept, changed=changed)


def _seat_everyone(event_id: int, operation, done: str):
    managed_event(current_user, event_id)
    try:
        operation(me(), event_id)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_kept_rounds(event_id, done), "success")
    return _back(event_id)


@bp.post("/tables/form")
@login_required
def form_tables(event_id: int):
    return _seat_everyone(event_id, forming.form_tables, _("Tables are formed. Check them, then publish."))


@bp.post("/tables/regroup")
@login_required
def regroup(event_id: int):
    return _seat_everyone(event_id, forming.regroup, _("Regrouped. The people who move are listed below."))


@bp.post("/tables/rounds/start")
@login_required
def start_round(event_id: int):
    managed_event(current_user, event_id)
    form = StartRoundForm()
    if not form.validate_on_submit():
        flash(_("Choose a round to start."), "error")
        return _back(event_id)
    number = form.round.data + 1
    return _run(event_id, publishing.start_round, _("Round %(n)d starts now.", n=number), form.round.data, now=utcnow())


@bp.post("/tables/publish")
@login_required
def publish(event_id: int):
    return _run(event_id, publishing.publish, _("Published. Attendees can now see their tables."), now=utcnow())


def _edit(event_id: int, form, operation, done_message: str | None, *fields: str):
    """One edit of the draft from a small form whose fields the service takes
    in order (and ``confirmed``, when the form asks first)."""
    managed_event(current_user, event_id)
    if not form.validate_on_submit():
        flash(_("That change could not be made: choose a person and a table."), "error")
        return _back(event_id)
    confirmed = {"confirmed": form.confirmed.data} if "confirmed" in form else {}
    return _run(
        event_id, operation, done_message, *(form[name].data for name in fields), round_=form.round.data, **confirmed
    )


def _confirm(event_id: int, round_: int | None, consequences: list):
    """The host's edit breaks something: say what, and post the same edit again, confirmed."""
    again = {name: value for name, value in request.form.items() if name not in ("csrf_token", "confirmed")}
    return no_store(
        render_template(
            "confirm.html",
            question=_("Make this change in round %(n)d?", n=(round_ or 0) + 1),
            consequences=consequences,
            action=request.path,
            hidden={**again, "confirmed": "y"},
            confirm_label=_("Yes, make the change"),
            back=url_for("seating.tables", event_id=event_id, _anchor=f"round-{(round_ or 0) + 1}"),
            back_label=_("Tables"),
        )
    )


@bp.post("/tables/swap")
@login_required
def swap(event_id: int):
    return _edit(event_id, SwapForm(), edits.swap_people, _("Swapped."), "round", "user_a", "user_b")


@bp.post("/tables/move")
@login_required
def move(event_id: int):
    return _edit(event_id, MoveForm(), edits.move_person, _("Moved."), "round", "user_id", "table")


@bp.post("/tables/lock")
@login_required
def lock(event_id: int):
    return _edit(event_id, LockForm(), edits.set_lock, None, "round", "user_id", "locked")


@bp.post("/tables/names")
@login_required
def names(event_id: int):
    managed_event(current_user, event_id)
    form = TableNamesForm()
    if not form.validate_on_submit():
        flash(form.first_error(), "error")
        return _back(event_id)
    return _run(event_id, edits.rename_tables, _("Table names saved."), form.names.data)


def _shown_seating(event_id: int):
    """What the room sees: the draft while the host prepares, else the published seating."""
    event = managed_event(current_user, event_id)
    seating = table_queries.working_seating(event.id)
    if seating is None:
        abort(404)
    return event, seating


@bp.get("/tables/projector")
@login_required
def projector(event_id: int):
    """One round's tables, large: the round the host asked for, else the one
    under way (round 1 before any has started). static/projector.js follows
    the host's clicks without a reload by hand."""
    event = door_event(current_user, event_id)
    seating = table_queries.projected_seating(event.id)
    if seating is None:
        abort(404)
    view = table_queries.seating_view(event, seating)
    clock = table_queries.round_clock(event.id)
    number = request.args.get("round", type=int) or (clock.current or 0) + 1
    round_ = view.rounds[min(max(number, 1), len(view.rounds)) - 1]
    return no_store(
        render_template(
            "seating/projector.html",
            event=event,
            view=view,
            round=round_,
            clock=clock,
            running=clock.current == round_.number,
            now=utcnow(),
            manages=event.managed_by(current_user),
        )
    )


@bp.get("/tables/projector/state")
@login_required
def projector_state(event_id: int):
    """What the projector page polls: the round under way and the seating shown."""
    event = door_event(current_user, event_id)
    seating = table_queries.projected_seating(event.id)
    clock = table_queries.round_clock(event.id)
    return no_store(
        jsonify(
            round=None if clock.current is None else clock.current + 1,
            started_at=clock.started_at.isoformat() + "Z" if clock.started_at else None,
            seating=seating.version if seating else None,
        )
    )


@bp.get("/tables/cards")
@login_required
def cards(event_id: int):
    event, seating = _shown_seating(event_id)
    return no_store(render_template("seating/cards.html", event=event, view=table_queries.seating_view(event, seating)))


@bp.get("/tables/name-tags")
@login_required
def name_tags(event_id: int):
    event, seating = _shown_seating(event_id)
    return no_store(render_template("seating/name_tags.html", event=event, tags=table_queries.name_tags(seating)))


@bp.get("/my-tables")
@login_required
def my_tables(event_id: int):
    mine = own_table_queries.my_tables(me(), event_id)  # not found unless the reader holds a confirmed seat
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


def _short_date(evening) -> str:
    """The evening's date as a chart's axis reads it: 3/12/2026, 2026/03/12."""
    return format_skeleton("yMd", local_date(evening.starts_at, evening.timezone), locale=str(get_locale()))


def _depth_charts(depths) -> dict:
    """The dashboard's drawings, every word in the reader's language."""
    labels = [_short_date(row.evening) for row in depths]
    evening = _("Evening")
    people = _("People")
    return {
        "came": chart(
            "line",
            "chart-came",
            title=_("Who came"),
            description=_("Per evening: everyone who came, the regulars among them, and the first-timers."),
            x_title=evening,
            y_title=people,
            labels=labels,
            series=[
                Series(_("Came"), [row.came for row in depths]),
                Series(_("Regulars"), [row.regulars for row in depths]),
                Series(_("First-timers"), [row.first_timers for row in depths]),
            ],
        ),
        "returned": chart(
            "bar",
            "chart-returned",
            title=_("First-timers who came back"),
            description=_("Per evening: its first-timers, and how many of them came to a later evening."),
            x_title=evening,
            y_title=people,
            labels=labels,
            series=[
                Series(_("First-timers"), [row.first_timers for row in depths]),
                Series(_("Came back later"), [row.returned for row in depths]),
            ],
        ),
        "pairs": chart(
            "stacked",
            "chart-pairs",
            title=_("Pairs who met again"),
            description=_(
                "Up to each evening: the pairs who have shared a table at two evenings, and at three or more."
            ),
            x_title=evening,
            y_title=_("Pairs"),
            labels=labels,
            series=[
                Series(_("At 2 evenings"), [row.pairs_twice for row in depths]),
                Series(_("At 3 or more"), [row.pairs_thrice for row in depths]),
            ],
        ),
        "matches": chart(
            "bar",
            "chart-matches",
            title=_("Mutual matches and reports"),
            description=_(
                "Per evening: mutual matches revealed and reports made. "
                "An evening with fewer than 3 of either has no bar for it."
            ),
            x_title=evening,
            y_title=_("Count"),
            labels=labels,
            series=[
                Series(_("Mutual matches"), [row.matches for row in depths]),
                Series(_("Reports received"), [row.reports for row in depths]),
            ],
        ),
    }


@depth_bp.get("/depth")
@login_required
def dashboard(community_id: int):
    community = managed_community(current_user, community_id)
    depths = depth.community_depth(community.id, utcnow())
    return no_store(
        render_template(
            "communities/depth.html",
            community=community,
            depths=depths,
            charts=_depth_charts(depths) if depths else {},
        )
    )
