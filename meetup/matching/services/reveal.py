"""The reveal: when an event's meet-again window closes, every mutual pair
becomes a match, and both people hear of it at the same moment.

It runs as a job of the worker (meetup.jobs: ``reveals_due``, then
``reveal`` for each event) and lazily when a page that depends on it is
viewed. It holds the event's lock and writes the
event's ``match_reveals`` row (primary key: the event) in the same
transaction, so two runs at once reveal once: the second waits for the lock,
then finds the row and does nothing. One-sided choices are never read here
except to find their other half.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from meetup.accounts.models import User
from meetup.events.models import Event, Registration
from meetup.events.services.locking import locked_event
from meetup.extensions import db
from meetup.mail import enqueue, external_url
from meetup.matching import window
from meetup.matching.models import MeetAgainChoice, Reveal
from meetup.rules.models import Match, new_public_id, ordered
from meetup.rules.queries import forbidden_pairs

# No window is shorter than a day, so older events are the only candidates.
SHORTEST_WINDOW = timedelta(days=1)


def _mutual_pairs(event_id: int) -> set[tuple[int, int]]:
    back = aliased(MeetAgainChoice)
    rows = db.session.execute(
        select(MeetAgainChoice.chooser_id, MeetAgainChoice.chosen_id)
        .join(
            back,
            and_(
                back.event_id == MeetAgainChoice.event_id,
                back.chooser_id == MeetAgainChoice.chosen_id,
                back.chosen_id == MeetAgainChoice.chooser_id,
            ),
        )
        .where(MeetAgainChoice.event_id == event_id, MeetAgainChoice.chooser_id < MeetAgainChoice.chosen_id)
    )
    return {(low, high) for low, high in rows}


def _notify(match: Match, users: dict[int, User], event: Event) -> None:
    url = external_url("matching.matches")
    for me, other in ((match.user_low_id, match.user_high_id), (match.user_high_id, match.user_low_id)):
        enqueue(users[me], "meet-again-match", other=users[other], event=event, matches_url=url)


def reveal_matches(event_id: int, *, now: datetime) -> int | None:
    """Reveal one event if its window has closed: the number of matches made,
    or None if it is not due or was already revealed."""
    with locked_event(event_id) as event:
        if not window.is_closed(event, now) or db.session.get(Reveal, event.id) is not None:
            return None
        pairs = _mutual_pairs(event.id)
        forbidden = forbidden_pairs({u for pair in pairs for u in pair})
        pairs = {pair for pair in pairs if frozenset(pair) not in forbidden}
        users = {
            u.id: u
            for u in db.session.scalars(
                select(User).where(User.id.in_({u for pair in pairs for u in pair}), User.deleted_at.is_(None))
            )
        }
        pairs = {pair for pair in pairs if pair[0] in users and pair[1] in users}
        existing = {
            (m.user_low_id, m.user_high_id): m
            for m in db.session.scalars(
                select(Match).where(
                    Match.user_low_id.in_({low for low, _ in pairs}),
                    Match.user_high_id.in_({high for _, high in pairs}),
                )
            )
        }
        made = []
        for low, high in sorted(pairs):
            match = existing.get(ordered(low, high))
            if match is not None and match.ended_at is None:
                continue  # already matched: nothing new to tell either of them
            if match is None:
                match = Match(user_low_id=low, user_high_id=high)
                db.session.add(match)
            else:
                # Ended before, chosen again by both: a fresh match under a fresh address.
                match.public_id = new_public_id()
                match.ended_at = None
            match.event_id = event.id
            match.revealed_at = now
            made.append(match)
        db.session.add(Reveal(event_id=event.id, revealed_at=now, matches_made=len(made)))
        for match in made:
            _notify(match, users, event)
        return len(made)


def _due(statement, now: datetime) -> list[int]:
    rows = db.session.execute(
        statement.outerjoin(Reveal, Reveal.event_id == Event.id)
        .where(Reveal.event_id.is_(None), Event.ends_at <= now - SHORTEST_WINDOW)
        .order_by(Event.ends_at, Event.id)
    )
    return [event.id for event in rows.scalars() if window.is_closed(event, now)]


def reveals_due(now: datetime) -> list[int]:
    """The events whose window has closed and that are not revealed yet."""
    return _due(select(Event), now)


def reveal(event_id: int, *, now: datetime) -> int:
    """Reveal one event if it is due (``reveal_matches``); the number of
    matches made, 0 if it was not due or already revealed."""
    try:
        return reveal_matches(event_id, now=now) or 0
    except IntegrityError:
        # Another event's reveal matched one of these pairs at the same
        # moment (the pair is unique): this one rolled back; run it again.
        return reveal_matches(event_id, now=now) or 0


def reveal_due_for(user_id: int, *, now: datetime) -> int:
    """Reveal the closed events this person attended (pages call it lazily)."""
    attended = select(Registration.event_id).where(
        Registration.user_id == user_id, Registration.checked_in_at.is_not(None)
    )
    return sum(reveal(event_id, now=now) for event_id in _due(select(Event).where(Event.id.in_(attended)), now))
