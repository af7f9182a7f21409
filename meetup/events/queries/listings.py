"""Lists of evenings: the events list and its search, a person's own
registrations, a host's events and a community's evenings.

Each loads its cards in a fixed number of queries, however many evenings there are.
"""

import operator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from meetup.communities.models import DOOR, HOSTS, ROLES, Community, CommunityMember
from meetup.database import fold, folded
from meetup.events import timezones
from meetup.events.models import CONFIRMED, DRAFT, FINISHED, PUBLISHED, Event, Registration
from meetup.events.queries.events import unacknowledged_event_ids, waitlist_positions
from meetup.extensions import db

DISCOVERY_PAGE = 20  # evenings per page of the events list
COMMUNITY_PAST = 12  # past evenings a community's page lists, newest first


def _confirmed_counts():
    return (
        select(Registration.event_id, func.count().label("confirmed"))
        .where(Registration.status == CONFIRMED)
        .group_by(Registration.event_id)
        .subquery()
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
