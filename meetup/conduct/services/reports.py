"""Reporting a breach of the code of conduct, after an event, about someone
who was there too.

The hosts of the event (and site admins) read the report; the reported person
never learns of it from anything a report changes. The pair is kept apart at
every later table: ``forbidden_pairs`` reads reports whatever their status.

Hosts follow the code of conduct too: a person a host's message reached may
report its sender about it (``report_message``). A report about a host, from
the tables or about a message, is read by the evening's other hosts and the
site admins, never by that host; the mail about it goes to the evening's owner,
or, when the owner is the one reported, to the co-hosts and the site admins.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from meetup.accounts.models import User
from meetup.communities.models import CO_HOST
from meetup.communities.queries import members
from meetup.conduct.queries import reached_message, report_of, shared_event
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
    description = _checked(category, description)
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
    _file(record, _already_reported())
    _tell_moderators(shared.event, shared.person)
    db.session.commit()
    return record


def report_message(actor, token: str, *, category: str, description: str, now: datetime) -> Report:
    """Report the host who wrote a message the actor received, about that message.

    ``token`` is the signed link from the actor's copy of the mail: only the
    people the message reached may report it (NotFoundError for anyone else,
    and for the sender). One report per reporter, person and evening, as for
    any report; the actor may have reported the host at the tables already."""
    reached = reached_message(actor, token, now=now)
    description = _checked(category, description)
    already = _l(
        "You have already reported %(name)s for this evening. You can follow it under My reports.",
        name=reached.sender.display_name,
    )
    if reached.my_report is not None:
        raise AlreadyReportedError(already)
    record = Report(
        event_id=reached.event.id,
        reporter_id=actor.id,
        reported_id=reached.sender.id,
        category=category,
        description=description,
        status="open",
        created_at=now,
        host_message_id=reached.message.id,
    )
    _file(record, already)
    _tell_moderators(reached.event, reached.sender)
    db.session.commit()
    return record


def _tell_moderators(event: Event, reported: User) -> None:
    """Mail who acts on the report (a mail that names nobody): the evening's
    owner, unless the owner is the one reported; then the community's
    co-hosts and the site admins."""
    if event.host_id != reported.id:
        moderators = [event.host]
    else:
        co_hosts = {member.user for member in members(event.community_id, (CO_HOST,))}
        admins = db.session.scalars(select(User).where(User.is_admin.is_(True), User.deleted_at.is_(None)))
        moderators = sorted((co_hosts | set(admins)) - {reported}, key=lambda user: user.id)
    for moderator in moderators:
        enqueue(
            moderator,
            "conduct-report-received",
            event=event,
            queue_url=external_url("conduct.queue_page", event_id=event.id),
        )


def _checked(category: str, description: str | None) -> str:
    """The report's description, once its category and description are good."""
    if category not in REPORT_CATEGORIES:
        raise DomainError(_l("Choose what kind of breach it was."), field="category")
    description = (description or "").strip()
    if not description:
        raise DomainError(_l("Please describe what happened."), field="description")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(_l("At most %(max)d characters.", max=DESCRIPTION_MAX), field="description")
    return description


def _file(record: Report, already) -> None:
    """Add the report; the database's unique (reporter, reported, event) settles a race."""
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyReportedError(already) from None


def _already_reported():
    return _l("You have already reported this person for this event. You can follow it under My reports.")
