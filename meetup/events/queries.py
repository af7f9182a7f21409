"""Read-side helpers for event pages, and what later steps (seating,
meet-again) read about an evening's attendees.

Each function loads what a page needs in a fixed number of queries, however
many people registered.
"""

import operator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from meetup.accounts.models import User
from meetup.accounts.names import matches, name_keys, query_keys
from meetup.communities.models import DOOR, HOSTS, ROLES, Community, CommunityMember
from meetup.database import fold, folded
from meetup.errors import NotFoundError
from meetup.events import timezones
from meetup.events.models import (
    APPLIED,
    CANCELLED,
    CASH,
    CONFIRMED,
    DRAFT,
    FINISHED,
    LOTTERY,
    OTHER,
    PUBLISHED,
    WAITLISTED,
    Event,
    Registration,
)
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.rules.models import CodeOfConduct, ConductAcknowledgement
from meetup.rules.queries import acknowledged_user_ids, active_ban, current_code

SEARCH_LIMIT = 20
DISCOVERY_PAGE = 20  # evenings per page of the events list
COMMUNITY_PAST = 12  # past evenings a community's page lists, newest first

# What anyone is told about an event that is not there or not theirs to see.
EVENT_NOT_FOUND = _l("There is no such event.")


def visible_event(actor, event_id: int) -> Event:
    """The event, if this person may know it exists (drafts: host and admins)."""
    event = db.session.get(Event, event_id)
    if event is None or not event.visible_to(actor):
        raise NotFoundError(EVENT_NOT_FOUND)
    return event


def managed_event(actor, event_id: int) -> Event:
    """The event, if this person runs it; everyone else gets 'not found'."""
    event = db.session.get(Event, event_id)
    if event is None or not event.managed_by(actor):
        raise NotFoundError(EVENT_NOT_FOUND)
    return event


def door_event(actor, event_id: int) -> Event:
    """The event, if this person works its door (door staff, and everyone who runs it)."""
    event = db.session.get(Event, event_id)
    if event is None or not event.door_worked_by(actor):
        raise NotFoundError(EVENT_NOT_FOUND)
    return event


def closed_reason(event: Event, now: datetime):
    """Why registration is closed right now, or None while it is open."""
    if event.state == CANCELLED:
        return _l("This event is cancelled.")
    if event.state != PUBLISHED:
        return _l("Registration has not opened yet.")
    if now >= event.starts_at:
        return _l("This event has already started.")
    if now >= event.registration_deadline:
        return _l("Registration for this event has closed.")
    return None


def taking_applications(event: Event, now: datetime) -> bool:
    """A lottery evening before its draw: registering applies for a seat."""
    return event.admission == LOTTERY and event.drawn_at is None and event.draw_at is not None and now < event.draw_at


def awaiting_draw(event: Event, now: datetime) -> bool:
    """A lottery evening whose draw time has passed and that has not drawn yet."""
    return event.admission == LOTTERY and event.drawn_at is None and event.draw_at is not None and now >= event.draw_at


@dataclass
class Counts:
    """Where an event's seats stand."""

    confirmed: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    checked_in: int = 0
    last_in_queue: int = 0  # the queue number of the latest registration, 0 for none
    paid: int = 0  # people whose payment was taken at the door
    paid_yen: int = 0  # and what they paid, in all
    applied: int = 0  # lottery applications waiting for the draw


def counts(event_id: int) -> Counts:
    """The event's seat tally: the one place it is counted."""
    row = db.session.execute(
        select(
            *(
                func.count().filter(Registration.status == status).label(status)
                for status in (CONFIRMED, WAITLISTED, CANCELLED, APPLIED)
            ),
            func.count(Registration.checked_in_at).label("checked_in"),
            func.coalesce(func.max(Registration.queue_number), 0).label("last_in_queue"),
            func.count(Registration.paid_at).label("paid"),
            func.coalesce(func.sum(Registration.paid_amount), 0).label("paid_yen"),
        ).where(Registration.event_id == event_id)
    ).one()
    return Counts(**row._asdict())


