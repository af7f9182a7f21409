"""An evening's people: the host's dashboard, the door's search, the
attendees table grouping and meet-again read, and a lottery's draw record.

Each loads what a page needs in a fixed number of queries, however many
people registered.
"""

from dataclasses import dataclass
from itertools import islice

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from meetup.accounts.models import User
from meetup.accounts.names import matches, name_keys, query_keys
from meetup.events.models import APPLIED, CANCELLED, CASH, CONFIRMED, OTHER, PUBLISHED, WAITLISTED, Event, Registration
from meetup.events.queries.events import Counts, counts, waitlist_positions
from meetup.extensions import db
from meetup.rules.queries import acknowledged_user_ids

SEARCH_LIMIT = 20
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
