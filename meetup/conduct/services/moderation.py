"""The host's decisions on reports: dismiss, warn, ban from the host's
events, lift a ban. Every decision is logged with who made it and when.

Only the event's host and site admins act; to anyone else a report does not
exist. The reported person learns only what a decision tells them (the
warning or the ban), never who reported them or what about: a host reported
for a message they wrote to the attendees cannot see or act on that report
(the evening's other hosts and site admins do), and nobody who runs the
community (its owner, co-hosts and door staff) can be banned from its
evenings.
"""

from datetime import datetime

from sqlalchemy import select

from meetup.conduct.models import BAN, DISMISS, LIFT, NOTE_MAX, WARN, ModerationAction
from meetup.conduct.services import bans
from meetup.errors import DomainError, NotFoundError
from meetup.events.models import Event
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.mail import enqueue, external_url
from meetup.rules.models import BANNED, DISMISSED, OPEN, WARNED, Ban, Report
from meetup.rules.queries import current_code

REPORT_NOT_FOUND = _l("There is no such report.")
# A report's status is the strongest decision taken on it so far.
_SEVERITY = {OPEN: 0, DISMISSED: 1, WARNED: 2, BANNED: 3}


class ModerationError(DomainError):
    pass


def managed_report(actor, event_id: int, report_id: int) -> Report:
    """The report, if it belongs to this event and the actor runs the event."""
    report = db.session.get(Report, report_id)
    if report is None or report.event_id != event_id:
        raise NotFoundError(REPORT_NOT_FOUND)
    event = db.session.get(Event, event_id)
    if event is None or not event.managed_by(actor):
        raise NotFoundError(REPORT_NOT_FOUND)
    if report.reported_id == actor.id and not actor.is_admin:
        raise NotFoundError(REPORT_NOT_FOUND)
    return report


def _clean(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(_l("At most %(max)d characters.", max=NOTE_MAX), field="note")
    return note


def _record(actor, report: Report, action: str, note: str, now: datetime, status: str | None = None) -> None:
    db.session.add(ModerationAction(report_id=report.id, actor_id=actor.id, action=action, note=note, created_at=now))
    if status is not None and _SEVERITY[status] > _SEVERITY[report.status]:
        report.status = status


def dismiss(actor, event_id: int, report_id: int, *, note: str = "", now: datetime) -> Report:
    """Close an open report without action. The pair stays kept apart at tables."""
    report = managed_report(actor, event_id, report_id)
    note = _clean(note)
    if report.status != OPEN:
        raise ModerationError(_l("This report has already been dealt with."))
    _record(actor, report, DISMISS, note, now, DISMISSED)
    db.session.commit()
    return report


def _already_warned(report: Report) -> bool:
    return (
        db.session.scalar(
            select(ModerationAction.id)
            .where(ModerationAction.report_id == report.id, ModerationAction.action == WARN)
            .limit(1)
        )
        is not None
    )


def warn(actor, event_id: int, report_id: int, *, note: str = "", now: datetime) -> Report:
    """Mail the reported person the code of conduct, in their language.

    The mail names the event, never the reporter, the category, the round or
    the table: none of that may point at who spoke up. Once per report."""
    report = managed_report(actor, event_id, report_id)
    note = _clean(note)
    if _already_warned(report):
        raise ModerationError(_l("A warning about this report has already been sent."))
    event = db.session.get(Event, event_id)
    person = report.reported
    enqueue(
        person,
        "conduct-warning",
        event=event,
        code=current_code(),
        event_url=external_url("events.show", event_id=event.id),
    )
    _record(actor, report, WARN, note, now, WARNED)
    db.session.commit()
    return report


def ban(actor, event_id: int, report_id: int, *, note: str = "", now: datetime) -> Ban:
    """Ban the reported person from the community's future evenings: registration
    is refused from now on, their upcoming registrations are cancelled and
    the freed seats go to the waitlist, all in one transaction."""
    report = managed_report(actor, event_id, report_id)
    note = _clean(note)
    events = bans.lock_upcoming_events(report.event.community_id, now)
    try:
        report = managed_report(actor, event_id, report_id)  # reloaded under the locks
        record, cancelled = bans.apply_ban(
            actor, report.event, report.reported_id, report_id=report.id, events=events, now=now
        )
        bans.notify_banned(report.reported, report.event.community, cancelled)
        _record(actor, report, BAN, note, now, BANNED)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return record


def lift_ban(actor, event_id: int, report_id: int, *, note: str = "", now: datetime) -> Ban:
    """Lift the active ban of the reported person from the event's community.
    Cancelled registrations stay cancelled; the person may register again."""
    report = managed_report(actor, event_id, report_id)
    note = _clean(note)
    record = bans.active_ban(report.event.community_id, report.reported_id)
    if record is None:
        raise ModerationError(_l("This person is not banned from these events."))
    bans.lift(actor, record, now=now)
    _record(actor, report, LIFT, note, now)
    db.session.commit()
    return record
