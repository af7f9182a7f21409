"""Pure social-golfer instances: the design start, the repeat search, and their edge cases."""

import random
from itertools import combinations

import pytest

from meetup.grouping import solve
from meetup.grouping.design import design_rounds
from meetup.grouping.solver import STEPS_PER_SECOND
from tests.grouping.grouping_support import example, people


def _pairs_met_once(rows: list[list[int]], size: int, tables: int) -> set[tuple[int, int]]:
    """The pairs who sit together, after checking every round is balanced and no pair meets twice."""
    met = set()
    for row in rows:
        assert sorted(row.count(t) for t in range(tables)) == [size // tables] * tables
        for a, b in combinations(range(size), 2):
            if row[a] == row[b]:
                assert (a, b) not in met
                met.add((a, b))
    return met


@pytest.mark.parametrize(("size", "tables", "expected"), [(32, 8, 9), (16, 4, 5), (15, 5, 5), (27, 9, 10), (40, 8, 8)])
def test_design_rounds_are_balanced_and_repeat_free(size: int, tables: int, expected: int) -> None:
    rows = design_rounds(size, tables, 20, random.Random(0))
    assert len(rows) == expected
    _pairs_met_once(rows, size, tables)


# Everyone meets everyone exactly once, in (size - 1)/(table size - 1) rounds:
# triples at q tables, q = 6t + 1 a prime power (a Kirkman triple system; 25 = 5², 49 = 7²),
# and fours on 3q + 1 people, q ≡ 1 mod 4 a prime power (a resolvable design; 25 = 5²).
@pytest.mark.parametrize(
    ("size", "tables"),
    [*((3 * q, q) for q in (7, 13, 19, 25, 49)), *((3 * q + 1, (3 * q + 1) // 4) for q in (9, 13, 17, 25))],
)
def test_designs_where_everyone_meets_everyone_exactly_once(size: int, tables: int) -> None:
    rows = design_rounds(size, tables, 100, random.Random(size))
    assert len(rows) == (size - 1) // (size // tables - 1)
    assert len(_pairs_met_once(rows, size, tables)) == size * (size - 1) // 2


def test_28_golfers_in_fours_over_9_rounds_never_meet_twice() -> None:
    instance = {"people": people(*(f"p{n}" for n in range(28))), "rounds": 9, "table_count": 7}
    solution = solve(instance, time_limit=60, seed=0, steps=2 * STEPS_PER_SECOND)
    assert solution.score == 0 and solution.proven_optimal


def test_21_golfers_in_triples_over_10_rounds_never_meet_twice() -> None:
    instance = {"people": people(*"abcdefghijklmnopqrstu"), "rounds": 10, "table_count": 7}
    solution = solve(instance, time_limit=60, seed=0, steps=2 * STEPS_PER_SECOND)
    assert solution.score == 0 and solution.proven_optimal


@pytest.mark.parametrize(("size", "tables"), [(30, 6), (20, 4), (7, 3), (10, 1)])
def test_no_design_when_sizes_do_not_fit(size: int, tables: int) -> None:
    assert design_rounds(size, tables, 5, random.Random(0)) == []


def test_32_golfers_over_9_rounds_never_meet_twice() -> None:
    default_work = 2 * STEPS_PER_SECOND  # what the default 2 s buy on an idle machine
    solution = solve(example("golfers-32-people-8-tables-9-rounds"), time_limit=60, seed=3, steps=default_work)
    assert solution.score == 0 and solution.proven_optimal


def test_golfer_search_is_deterministic_and_stops_with_one_table() -> None:
    instance = {"people": people(*"abcdefghijkl"), "rounds": 5, "table_count": 3}
    first = solve(instance, time_limit=30, seed=5, steps=20_000)
    assert first.rounds == solve(instance, time_limit=30, seed=5, steps=20_000).rounds
    lonely = solve({"people": people(*"abcd"), "rounds": 3, "table_count": 1}, time_limit=5, steps=5_000)
    assert lonely.breakdown["repeats"]["count"] == 12 and not lonely.out_of_time