def registration_of(user_id: int, event_id: int) -> Registration | None:
    """The person's registration for the event (one per person and event)."""
    return db.session.scalar(
        select(Registration).where(Registration.event_id == event_id, Registration.user_id == user_id)
    )


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting; None if not on the waitlist."""
    if registration.status != WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == registration.event_id,
            Registration.status == WAITLISTED,
            Registration.queue_number < registration.queue_number,
        )
    )
    return ahead + 1


def _confirmed_counts():
    return (
        select(Registration.event_id, func.count().label("confirmed"))
        .where(Registration.status == CONFIRMED)
        .group_by(Registration.event_id)
        .subquery()
    )


@dataclass
class EventPage:
    """What the event page shows this reader."""

    counts: Counts
    capacity: int
    registration: Registration | None
    position: int | None
    needs_acknowledgement: bool
    manages: bool
    closed_reason: object  # a lazy message, or None while registration is open
    started: bool
    over: bool
    code: CodeOfConduct  # the current code of conduct, which the page shows
    banned: bool = False  # the host does not accept registrations from this reader
    applying: bool = False  # a lottery before its draw: registering is applying

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.counts.confirmed)

    @property
    def registered(self) -> bool:
        return self.registration is not None and self.registration.status != CANCELLED

    @property
    def shows_online_link(self) -> bool:
        # The link is the door of an online room: only people with a seat
        # (and the host) get it, so it cannot be passed around by anyone
        # who merely looked at the page.
        return self.manages or (self.registration is not None and self.registration.status == CONFIRMED)


def visible_event_page(reader, event_id: int, now: datetime) -> tuple[Event, EventPage]:
    """``visible_event`` and what its page shows this reader."""
    event = visible_event(reader, event_id)
    code = current_code()
    mine = banned = None
    if reader.is_authenticated:
        mine = registration_of(reader.id, event.id)
        banned = active_ban(event.community_id, reader.id) is not None
    needs_acknowledgement = bool(
        mine is not None
        and mine.status == CONFIRMED
        and event.state == PUBLISHED
        and event.ends_at > now
        and event.id in unacknowledged_event_ids(reader.id, [event], version=code.version)
    )
    return event, EventPage(
        counts=counts(event.id),
        capacity=event.capacity,
        registration=mine,
        position=waitlist_position(mine) if mine is not None else None,
        needs_acknowledgement=needs_acknowledgement,
        manages=event.managed_by(reader),
        closed_reason=closed_reason(event, now),
        started=event.starts_at <= now,
        over=event.ends_at <= now,
        code=code,
        banned=bool(banned),
        applying=taking_applications(event, now),
    )


@dataclass
class EventCard:
    event: Event
    confirmed: int

    @property
    def seats_left(self) -> int:
        return max(0, self.event.capacity - self.confirmed)


@dataclass
class EventSearch:
    """What someone looks for on the events list; an empty filter lets everything through."""

    keyword: str = ""  # words, each found in the title, theme, description, venue or community's name
    first_day: date | None = None  # the evening's date where it takes place, on or after
    last_day: date | None = None  # and on or before
    area: str = ""  # a prefecture's code or "online" (meetup.events.areas)
    theme: str = ""


@dataclass
class Discovery:
    """One page of the evenings found, and how many there are in all."""

    cards: list[EventCard]
    total: int
    page: int
    pages: int


def _starts(compare, day: date):
    """``compare(Event.starts_at, midnight)``, midnight at the start of ``day``
    in each evening's own zone: one term per zone an event may have."""
    midnight = datetime.combine(day, time())
    return or_(
        *(
            and_(Event.timezone == zone, compare(Event.starts_at, timezones.to_utc(midnight, zone)))
            for zone in timezones.CHOICES
        )
    )


