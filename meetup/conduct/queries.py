"""What the conduct pages read.

Who may act on whom: seeing another attendee's card, blocking and reporting
always start from an event where the two met (``meetup.seating.queries.encounters.met``:
they shared a table at its published seating once the evening had started),
so nobody can look up, or act on, an account they never met: not a fellow
registrant before the evening, not someone at another table, not a name in a
draft. Everyone else's id is simply "not found".

Hosts and site admins read an event's reports with every decision taken on
them, and the open reports across all hosts; each list loads in a fixed
number of queries, however many reports there are. An attendee reads only
their own blocks and reports, never who blocked or reported them.

A message a host wrote to the evening's attendees may be reported by the
people it reached, and only by them: the link in their mail is signed for the
one recipient (``meetup.tokens``). The host it is about never reads that
report (nor who made it): the evening's other hosts and site admins do.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, joinedload

from meetup import tokens
from meetup.accounts.models import User
from meetup.communities.queries import role_in
from meetup.conduct.models import ModerationAction
from meetup.errors import NotFoundError
from meetup.events.models import CANCELLED, CONFIRMED, Event, HostMessage, Registration
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.rules.models import OPEN, Ban, Block, Report
from meetup.seating.queries.encounters import met
from meetup.seating.queries.tables import published_seating

PERSON_NOT_FOUND = _l("There is no such person at this event.")
MESSAGE_NOT_FOUND = _l("There is no such message.")


@dataclass
class SharedEvent:
    """The actor and another person they met at one event."""

    event: Event
    person: User
    mine: Registration
    theirs: Registration
    together: list[tuple[int, str]] = field(default_factory=list)  # (round, table name) the two shared

    @property
    def both_attended(self) -> bool:
        return self.mine.checked_in_at is not None and self.theirs.checked_in_at is not None


def shared_event(actor, event_id: int, user_id: int, *, now: datetime) -> SharedEvent:
    """The event and the other person, if both held a confirmed seat at it and
    met there by ``now``.

    Raises NotFoundError otherwise (also for oneself and deleted accounts),
    the same whether the person exists or not."""
    if user_id == actor.id:
        raise NotFoundError(PERSON_NOT_FOUND)
    rows = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event_id,
            Registration.user_id.in_((actor.id, user_id)),
            Registration.status == CONFIRMED,
        )
    )
    by_user = {row.user_id: row for row in rows}
    if actor.id not in by_user or user_id not in by_user:
        raise NotFoundError(PERSON_NOT_FOUND)
    shared = met(actor.id, now, event_id).get(user_id)
    person = db.session.get(User, user_id)
    if shared is None or person is None or person.deleted_at is not None:
        raise NotFoundError(PERSON_NOT_FOUND)
    (at_event,) = shared
    return SharedEvent(
        event=at_event.event, person=person, mine=by_user[actor.id], theirs=by_user[user_id], together=at_event.tables
    )


def block_of(blocker_id: int, blocked_id: int) -> Block | None:
    return db.session.scalar(select(Block).where(Block.blocker_id == blocker_id, Block.blocked_id == blocked_id))


@dataclass
class BlockedPerson:
    block: Block
    person: User


def blocked_people(actor) -> list[BlockedPerson]:
    """Everyone the actor blocked, most recent first (one query). Only the
    actor's own blocks: who blocked the actor is never shown."""
    person = aliased(User)
    rows = db.session.execute(
        select(Block, person)
        .join(person, and_(person.id == Block.blocked_id))
        .where(Block.blocker_id == actor.id)
        .order_by(Block.created_at.desc(), Block.id.desc())
    )
    return [BlockedPerson(block, user) for block, user in rows]


def report_of(reporter_id: int, reported_id: int, event_id: int) -> Report | None:
    return db.session.scalar(
        select(Report).where(
            Report.reporter_id == reporter_id, Report.reported_id == reported_id, Report.event_id == event_id
        )
    )


@dataclass
class MyReport:
    report: Report
    person: User
    event: Event


def my_reports(actor) -> list[MyReport]:
    """The reports the actor made, newest first, with whom and where (one query)."""
    person = aliased(User)
    rows = db.session.execute(
        select(Report, person, Event)
        .join(person, person.id == Report.reported_id)
        .join(Event, Event.id == Report.event_id)
        .where(Report.reporter_id == actor.id)
        .order_by(Report.created_at.desc(), Report.id.desc())
    )
    return [MyReport(report, user, event) for report, user, event in rows]


@dataclass
class PersonCard:
    shared: SharedEvent
    table_names: list[str]  # every table of the published seating, in order
    blocked: bool  # the actor blocked this person
    my_report: Report | None  # the actor's report about them at this event

    @property
    def can_report(self) -> bool:
        return self.shared.both_attended and self.my_report is None


def person_card(actor, event_id: int, user_id: int, *, now: datetime) -> PersonCard:
    """Another attendee as the actor sees them; NotFoundError unless the two met there.

    Reads only the actor's own blocks and reports: never whether the other
    person blocked or reported the actor."""
    shared = shared_event(actor, event_id, user_id, now=now)
    seating = published_seating(event_id)
    names = [seating.table_name(t) for t in range(seating.table_count)] if seating is not None else []
    return PersonCard(
        shared=shared,
        table_names=names,
        blocked=block_of(actor.id, user_id) is not None,
        my_report=report_of(actor.id, user_id, event_id),
    )


