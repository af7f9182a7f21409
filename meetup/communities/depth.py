"""How a community deepens, evening by evening: who came, the regulars, the
first-timers and how many of them came back, the pairs who have now shared a
table at two and at three or more evenings, and the mutual matches and reports
of each evening.

Pure counting over plain rows (the reads live with the domains that own them:
``meetup.seating.depth``). Only counts come out, never a person; a count of
matches or reports below ``SHOWN_FROM`` leaves as None ("fewer than 3"), so the
number itself never reaches a page. One-sided meet-again choices are not an
input at all.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

# A regular came to at least REGULAR_MIN of the community's last REGULAR_WINDOW evenings.
REGULAR_WINDOW, REGULAR_MIN = 6, 3
# Below this, an evening's matches or reports are "fewer than 3": small enough to point at someone.
SHOWN_FROM = 3


@dataclass(frozen=True)
class Evening:
    event_id: int
    title: str
    starts_at: datetime
    timezone: str


@dataclass(frozen=True)
class EveningDepth:
    evening: Evening
    came: int
    # False when nobody was checked in that evening: its confirmed seats were counted instead.
    checked_in: bool
    regulars: int  # of those who came, how many came to 3 of the last 6 evenings (this one included)
    first_timers: int  # of those who came, how many came for the first time
    returned: int  # of those first-timers, how many came to a later evening
    pairs_twice: int  # pairs who have now shared a table at exactly 2 evenings (this one included)
    pairs_thrice: int  # … at 3 or more
    matches: int | None  # mutual matches revealed for the evening; None: fewer than 3
    reports: int | None  # reports about the evening; None: fewer than 3


def shown(count: int) -> int | None:
    """The count, or None when it is too small to show."""
    return count if count >= SHOWN_FROM else None


def who_came(attendance: Iterable[tuple[int, int, bool]]) -> tuple[dict[int, set[int]], set[int]]:
    """Event id → who came, and the events where nobody was checked in.

    ``attendance`` is (event id, user id, checked in) for each confirmed seat. Who
    came is who was checked in; at an evening where nobody was (the host kept the
    door on paper), the confirmed seats are the best record there is."""
    checked_in: dict[int, set[int]] = defaultdict(set)
    confirmed: dict[int, set[int]] = defaultdict(set)
    for event_id, user_id, present in attendance:
        confirmed[event_id].add(user_id)
        if present:
            checked_in[event_id].add(user_id)
    unchecked = {event_id for event_id in confirmed if not checked_in[event_id]}
    came = {event_id: checked_in[event_id] or confirmed[event_id] for event_id in confirmed}
    return came, unchecked


def tablemate_pairs(placements: Iterable[tuple[int, int, int, int]]) -> dict[int, set[tuple[int, int]]]:
    """Event id → the pairs (low id, high id) who sat at one table in any round.

    ``placements`` is (event id, round, table number, user id) at published seatings."""
    tables: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for event_id, round_, table_no, user_id in placements:
        tables[(event_id, round_, table_no)].append(user_id)
    pairs: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for (event_id, _round, _table), people in tables.items():
        pairs[event_id].update(combinations(sorted(people), 2))
    return pairs


def evening_depths(
    evenings: list[Evening],
    attendance: Iterable[tuple[int, int, bool]],
    placements: Iterable[tuple[int, int, int, int]],
    matches: dict[int, int],
    reports: dict[int, int],
) -> list[EveningDepth]:
    """The figures of each evening, in the order given (oldest first)."""
    came, unchecked = who_came(attendance)
    pairs = tablemate_pairs(placements)
    people = [came.get(evening.event_id, set()) for evening in evenings]
    last_came: dict[int, int] = {}
    for i, present in enumerate(people):
        for user_id in present:
            last_came[user_id] = i
    seen: set[int] = set()
    together: Counter[tuple[int, int]] = Counter()
    twice = thrice = 0
    depths = []
    for i, (evening, present) in enumerate(zip(evenings, people)):
        window = Counter(user_id for earlier in people[max(0, i - REGULAR_WINDOW + 1) : i + 1] for user_id in earlier)
        first = present - seen
        seen |= present
        for pair in pairs.get(evening.event_id, ()):
            together[pair] += 1
            if together[pair] == 2:
                twice += 1
            elif together[pair] == 3:
                twice, thrice = twice - 1, thrice + 1
        depths.append(
            EveningDepth(
                evening=evening,
                came=len(present),
                checked_in=evening.event_id not in unchecked,
                regulars=sum(window[user_id] >= REGULAR_MIN for user_id in present),
                first_timers=len(first),
                returned=sum(last_came[user_id] > i for user_id in first),
                pairs_twice=twice,
                pairs_thrice=thrice,
                matches=shown(matches.get(evening.event_id, 0)),
                reports=shown(reports.get(evening.event_id, 0)),
            )
        )
    return depths
