"""The record of a lottery's draw, for the evening's owner and co-hosts: when
it ran, its seed and the order, so a host can show anyone it was fair.
Door staff and everyone else get 404 (it names applicants)."""

from flask import render_template
from flask_login import current_user, login_required

from meetup.events.models import LOTTERY
from meetup.events.queries import attendees as attendee_queries
from meetup.events.queries import events as event_queries
from meetup.events.services.lottery import draw_key
from meetup.events.views import bp
from meetup.timeutil import utcnow


@bp.get("/<int:event_id>/draw")
@login_required
def draw_record(event_id: int):
    event = event_queries.managed_event(current_user, event_id)
    record = attendee_queries.draw_record(event) if event.admission == LOTTERY else None
    # Each entry's place in the order, for anyone checking it by hand.
    keys = {}
    if record is not None and event.draw_seed:
        keys = {r.id: draw_key(bytes.fromhex(event.draw_seed), r.id) for r in record.drawn}
    return render_template("events/draw.html", event=event, record=record, keys=keys, now=utcnow())
