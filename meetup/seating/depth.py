"""The reads behind a community's depth dashboard: its past evenings, who came,
who sat at which table, and its matches and reports per evening, counted by
``meetup.communities.depth``.

They live here because seating owns who sat with whom (and who attended), and
this is the lowest layer that sees registrations and tables together. Five
queries, however many evenings and people the community has.
"""

from datetime import datetime

from sqlalchemy import select

from meetup.communities.depth import Evening, EveningDepth, evening_depths
from meetup.events.models import CONFIRMED, FINISHED, PUBLISHED, Event, Registration
from meetup.extensions import db
from meetup.rules.queries import match_counts, report_counts
from meetup.seating.models import PUBLISHED as SEATING_PUBLISHED
from meetup.seating.models import Seat, Seating


def past_evenings(community_id: int, now: datetime) -> list[Evening]:
    """The community's evenings that have begun (published or finished), oldest first."""
    rows = db.session.execute(
        select(Event.id, Event.title, Event.starts_at, Event.timezone)
        .where(
            Event.community_id == community_id,
            Event.state.in_((PUBLISHED, FINISHED)),
            Event.starts_at <= now,
        )
        .order_by(Event.starts_at, Event.id)
    )
    return [Evening(*row) for row in rows]


def _attendance(event_ids: list[int]) -> list[tuple[int, int, bool]]:
    """(event id, user id, checked in) for every confirmed seat at these evenings."""
    return [
        (event_id, user_id, checked_in_at is not None)
        for event_id, user_id, checked_in_at in db.session.execute(
            select(Registration.event_id, Registration.user_id, Registration.checked_in_at).where(
                Registration.event_id.in_(event_ids), Registration.status == CONFIRMED
            )
        )
    ]


def _placements(event_ids: list[int]) -> list[tuple[int, int, int, int]]:
    """(event id, round, table number, user id) at these evenings' published seatings
    (a draft seated nobody; a superseded version was replaced by the published one)."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(Seating.event_id, Seat.round, Seat.table_no, Seat.user_id)
            .join(Seat, Seat.seating_id == Seating.id)
            .where(Seating.event_id.in_(event_ids), Seating.status == SEATING_PUBLISHED)
        )
    ]


def community_depth(community_id: int, now: datetime) -> list[EveningDepth]:
    """Each past evening's figures, oldest first."""
    evenings = past_evenings(community_id, now)
    if not evenings:
        return []
    ids = [evening.event_id for evening in evenings]
    return evening_depths(evenings, _attendance(ids), _placements(ids), match_counts(ids), report_counts(ids))
