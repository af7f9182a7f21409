"""The starting seating: greedy, round by round, always within the hard rules, or a clear InfeasibleError.

Greedy places fixed people first, then those with forbidden pairs (the hard
part), then everyone else at the open table they gain most from, avoiding
people they already sat with this evening. Should greedy corner itself, an
exhaustive search over the constrained people (:mod:`meetup.grouping.separate`)
either finds a valid round or proves there is none.
"""

import random
from collections.abc import Sequence

from meetup.grouping.errors import InfeasibleError
from meetup.grouping.model import FORBIDDEN_VALUE, Model
from meetup.grouping.separate import check_obvious_conflicts, separate

# Beyond this many tables, a person looks at a sample of tables instead of all of them,
# so that building the start stays O(n) per round.
_ALL_TABLES_UP_TO = 40
_SAMPLED_TABLES = 24


def initial_seating(
    model: Model, names: Sequence[str], rng: random.Random, first: Sequence[list[int]] = ()
) -> list[list[int]]:
    """``table_of[r][p]`` for every round, satisfying every hard rule.

    ``first`` are given valid rounds to start with (a design's); greedy seats the rest.
    """
    check_obvious_conflicts(model, names)
    meet = [[0] * model.size for _ in range(model.size)]
    table_of: list[list[int]] = []
    for row in first[: model.rounds]:
        table_of.append(list(row))
        _count_pairs(model, row, meet)
    for r in range(len(table_of), model.rounds):
        row = _greedy_round(model, r, meet, rng, preset={})
        if row is None:
            row = _greedy_round(model, r, meet, rng, preset=separate(model, r, names))
            if row is None:  # pragma: no cover - separate() guarantees a completable round
                raise InfeasibleError(f"round {r}: could not complete a valid seating")
        table_of.append(row)
        _count_pairs(model, row, meet)
    return table_of


def _greedy_round(
    model: Model, r: int, meet: list[list[int]], rng: random.Random, preset: dict[int, int]
) -> list[int] | None:
    """One round, greedily; ``preset`` places people first (a valid partial seating)."""
    n, tables = model.size, model.tables
    fixed, previous = model.fixed[r], model.previous[r]
    table_of = [-1] * n
    members: list[list[int]] = [[] for _ in range(tables)]
    sizes = [0] * tables
    large = 0
    open_tables = list(range(tables))

    closing = True  # some table may have filled up since open_tables was last worked out

    def seat(person: int, table: int) -> None:
        nonlocal large, closing
        table_of[person] = table
        members[table].append(person)
        sizes[table] += 1
        if sizes[table] == model.small + 1:
            large += 1
        if sizes[table] >= model.small:
            closing = True

    for person in range(n):
        if fixed[person] >= 0:
            seat(person, fixed[person])
    for person, table in preset.items():
        if table_of[person] < 0:
            seat(person, table)

    rest = [p for p in range(n) if table_of[p] < 0]
    rng.shuffle(rest)
    # The most constrained first; then people with a previous table keep it while seats last.
    rest.sort(key=lambda p: (-len(model.forbidden_with[p]), previous[p] < 0))
    for person in rest:
        # Only a table that has just reached the small size can close a table (itself, or every
        # table of that size once the large ones are all taken): look again only then.
        if closing:
            open_tables = [t for t in open_tables if model.capacity_ok(sizes, large, t)]
            closing = False
        if len(open_tables) <= _ALL_TABLES_UP_TO:
            candidates = open_tables
        else:
            candidates = rng.sample(open_tables, _SAMPLED_TABLES)
            if 0 <= previous[person] < model.tables and model.capacity_ok(sizes, large, previous[person]):
                candidates.append(previous[person])
        best_table = _best_table(model, person, previous[person], candidates, members, sizes, meet[person])
        if best_table < 0 and candidates is not open_tables:
            best_table = _best_table(model, person, previous[person], open_tables, members, sizes, meet[person])
        if best_table < 0:
            return None
        seat(person, best_table)
    return table_of


def _best_table(
    model: Model,
    person: int,
    before: int,
    candidates: list[int],
    members: list[list[int]],
    sizes: list[int],
    meet_p: list[int],
) -> int:
    """The candidate table ``person`` gains most from joining, or -1 if each holds a forbidden partner."""
    value_p = model.value[person]
    best_table, best_gain = -1, FORBIDDEN_VALUE // 2
    for table in candidates:
        gain = model.move if 0 <= before != table else 0
        for other in members[table]:
            gain += value_p[other]
            if meet_p[other]:
                gain += model.repeat
        # Ties go to the emptier table, which keeps options open for later people.
        gain = gain * 4 - sizes[table]
        if gain > best_gain:
            best_table, best_gain = table, gain
    return best_table


def _count_pairs(model: Model, row: list[int], meet: list[list[int]]) -> None:
    members: list[list[int]] = [[] for _ in range(model.tables)]
    for person, table in enumerate(row):
        members[table].append(person)
    for group in members:
        for a in group:
            for b in group:
                if a != b:
                    meet[a][b] += 1
