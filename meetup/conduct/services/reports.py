"""Reporting a breach of the code of conduct, after an event, about someone
who was there too.

The host of the event (and site admins) read the report; the reported person
never learns of it from anything a report changes. The pair is kept apart at
every later table: ``forbidden_pairs`` reads reports whatever their status.
"""

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from meetup.conduct.queries import report_of, shared_event
from meetup.errors import DomainError, NotAllowedError
from meetup.events.models import Event
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.mail import enqueue, external_url
from meetup.rules.models import REPORT_CATEGORIES, Report

DESCRIPTION_MAX = 2000
TABLE_MAX = 200


class AlreadyReportedError(DomainError):
    pass


def _check_place(event: Event, round_: int | None, table_no: int | None) -> None:
    if round_ is not None and not 0 <= round_ < event.rounds:
        raise DomainError(_l("Choose one of this event's rounds."), field="round")
    if table_no is not None and not 0 <= table_no < TABLE_MAX:
        raise DomainError(_l("Choose one of this event's tables."), field="table_no")


def report(
    actor,
    event_id: int,
    user_id: int,
    *,
    category: str,
    description: str,
    round_: int | None = None,
    table_no: int | None = None,
    now: datetime,
) -> Report:
    """File a report about someone the actor met at the event, both checked in.

    ``round_`` and ``table_no`` count from 0, as seats do. One report per
    reporter, person and event; the host gets a mail that names nobody."""
    shared = shared_event(actor, event_id, user_id, now=now)
    if not shared.both_attended:
        raise NotAllowedError(_l("You can report someone once you have both attended this event."))
    if category not in REPORT_CATEGORIES:
        raise DomainError(_l("Choose what kind of breach it was."), field="category")
    description = (description or "").strip()
    if not description:
        raise DomainError(_l("Please describe what happened."), field="description")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(_l("At most %(max)d characters.", max=DESCRIPTION_MAX), field="description")
    _check_place(shared.event, round_, table_no)
    if report_of(actor.id, user_id, event_id) is not None:
        raise AlreadyReportedError(_already_reported())
    record = Report(
        event_id=event_id,
        reporter_id=actor.id,
        reported_id=user_id,
        category=category,
        description=description,
        round=round_,
        table_no=table_no,
        status="open",
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyReportedError(_already_reported()) from None
    enqueue(
        shared.event.host,
        "conduct-report-received",
        event=shared.event,
        queue_url=external_url("conduct.queue_page", event_id=event_id),
    )
    db.session.commit()
    return record


def _already_reported():
    return _l("You have already reported this person for this event. You can follow it under My reports.")