def _matching(search: EventSearch, now: datetime) -> list:
    conditions = [Event.state == PUBLISHED, Event.starts_at > now]
    if search.theme:
        conditions.append(Event.theme == search.theme)
    if search.area:
        conditions.append(Event.area == search.area)
    if search.first_day:
        conditions.append(_starts(operator.ge, search.first_day))
    if search.last_day:
        conditions.append(_starts(operator.lt, search.last_day + timedelta(days=1)))
    # Width, case and kana are folded on both sides (meetup.database.fold): "ｼﾌﾞﾔ"
    # finds シブヤ, "しぶや" too, "ＩＴ" finds "IT". A few hundred upcoming evenings
    # are scanned; no index is needed at this size.
    columns = (Event.title, Event.theme, Event.description, Event.venue, Community.name)
    for word in (fold(search.keyword) or "").split():
        conditions.append(or_(*(folded(column).contains(word, autoescape=True) for column in columns)))
    return conditions


def discover_events(search: EventSearch, now: datetime, page: int = 1, per_page: int | None = None) -> Discovery:
    """Published evenings that have not started and match every filter, soonest
    first: one page of them (a page past the last shows the last) and the count,
    in two queries however many there are."""
    per_page = per_page or DISCOVERY_PAGE
    conditions = _matching(search, now)
    found = select(Event.id).outerjoin(Community, Community.id == Event.community_id).where(*conditions)
    total = db.session.scalar(select(func.count()).select_from(found.subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    confirmed = _confirmed_counts()
    rows = db.session.execute(
        select(Event, func.coalesce(confirmed.c.confirmed, 0))
        .outerjoin(confirmed, confirmed.c.event_id == Event.id)
        .outerjoin(Community, Community.id == Event.community_id)
        .where(*conditions)
        .order_by(Event.starts_at, Event.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return Discovery([EventCard(event, number) for event, number in rows], total, page, pages)


def upcoming_themes(now: datetime) -> list[str]:
    return list(
        db.session.scalars(
            select(Event.theme)
            .where(Event.state == PUBLISHED, Event.starts_at > now, Event.theme != "")
            .distinct()
            .order_by(Event.theme)
        )
    )


def waitlist_positions(event_ids) -> dict[int, int]:
    """Registration id → place in its event's waitlist (1 = next in line)."""
    position = func.row_number().over(
        partition_by=Registration.event_id, order_by=(Registration.queue_number, Registration.id)
    )
    ranked = (
        select(Registration.id, position.label("position"))
        .where(Registration.event_id.in_(list(event_ids)), Registration.status == WAITLISTED)
        .subquery()
    )
    return dict(db.session.execute(select(ranked.c.id, ranked.c.position)).all())


def unacknowledged_event_ids(user_id: int, events, version: int | None = None) -> set[int]:
    """Of these events, those whose current code of conduct the user has not
    accepted (``version``: the current code's, when the caller has read it)."""
    events = list(events)
    if not events:
        return set()
    version = version if version is not None else current_code().version
    accepted = set(
        db.session.execute(
            select(ConductAcknowledgement.event_id, ConductAcknowledgement.event_revision).where(
                ConductAcknowledgement.user_id == user_id,
                ConductAcknowledgement.platform_version == version,
                ConductAcknowledgement.event_id.in_([event.id for event in events]),
            )
        ).all()
    )
    return {event.id for event in events if (event.id, event.conduct_revision) not in accepted}


@dataclass
class MyRegistration:
    registration: Registration
    position: int | None
    needs_acknowledgement: bool
    tonight: bool = False

    @property
    def event(self) -> Event:
        return self.registration.event


def my_registrations(user_id: int, now: datetime) -> tuple[list[MyRegistration], list[MyRegistration]]:
    """(upcoming soonest first, past latest first) registrations of one person."""
    registrations = list(
        db.session.scalars(
            select(Registration)
            .join(Registration.event)
            .where(Registration.user_id == user_id, Event.state != DRAFT)
            .options(joinedload(Registration.event))
            .order_by(Event.starts_at)
        )
    )
    events = [r.event for r in registrations]
    positions = waitlist_positions([e.id for e in events])
    unacknowledged = unacknowledged_event_ids(user_id, events)
    rows = [
        MyRegistration(
            r,
            positions.get(r.id),
            r.status == CONFIRMED and r.event.state == PUBLISHED and r.event.id in unacknowledged,
            is_tonight(r.event, now),
        )
        for r in registrations
    ]
    upcoming = [row for row in rows if row.event.ends_at > now]
    past = [row for row in reversed(rows) if row.event.ends_at <= now]
    return upcoming, past


def _in_communities(user_id: int, roles):
    """Events of the communities where this person holds one of ``roles``."""
    return Event.community_id.in_(
        select(CommunityMember.community_id).where(CommunityMember.user_id == user_id, CommunityMember.role.in_(roles))
    )


def hosted_events(user_id: int) -> list[EventCard]:
    """Every event of the communities this person owns or co-hosts, latest first (one query)."""
    confirmed = _confirmed_counts()
    rows = db.session.execute(
        select(Event, func.coalesce(confirmed.c.confirmed, 0))
        .outerjoin(confirmed, confirmed.c.event_id == Event.id)
        .where(_in_communities(user_id, HOSTS))
        .order_by(Event.starts_at.desc(), Event.id.desc())
    )
    return [EventCard(event, number) for event, number in rows]


def door_evenings(user_id: int, now: datetime) -> list[EventCard]:
    """The published evenings still to come where this person works the door
    (and does not host), soonest first (one query)."""
    confirmed = _confirmed_counts()
    rows = db.session.execute(
        select(Event, func.coalesce(confirmed.c.confirmed, 0))
        .outerjoin(confirmed, confirmed.c.event_id == Event.id)
        .where(_in_communities(user_id, (DOOR,)), Event.state == PUBLISHED, Event.ends_at > now)
        .order_by(Event.starts_at, Event.id)
    )
    return [EventCard(event, number) for event, number in rows]


@dataclass
class CommunityEvenings:
    """A community's published evenings to come (soonest first), its latest
    past ones (newest first) and how many past ones it has in all."""

    upcoming: list[EventCard]
    past: list[EventCard]
    past_count: int


def community_evenings(community_id: int, now: datetime, past_limit: int = COMMUNITY_PAST) -> CommunityEvenings:
    """Three queries however many evenings the community has had: a monthly
    mixer's page lists its latest past evenings, not every one since it began."""
    confirmed = _confirmed_counts()
    evenings = (
        select(Event, func.coalesce(confirmed.c.confirmed, 0))
        .outerjoin(confirmed, confirmed.c.event_id == Event.id)
        .where(Event.community_id == community_id, Event.state.in_((PUBLISHED, FINISHED)))
    )
    upcoming = db.session.execute(evenings.where(Event.ends_at > now).order_by(Event.starts_at, Event.id))
    past = db.session.execute(
        evenings.where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id.desc()).limit(past_limit)
    )
    past_count = db.session.scalar(
        select(func.count())
        .select_from(Event)
        .where(Event.community_id == community_id, Event.state.in_((PUBLISHED, FINISHED)), Event.ends_at <= now)
    )
    return CommunityEvenings(
        upcoming=[EventCard(event, number) for event, number in upcoming],
        past=[EventCard(event, number) for event, number in past],
        past_count=past_count,
    )


def community_has_evenings(community_id: int) -> bool:
    """Whether any evening, even a draft or a cancelled one, belongs to the community."""
    return db.session.scalar(select(Event.id).where(Event.community_id == community_id).limit(1)) is not None


def hosts_events(user_id: int) -> bool:
    """Whether this person runs or staffs any event (they land on their hosted events)."""
    return db.session.scalar(select(Event.id).where(_in_communities(user_id, ROLES)).limit(1)) is not None


# An evening starting this soon is "tonight" even when it starts after midnight.
TONIGHT_WITHIN = timedelta(hours=6)


def is_tonight(event: Event, now: datetime) -> bool:
    """Published, not over, and started, starting today where it takes place, or starting soon."""
    if event.state != PUBLISHED or event.ends_at <= now:
        return False
    return event.starts_at <= now + TONIGHT_WITHIN or _local_date(event.starts_at, event) == _local_date(now, event)


def _local_date(moment: datetime, event: Event):
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(event.timezone)).date()


@dataclass
class HostHome:
    """A host's events, in the order the host needs them."""

    door: list[EventCard]  # evenings where they only work the door, soonest first

    tonight: list[EventCard]  # soonest first
    upcoming: list[EventCard]  # published, later than today, soonest first
    drafts: list[EventCard]  # soonest first
    past: list[EventCard]  # over or cancelled, latest first


def host_home(user_id: int, now: datetime) -> HostHome:
    cards = list(reversed(hosted_events(user_id)))  # soonest first
    tonight = [card for card in cards if is_tonight(card.event, now)]
    return HostHome(
        door=door_evenings(user_id, now),
        tonight=tonight,
        upcoming=[
            card for card in cards if card.event.state == PUBLISHED and card.event.ends_at > now and card not in tonight
        ],
        drafts=[card for card in cards if card.event.state == DRAFT],
        past=[
            card
            for card in reversed(cards)
            if card.event.state != DRAFT and (card.event.ends_at <= now or card.event.state != PUBLISHED)
        ],
    )


_STATUS_ORDER = case({CONFIRMED: 0, APPLIED: 1, WAITLISTED: 2, CANCELLED: 3}, value=Registration.status)


def attendee_list(event_id: int) -> list[Registration]:
    """Everyone who registered, with their user: confirmed, then lottery
    applicants, then waitlisted in queue order, then cancelled."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event_id)
            .options(joinedload(Registration.user))
            .order_by(_STATUS_ORDER, Registration.queue_number, Registration.id)
        )
    )


def search_attendees(event_id: int, text: str) -> list[Registration]:
    """Confirmed and waitlisted people found by what the host typed, however
    it is typed: name or reading (フリガナ), kana of any kind and width, romaji
    (meetup.accounts.names). An evening has at most a few hundred people, so
    they are loaded in one query and matched here."""
    query = query_keys(text)
    if query is None:
        return []
    registrations = db.session.scalars(
        select(Registration)
        .join(Registration.user)
        .where(Registration.event_id == event_id, Registration.status.in_((CONFIRMED, WAITLISTED)))
        .options(joinedload(Registration.user))
        .order_by(_STATUS_ORDER, User.display_name, Registration.id)
    )
    found = (r for r in registrations if matches(query, name_keys(r.user.display_name, r.user.name_reading)))
    return list(islice(found, SEARCH_LIMIT))


def past_no_shows(user_ids, event: Event) -> dict[int, int]:
    """User id → how often they held a confirmed seat at an earlier event and
    did not come. Only events where the host used check-in count: without
    check-in, nobody can tell who came."""
    user_ids = list(user_ids)
    if not user_ids:
        return {}
    used_checkin = select(Registration.event_id).where(Registration.checked_in_at.is_not(None))
    rows = db.session.execute(
        select(Registration.user_id, func.count())
        .join(Registration.event)
        .where(
            Registration.user_id.in_(user_ids),
            Registration.status == CONFIRMED,
            Registration.checked_in_at.is_(None),
            Event.state == PUBLISHED,
            Event.ends_at <= event.starts_at,
            Event.id != event.id,
            Event.id.in_(used_checkin),
        )
        .group_by(Registration.user_id)
    )
    return dict(rows.all())


def returning_user_ids(user_ids, event: Event) -> set[int]:
    """Of these people, those checked in at some earlier event on the platform."""
    user_ids = list(user_ids)
    if not user_ids:
        return set()
    return set(
        db.session.scalars(
            select(Registration.user_id)
            .join(Registration.event)
            .where(
                Registration.user_id.in_(user_ids),
                Registration.checked_in_at.is_not(None),
                Event.starts_at < event.starts_at,
                Event.id != event.id,
            )
            .distinct()
        )
    )


@dataclass
class Dashboard:
    counts: Counts
    registrations: list[Registration]
    positions: dict[int, int]  # registration id → waitlist place
    no_shows: dict[int, int]  # user id → past no-shows
    acknowledged: set[int]  # user ids who accepted the current code of conduct

    @property
    def received(self) -> dict[str, int]:
        """Fees taken at the door, in yen, by how they were paid (CASH, OTHER)."""
        received = dict.fromkeys((CASH, OTHER), 0)
        for r in self.registrations:
            if r.paid_at is not None:
                received[r.payment_method] += r.paid_amount
        return received

    def unpaid(self, over: bool) -> list[Registration]:
        """Whose fee has not been taken: everyone with a seat, those present first; once the
        evening is ``over``, only those who came (the fee is paid at the door: a no-show owes nothing)."""
        owing = [
            r
            for r in self.registrations
            if r.status == CONFIRMED and r.paid_at is None and (r.checked_in_at is not None or not over)
        ]
        return sorted(owing, key=lambda r: r.checked_in_at is None)


def dashboard(event: Event) -> Dashboard:
    """The host's view of an event in five queries, however many registered."""
    registrations = attendee_list(event.id)
    user_ids = [r.user_id for r in registrations]
    return Dashboard(
        counts=counts(event.id),
        registrations=registrations,
        positions=waitlist_positions([event.id]),
        no_shows=past_no_shows(user_ids, event),
        acknowledged=acknowledged_user_ids(event, user_ids),
    )


@dataclass
class Door:
    counts: Counts
    found: list[Registration]
    no_shows: dict[int, int]
    acknowledged: set[int]


def door(event: Event, found: list[Registration]) -> Door:
    """The check-in page: totals, and details only for the people searched for."""
    user_ids = [r.user_id for r in found]
    return Door(
        counts=counts(event.id),
        found=found,
        no_shows=past_no_shows(user_ids, event),
        acknowledged=acknowledged_user_ids(event, user_ids) if user_ids else set(),
    )


@dataclass(frozen=True)
class Attendee:
    """One person at an evening, as table grouping and meet-again need them."""

    registration_id: int
    user_id: int
    display_name: str
    industry: str  # catalogue code (see meetup.accounts.industries)
    industry_other: str  # free text when industry == "other"
    goals: tuple[str, ...]  # goal codes (see meetup.events.goals)
    intro: str
    checked_in: bool
    first_time: bool  # never checked in at an earlier event on the platform


def attendees(event: Event, *, checked_in_only: bool = True) -> list[Attendee]:
    """The evening's people in three queries: those checked in (default), or
    every confirmed seat (to plan tables before the doors open)."""
    condition = [Registration.event_id == event.id, Registration.status == CONFIRMED]
    if checked_in_only:
        condition.append(Registration.checked_in_at.is_not(None))
    registrations = list(
        db.session.scalars(
            select(Registration)
            .where(*condition)
            .options(joinedload(Registration.user))
            .order_by(Registration.queue_number, Registration.id)
        )
    )
    returning = returning_user_ids([r.user_id for r in registrations], event)
    return [as_attendee(r, first_time=r.user_id not in returning) for r in registrations]


def as_attendee(registration: Registration, *, first_time: bool) -> Attendee:
    """One registration (with its user) as grouping and the pages see the person."""
    user = registration.user
    return Attendee(
        registration_id=registration.id,
        user_id=registration.user_id,
        display_name=user.display_name,
        industry=user.industry,
        industry_other=user.industry_other,
        goals=tuple(registration.goals),
        intro=registration.intro,
        checked_in=registration.checked_in_at is not None,
        first_time=first_time,
    )


@dataclass
class DrawRecord:
    """A lottery's draw as its hosts show it was fair: when, the seed, and the order."""

    drawn: list[Registration]  # in draw order, with their users
    applied: int  # applications waiting, before the draw
    positions: dict[int, int]  # registration id → waitlist place now


def draw_record(event: Event) -> DrawRecord:
    """Three queries however many applied."""
    drawn = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.draw_position.is_not(None))
            .options(joinedload(Registration.user))
            .order_by(Registration.draw_position)
        )
    )
    return DrawRecord(drawn=drawn, applied=counts(event.id).applied, positions=waitlist_positions([event.id]))