@dataclass
class ReachedMessage:
    """A host's message, as one of the people it reached sees it."""

    message: HostMessage
    event: Event
    sender: User
    my_report: Report | None  # the actor's report about the sender at this evening, if any


def reached_message(actor, token: str, *, now: datetime) -> ReachedMessage:
    """The message the signed link names, if it was made for the actor.

    NotFoundError otherwise: a forged or old link, someone else's link, a
    message or sender that is gone, and the sender themselves (nobody
    reports themselves) all look alike."""
    try:
        payload = tokens.read(tokens.REPORT_HOST_MESSAGE, token, now=now)
    except tokens.BadTokenError:
        raise NotFoundError(MESSAGE_NOT_FOUND) from None
    if payload.get("u") != actor.id or not isinstance(payload.get("m"), int):
        raise NotFoundError(MESSAGE_NOT_FOUND)
    message = db.session.get(HostMessage, payload["m"])
    if message is None or message.sender is None or message.sender_id == actor.id:
        raise NotFoundError(MESSAGE_NOT_FOUND)
    if message.sender.deleted_at is not None:
        raise NotFoundError(MESSAGE_NOT_FOUND)
    return ReachedMessage(
        message=message,
        event=message.event,
        sender=message.sender,
        my_report=report_of(actor.id, message.sender_id, message.event_id),
    )


ADMIN_LIST_LIMIT = 200


@dataclass
class QueueItem:
    report: Report
    reporter: User
    reported: User
    message: HostMessage | None = None  # the host's message the report is about, if any
    actions: list[ModerationAction] = field(default_factory=list)  # oldest first
    ban: Ban | None = None  # the reported person's active ban from this host's events

    @property
    def is_open(self) -> bool:
        return self.report.status == OPEN

    @property
    def warned(self) -> bool:
        return any(action.action == "warn" for action in self.actions)


def _hides_reports_about_self(viewer) -> bool:
    """Whether the viewer is kept from reports about themselves (a host reported
    for a message they wrote): everyone but site admins."""
    return viewer is not None and not viewer.is_admin


def event_queue(event: Event, viewer=None) -> list[QueueItem]:
    """The event's reports, open ones first, then newest first (three queries),
    with the host's message each is about, if any. A ``viewer`` who is not a
    site admin does not see reports about themselves."""
    reporter, reported = aliased(User), aliased(User)
    statement = (
        select(Report, reporter, reported, HostMessage)
        .join(reporter, reporter.id == Report.reporter_id)
        .join(reported, reported.id == Report.reported_id)
        .outerjoin(HostMessage, HostMessage.id == Report.host_message_id)
        .where(Report.event_id == event.id)
        .order_by((Report.status != OPEN), Report.created_at.desc(), Report.id.desc())
    )
    if _hides_reports_about_self(viewer):
        statement = statement.where(Report.reported_id != viewer.id)
    items = [QueueItem(report, a, b, message) for report, a, b, message in db.session.execute(statement)]
    if not items:
        return items
    by_report = {item.report.id: item for item in items}
    for action in db.session.scalars(
        select(ModerationAction)
        .where(ModerationAction.report_id.in_(list(by_report)))
        .options(joinedload(ModerationAction.actor))
        .order_by(ModerationAction.created_at, ModerationAction.id)
    ):
        by_report[action.report_id].actions.append(action)
    active = {
        ban.user_id: ban
        for ban in db.session.scalars(
            select(Ban).where(
                Ban.community_id == event.community_id,
                Ban.lifted_at.is_(None),
                Ban.user_id.in_({item.reported.id for item in items}),
            )
        )
    }
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
    message: HostMessage | None  # the host's message the report is about, if any


def open_reports() -> list[OpenReport]:
    """Reports nobody has acted on yet, across every host, oldest first (one query)."""
    reporter, reported = aliased(User), aliased(User)
    rows = db.session.execute(
        select(Report, Event, reporter, reported, HostMessage)
        .join(Event, Event.id == Report.event_id)
        .join(reporter, reporter.id == Report.reporter_id)
        .join(reported, reported.id == Report.reported_id)
        .outerjoin(HostMessage, HostMessage.id == Report.host_message_id)
        .where(Report.status == OPEN)
        .order_by(Report.created_at, Report.id)
        .limit(ADMIN_LIST_LIMIT)
    )
    return [OpenReport(*row) for row in rows]


RUNS_THE_COMMUNITY = _l(
    "Someone who runs this community cannot be banned from it. Send a warning, or ask a site administrator."
)


def runs_the_community(event: Event, user: User) -> bool:
    """Whether the person runs the evening's community (its owner, a co-host or door staff):
    such a person is never banned from it."""
    return user.id == event.host_id or role_in(user, event.community_id) is not None


def queue_item(event: Event, report_id: int, viewer=None) -> QueueItem:
    """One report of the event's queue, as ``viewer`` may read it, with its decisions and any ban."""
    item = next((item for item in event_queue(event, viewer) if item.report.id == report_id), None)
    if item is None:
        raise NotFoundError(_l("There is no such report."))
    return item


def upcoming_registrations(community_id: int, user_id: int, now: datetime) -> int:
    """How many registrations (seat or waitlist) the person holds for the
    community's evenings that have not started: what a ban would cancel."""
    return db.session.scalar(
        select(func.count(Registration.id))
        .join(Event, Event.id == Registration.event_id)
        .where(
            Event.community_id == community_id,
            Event.starts_at > now,
            Registration.user_id == user_id,
            Registration.status != CANCELLED,
        )
    )
