"""What the seating pages show the host: tables with their people and a plain
reason for each table, the overview, name tags and where the rounds stand.

Explanations never single out a mutual match: the host sees reunions (people
who sat together before) and, for the whole evening only, how many mutual
pairs were reunited. One-sided choices are never read.
"""

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations

import jaconv
from sqlalchemy import select

from meetup.accounts.models import User
from meetup.events.models import Event
from meetup.events.queries.attendees import Attendee
from meetup.extensions import db
from meetup.seating.instance import build_instance
from meetup.seating.models import DRAFT, PUBLISHED, SUPERSEDED, RoundStart, Seating


def current_seatings(event_id: int) -> tuple[Seating | None, Seating | None]:
    """(draft, published) for the event; either may be None."""
    rows = db.session.scalars(
        select(Seating).where(Seating.event_id == event_id, Seating.status.in_((DRAFT, PUBLISHED)))
    )
    by_status = {s.status: s for s in rows}
    return by_status.get(DRAFT), by_status.get(PUBLISHED)


@dataclass(frozen=True)
class RoundClock:
    """Which round of the evening runs now (0-based) and since when; both
    None before the host starts one."""

    current: int | None = None
    started_at: datetime | None = None

    @property
    def started(self) -> range:
        """The rounds that have started: rounds only go forward, so every one up to the current."""
        return range(0 if self.current is None else self.current + 1)

    def minutes(self, now: datetime) -> int:
        """Whole minutes the current round has run."""
        return max(0, int((now - self.started_at).total_seconds() // 60)) if self.started_at else 0


def round_clock(event_id: int) -> RoundClock:
    latest = db.session.scalar(
        select(RoundStart).where(RoundStart.event_id == event_id).order_by(RoundStart.round.desc()).limit(1)
    )
    return RoundClock(latest.round, latest.started_at) if latest else RoundClock()


def projected_seating(event_id: int) -> Seating | None:
    """What the room is shown: the published seating, or the draft before anything is published."""
    draft, published = current_seatings(event_id)
    return published or draft


def grid(seating: Seating) -> list[list[list[int]]]:
    """rounds → tables → user ids."""
    rounds = [[[] for _ in range(seating.table_count)] for _ in range(seating.rounds)]
    for seat in seating.seats:
        rounds[seat.round][seat.table_no].append(seat.user_id)
    return rounds


@dataclass
class TableView:
    number: int
    name: str
    people: list[Attendee]
    locked: set[int]
    reunions: list[tuple[Attendee, Attendee]]
    industries: list[tuple[str, str]]  # (industry code, free text) present, in seat order
    same_industry_pairs: int
    first_timers: list[Attendee]
    shared_goals: list[tuple[str, int]]  # goal code, people who share it (2 or more)

    @property
    def reunited_people(self) -> list[Attendee]:
        """Everyone at the table who sat with someone here before, in seat order."""
        ids = {p.user_id for pair in self.reunions for p in pair}
        return [p for p in self.people if p.user_id in ids]


@dataclass
class RoundView:
    number: int
    tables: list[TableView]


@dataclass
class SeatingView:
    seating: Seating
    rounds: list[RoundView]
    moves: list[tuple[int, Attendee | None, str, str]] = field(default_factory=list)
    # Evening-wide counts of pairs, never who (seating/summary.py): pairs here
    # who asked to meet again, those of them at one table in some round, and
    # the other pairs who met before at one table in some round.
    mutual_pairs_present: int = 0
    mutual_pairs_reunited: int = 0
    familiar_pairs: int = 0


def _table_view(
    seating: Seating,
    number: int,
    user_ids: list[int],
    people: dict[int, Attendee],
    reunited: set[frozenset[int]],
    locked: set[int],
) -> TableView:
    present = [people[u] for u in user_ids if u in people]
    industries: list[tuple[str, str]] = []
    for p in present:
        if (p.industry, p.industry_other) not in industries:
            industries.append((p.industry, p.industry_other))
    goals = Counter(goal for p in present for goal in p.goals)
    return TableView(
        number=number,
        name=seating.table_name(number),
        people=present,
        locked=locked,
        reunions=[(a, b) for a, b in combinations(present, 2) if frozenset((a.user_id, b.user_id)) in reunited],
        industries=industries,
        same_industry_pairs=sum(
            1 for a, b in combinations(present, 2) if (a.industry, a.industry_other) == (b.industry, b.industry_other)
        ),
        first_timers=[p for p in present if p.first_time],
        shared_goals=sorted(((g, n) for g, n in goals.items() if n >= 2), key=lambda item: (-item[1], item[0])),
    )


def seating_view(event: Event, seating: Seating) -> SeatingView:
    """Every round and table of a seating, explained, in a fixed number of queries."""
    built = build_instance(event)
    people = dict(built.attendees)
    seated = {seat.user_id for seat in seating.seats}
    missing = seated - set(people)
    if missing:
        # Someone seated has since left (undone check-in, cancelled): still show who sits there.
        for user in db.session.scalars(select(User).where(User.id.in_(missing))):
            people[user.id] = Attendee(
                registration_id=0,
                user_id=user.id,
                display_name=user.display_name,
                industry=user.industry,
                industry_other=user.industry_other,
                goals=(),
                intro="",
                checked_in=False,
                first_time=False,
            )
    reunited = set(built.met)  # never built.mutual: that would single out a match to the host
    by_round = grid(seating)
    locked_by_round: dict[int, set[int]] = {}
    for seat in seating.seats:
        if seat.locked:
            locked_by_round.setdefault(seat.round, set()).add(seat.user_id)
    rounds = [
        RoundView(
            number=r,
            tables=[
                _table_view(seating, t, table, people, reunited, locked_by_round.get(r, set()))
                for t, table in enumerate(tables)
            ],
        )
        for r, tables in enumerate(by_round)
    ]
    moves = [
        (r, people.get(user_id), seating.table_name(src) if src >= 0 else "", seating.table_name(dst))
        for r, user_id, src, dst in seating.moves
    ]
    together = {frozenset(pair) for tables in by_round for table in tables for pair in combinations(table, 2)}
    return SeatingView(
        seating=seating,
        rounds=rounds,
        moves=moves,
        mutual_pairs_present=len(built.mutual),
        mutual_pairs_reunited=len(together & built.mutual),
        familiar_pairs=len((together & reunited) - built.mutual),
    )


def published_history(event_id: int) -> list[Seating]:
    """Every version attendees were ever shown, newest first: the record kept
    when a published seating is changed."""
    return list(
        db.session.scalars(
            select(Seating)
            .where(Seating.event_id == event_id, Seating.status.in_((PUBLISHED, SUPERSEDED)))
            .order_by(Seating.version.desc())
        )
    )


def shown_version(event_id: int, version: int) -> Seating | None:
    return db.session.scalar(
        select(Seating).where(
            Seating.event_id == event_id, Seating.version == version, Seating.status.in_((PUBLISHED, SUPERSEDED))
        )
    )


def host_overview(event: Event) -> tuple[SeatingView | None, Seating | None]:
    """(the seating the host works on, explained; the published one, if any)."""
    draft, published = current_seatings(event.id)
    working = draft or published
    return (seating_view(event, working) if working else None), published


def working_seating(event_id: int) -> Seating | None:
    """The seating the host works on: the draft while preparing, else the published one."""
    draft, published = current_seatings(event_id)
    return draft or published


@dataclass
class NameTag:
    """One guest's name tag: who they are and their table in every round."""

    user_id: int
    display_name: str
    reading: str  # フリガナ, "" when the person gave none
    industry: str
    industry_other: str
    tables: list[str | None]  # the table's name in each round; None for a round they sit out

    @property
    def name_columns(self) -> int:
        """The name's width in half-width columns (a kanji or kana counts two): how much it must shrink."""
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in self.display_name)


def _lookup_key(text: str) -> str:
    """How a host looks a name up at the door: hiragana and katakana alike, case and width ignored."""
    return jaconv.hira2kata(unicodedata.normalize("NFKC", text)).casefold()


def name_tags(seating: Seating) -> list[NameTag]:
    """A tag for everyone seated, in the order a host looks for them at the
    door: by reading (フリガナ), or by name for someone who gave none."""
    tables: dict[int, list[str | None]] = {}
    for seat in seating.seats:
        tables.setdefault(seat.user_id, [None] * seating.rounds)[seat.round] = seating.table_name(seat.table_no)
    users = db.session.scalars(select(User).where(User.id.in_(tables))) if tables else []
    tags = [
        NameTag(
            user_id=user.id,
            display_name=user.display_name,
            reading=user.name_reading,
            industry=user.industry,
            industry_other=user.industry_other,
            tables=tables[user.id],
        )
        for user in users
    ]
    return sorted(tags, key=lambda tag: (_lookup_key(tag.reading or tag.display_name), tag.display_name, tag.user_id))


def round_now(event: Event, now: datetime) -> int | None:
    """The round the room is in while the evening runs: the one started last,
    else the first once the start time has passed; None before and after."""
    if not event.starts_at <= now < event.ends_at:
        return None
    return round_clock(event.id).current or 0


def published_seating(event_id: int) -> Seating | None:
    return db.session.scalar(select(Seating).where(Seating.event_id == event_id, Seating.status == PUBLISHED))


def published_event_ids(event_ids) -> set[int]:
    """Of these events, those whose tables are published (one query)."""
    event_ids = list(event_ids)
    if not event_ids:
        return set()
    return set(
        db.session.scalars(select(Seating.event_id).where(Seating.event_id.in_(event_ids), Seating.status == PUBLISHED))
    )
