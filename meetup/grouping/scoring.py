"""The one objective of FORMAT.md: pair values, the hard-rule check, and the score with its breakdown.

The solver's incremental evaluation is derived from :func:`pair_value_matrix`
and every score it reports is recomputed by :func:`score_seating`, so there is
exactly one definition of "how good is this seating".
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from meetup.grouping.errors import SeatingError
from meetup.grouping.instance import Instance

# rounds -> tables -> person indices
Seating = Sequence[Sequence[Sequence[int]]]

# Weight name -> the breakdown key a host reads.
BREAKDOWN_KEYS: Mapping[str, str] = {
    "mutual": "mutual_pairs",
    "met": "familiar_pairs",
    "shared_goal": "shared_goals",
    "same_industry": "same_industry_pairs",
    "newcomer_pair": "first_timer_pairs",
    "repeat": "repeats",
    "move": "moves",
}


@dataclass(frozen=True)
class Score:
    """A seating's score and how it arises: ``counts[term] * weight == points[term]``.

    Counts are per round: a mutual pair seated together in two rounds counts
    twice; ``repeat`` counts ``k - 1`` for a pair together in ``k`` rounds.
    """

    total: int
    counts: Mapping[str, int]
    points: Mapping[str, int]

    def breakdown(self) -> dict[str, dict[str, int]]:
        return {
            BREAKDOWN_KEYS[term]: {"count": self.counts[term], "points": self.points[term]} for term in BREAKDOWN_KEYS
        }


def pair_terms(instance: Instance, a: int, b: int) -> Counter[str]:
    """How many times each weighted term applies to the pair {a, b} seated together once."""
    terms: Counter[str] = Counter()
    meeting = instance.meeting(a, b)
    if meeting is not None and meeting.mutual:
        terms["mutual"] = 1
    elif meeting is not None and meeting.met >= 1:
        terms["met"] = 1
    person_a, person_b = instance.people[a], instance.people[b]
    shared = len(person_a.goals & person_b.goals)
    if shared:
        terms["shared_goal"] = shared
    if person_a.industry and person_a.industry == person_b.industry:
        terms["same_industry"] = 1
    if person_a.first_time and person_b.first_time:
        terms["newcomer_pair"] = 1
    return terms


def pair_value(instance: Instance, a: int, b: int) -> int:
    """v(a, b) of FORMAT.md: what seating a and b together in one round adds."""
    weights = instance.weights
    return sum(weights[term] * count for term, count in pair_terms(instance, a, b).items())


def pair_value_matrix(instance: Instance) -> list[list[int]]:
    """v(a, b) for every pair at once, built term by term (pair by pair is too slow at 1,000 people).

    The diagonal is 0. Tests check it equals :func:`pair_value` everywhere.
    """
    n = instance.size
    weights = instance.weights
    value = [[0] * n for _ in range(n)]

    def add_within(group: list[int], weight: int) -> None:
        if weight == 0:
            return
        for a in group:
            row = value[a]
            for b in group:
                row[b] += weight
            row[a] -= weight

    industries: dict[str, list[int]] = {}
    goals: dict[str, list[int]] = {}
    for i, person in enumerate(instance.people):
        if person.industry:
            industries.setdefault(person.industry, []).append(i)
        for goal in person.goals:
            goals.setdefault(goal, []).append(i)
    for group in industries.values():
        add_within(group, weights["same_industry"])
    for group in goals.values():
        add_within(group, weights["shared_goal"])
    add_within([i for i, p in enumerate(instance.people) if p.first_time], weights["newcomer_pair"])
    for (a, b), meeting in instance.history.items():
        bonus = weights["mutual"] if meeting.mutual else weights["met"] if meeting.met >= 1 else 0
        value[a][b] += bonus
        value[b][a] += bonus
    return value


def check_seating(instance: Instance, seating: Seating) -> None:
    """Raise :class:`SeatingError` naming the first hard rule the seating breaks."""
    ids = [person.id for person in instance.people]
    if len(seating) != instance.rounds:
        _broken(1, f"the seating has {len(seating)} rounds, expected {instance.rounds}")
    small = instance.small_table_size
    sizes = f"{small} or {small + 1}" if instance.large_table_count else f"{small}"
    for r, tables in enumerate(seating):
        if len(tables) != instance.table_count:
            _broken(1, f"round {r} has {len(tables)} tables, expected {instance.table_count}")
        table_of: dict[int, int] = {}
        for t, table in enumerate(tables):
            for person in table:
                if person in table_of:
                    _broken(1, f"round {r} seats {ids[person]!r} twice")
                table_of[person] = t
        for person, person_id in enumerate(ids):
            if person not in table_of:
                _broken(1, f"round {r} does not seat {person_id!r}")
        for t, table in enumerate(tables):
            if not small <= len(table) <= small + (1 if instance.large_table_count else 0):
                _broken(2, f"round {r} table {t} seats {len(table)} people, expected {sizes}")
        for t, table in enumerate(tables):
            for a, b in combinations(table, 2):
                if instance.is_forbidden(a, b):
                    _broken(3, f"round {r} table {t} seats forbidden pair {ids[a]!r} and {ids[b]!r}")
        for (fixed_round, person), fixed_table in sorted(instance.fixed.items()):
            if fixed_round == r and table_of[person] != fixed_table:
                _broken(
                    4,
                    f"{ids[person]!r} is fixed to table {fixed_table} in round {r}"
                    f" but sits at table {table_of[person]}",
                )


def score_seating(instance: Instance, seating: Seating) -> Score:
    """Score a seating that satisfies the hard rules (call :func:`check_seating` first if unsure)."""
    counts: Counter[str] = Counter({term: 0 for term in BREAKDOWN_KEYS})
    together: Counter[tuple[int, int]] = Counter()
    for r, tables in enumerate(seating):
        previous = instance.previous[r] if r < len(instance.previous) else {}
        for t, table in enumerate(tables):
            for a, b in combinations(sorted(table), 2):
                counts.update(pair_terms(instance, a, b))
                together[(a, b)] += 1
            # A person absent from the previous seating (a late arrival) has nothing to move from.
            counts["move"] += sum(1 for p in table if p in previous and previous[p] != t)
    counts["repeat"] = sum(k - 1 for k in together.values() if k >= 2)
    points = {term: instance.weights[term] * counts[term] for term in BREAKDOWN_KEYS}
    return Score(total=sum(points.values()), counts=dict(counts), points=points)


def _broken(rule: int, detail: str) -> None:
    raise SeatingError(f"hard rule {rule} broken: {detail}")
