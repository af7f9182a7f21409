"""What hosts and site admins read: an event's reports with every decision
taken on them, and the open reports across all hosts.

Each loads in a fixed number of queries, however many reports there are.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from meetup.accounts.models import User
from meetup.conduct.actions import Ban, ModerationAction
from meetup.conduct.pairs import OPEN, Report
from meetup.events.models import Event
from meetup.extensions import db
from meetup.seating.queries import published_seating

ADMIN_LIST_LIMIT = 200


@dataclass
class QueueItem:
    report: Report
    reporter: User
    reported: User
    actions: list[ModerationAction] = field(default_factory=list)  # oldest first
    ban: Ban | None = None  # the reported person's active ban from this host's events

    @property
    def is_open(self) -> bool:
        return self.report.status == OPEN

    @property
    def warned(self) -> bool:
        return any(action.action == "warn" for action in self.actions)


def event_queue(event: Event) -> list[QueueItem]:
    """The event's reports, open ones first, then newest first (three queries)."""
    reporter, reported = aliased(User), aliased(User)
    rows = db.session.execute(
        select(Report, reporter, reported)
        .join(reporter, reporter.id == Report.reporter_id).join(reported, reported.id == Report.reported_id)
        .where(Report.event_id == event.id)
        .order_by((Report.status != OPEN), Report.created_at.desc(), Report.id.desc()))
    items = [QueueItem(report, a, b) for report, a, b in rows]
    if not items:
        return items
    by_report = {item.report.id: item for item in items}
    for action in db.session.scalars(
            select(ModerationAction).where(ModerationAction.report_id.in_(list(by_report)))
            .options(joinedload(ModerationAction.actor)).order_by(ModerationAction.created_at, ModerationAction.id)):
        by_report[action.report_id].actions.append(action)
    active = {ban.user_id: ban for ban in db.session.scalars(select(Ban).where(
        Ban.host_id == event.host_id, Ban.lifted_at.is_(None),
        Ban.user_id.in_({item.reported.id for item in items})))}
    for item in items:
        item.ban = active.get(item.reported.id)
    return items


def table_names(event: Event) -> list[str]:
    """The names of the event's tables as attendees saw them (empty before publishing)."""
    seating = published_seating(event.id)
    return [seating.table_name(t) for t in range(seating.table_count)] if seating else []


@dataclass
class OpenReport:
    report: Report
    event: Event
    reporter: User
    reported: User


def open_reports() -> list[OpenReport]:
    """Reports nobody has acted on yet, across every host, oldest first (one query)."""
    reporter, reported = aliased(User), aliased(User)
    rows = db.session.execute(
        select(Report, Event, reporter, reported).join(Event, Event.id == Report.event_id)
        .join(reporter, reporter.id == Report.reporter_id).join(reported, reported.id == Report.reported_id)
        .where(Report.status == OPEN).order_by(Report.created_at, Report.id).limit(ADMIN_LIST_LIMIT))
    return [OpenReport(*row) for row in rows]
