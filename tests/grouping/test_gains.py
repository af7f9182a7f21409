"""The tabu search's gain bookkeeping: every swap gain it computes for a whole round at once
equals rescoring the seating from scratch, at the full repeat weight and at the relaxed one the
walk chooses its swaps by, and its answers keep every hard rule."""

import dataclasses
import random
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from meetup.grouping import InfeasibleError, parse_instance
from meetup.grouping.anneal import Walk
from meetup.grouping.construct import initial_seating
from meetup.grouping.gains import FORBIDDEN_GAIN, RoundGains
from meetup.grouping.model import compile_model
from meetup.grouping.scoring import check_seating, score_seating
from meetup.grouping.seats import Seats
from meetup.grouping.tabu import tabu_search
from tests.grouping.grouping_support import fixed_places


@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    """Events of up to 11 people with every kind of term: industries, goals, first-timers,
    history (met, mutual), forbidden and fixed people, an earlier seating, uneven tables."""
    n = draw(st.integers(4, 11))
    ids = [f"p{i}" for i in range(n)]
    rounds = draw(st.integers(1, 3))
    tables = draw(st.integers(2, max(2, n // 2)))
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    history = draw(st.lists(st.sampled_from(pairs), max_size=12, unique=True))
    earlier = [draw(st.permutations(ids)) for _ in range(rounds)]
    return {
        "people": [
            {
                "id": i,
                "industry": draw(st.sampled_from(["", "law", "tax", "design"])),
                "goals": draw(st.lists(st.sampled_from(["learn", "peers", "collaborate"]), max_size=2, unique=True)),
                "first_time": draw(st.booleans()),
            }
            for i in ids
        ],
        "rounds": rounds,
        "table_count": tables,
        "history": [
            {"a": a, "b": b, "met": draw(st.integers(1, 3)), "mutual": draw(st.booleans())} for a, b in history
        ],
        "forbidden": draw(st.lists(st.sampled_from(pairs), max_size=3, unique=True)),
        "fixed": draw(fixed_places(ids, rounds, tables, most=2)),
        "previous": [[list(order[t::tables]) for t in range(tables)] for order in earlier]
        if draw(st.booleans())
        else [],
    }


def _start(instance: dict[str, Any], seed: int):
    problem = parse_instance(instance)
    model = compile_model(problem)
    try:
        table_of = initial_seating(model, [p.id for p in problem.people], random.Random(seed))
    except InfeasibleError:
        assume(False)
    return problem, model, table_of


def _seats_forbidden_pair(model, table_of: list[list[int]], r: int) -> bool:
    row = table_of[r]
    return any(row[a] == row[b] for a in range(model.size) for b in model.forbidden_with[a])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(instances(), st.integers(0, 1000), st.sampled_from([1, 5]))
def test_every_swap_gain_equals_rescoring(instance: dict[str, Any], seed: int, relaxed_by: int) -> None:
    problem, model, table_of = _start(instance, seed)
    state = RoundGains(model, table_of, model.repeat // relaxed_by)
    # Rescored with the repeat weight the search walks under.
    walked = dataclasses.replace(model, repeat=state.repeat)
    rng = random.Random(seed)

    def repeats() -> int:
        return score_seating(problem, Seats(model, state.table_of()).seating()).counts["repeat"]

    for _ in range(4):  # along a short walk, so the bookkeeping is checked after swaps too
        before = Seats(walked, state.table_of()).total()
        r = rng.randrange(model.rounds)
        gains = state.swap_gains()[r]
        row = state.table_of()[r]
        for a in range(model.size):
            for b in range(model.size):
                if row[a] == row[b] or model.fixed[r][a] >= 0 or model.fixed[r][b] >= 0:
                    assert gains[a, b] <= FORBIDDEN_GAIN  # never a candidate
                    continue
                swapped = state.table_of()
                swapped[r][a], swapped[r][b] = row[b], row[a]
                if _seats_forbidden_pair(model, swapped, r):
                    assert gains[a, b] <= FORBIDDEN_GAIN
                else:
                    assert gains[a, b] == Seats(walked, swapped).total() - before
        candidates = [(a, b) for a in range(model.size) for b in range(model.size) if gains[a, b] > FORBIDDEN_GAIN]
        if candidates:
            a, b = rng.choice(candidates)
            repeats_before = repeats()
            assert state.swap(r, a, b) == repeats() - repeats_before
            assert Seats(walked, state.table_of()).total() == before + gains[a, b]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(instances(), st.integers(0, 1000), st.booleans())
def test_tabu_search_keeps_the_hard_rules_and_reports_its_best_score(
    instance: dict[str, Any], seed: int, conflicts_only: bool
) -> None:
    problem, model, table_of = _start(instance, seed)
    seats = Seats(model, table_of)
    walk = Walk(best=seats.snapshot(), best_score=seats.total())
    tabu_search(
        seats, walk.best_score, walk, random.Random(seed), 3_000, float("inf"), model.upper_bound, conflicts_only
    )
    seating = Seats(model, walk.best).seating()
    check_seating(problem, seating)
    assert walk.best_score == score_seating(problem, seating).total >= Seats(model, table_of).total()
