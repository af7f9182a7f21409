"""The tabu search's gain bookkeeping: every swap and move gain it computes for a whole round at
once equals rescoring the seating from scratch, at the full repeat weight and at the relaxed one the
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


def _balanced(model, table_of: list[list[int]], r: int) -> bool:
    sizes = [table_of[r].count(t) for t in range(model.tables)]
    return min(sizes) >= model.small and max(sizes) <= model.small + 1


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(instances(), st.integers(0, 1000), st.sampled_from([1, 5]))
def test_every_swap_and_move_gain_equals_rescoring(instance: dict[str, Any], seed: int, relaxed_by: int) -> None:
    problem, model, table_of = _start(instance, seed)
    state = RoundGains(model, table_of, model.repeat // relaxed_by)
    # Rescored with the repeat weight the search walks under.
    walked = dataclasses.replace(model, repeat=state.repeat)
    rng = random.Random(seed)

    def repeats() -> int:
        return score_seating(problem, Seats(model, state.table_of()).seating()).counts["repeat"]

    for _ in range(6):  # along a short walk, so the bookkeeping is checked after swaps and moves too
        before = Seats(walked, state.table_of()).total()
        r = rng.randrange(model.rounds)
        swaps, moves = state.swap_gains()[r], state.move_gains()[r]
        row = state.table_of()[r]
        candidates = []
        for a in range(model.size):
            for b in range(model.size):
                if row[a] == row[b] or model.fixed[r][a] >= 0 or model.fixed[r][b] >= 0:
                    assert swaps[a, b] <= FORBIDDEN_GAIN  # never a candidate
                    continue
                swapped = state.table_of()
                swapped[r][a], swapped[r][b] = row[b], row[a]
                if _seats_forbidden_pair(model, swapped, r):
                    assert swaps[a, b] <= FORBIDDEN_GAIN
                else:
                    assert swaps[a, b] == Seats(walked, swapped).total() - before
                    candidates.append(("swap", a, b, swaps[a, b]))
            for table in range(model.tables):
                moved = state.table_of()
                moved[r][a] = table
                if table == row[a] or model.fixed[r][a] >= 0 or not _balanced(model, moved, r):
                    assert moves[a, table] <= FORBIDDEN_GAIN  # never a candidate
                elif _seats_forbidden_pair(model, moved, r):
                    assert moves[a, table] <= FORBIDDEN_GAIN
                else:
                    assert moves[a, table] == Seats(walked, moved).total() - before
                    candidates.append(("move", a, table, moves[a, table]))
        if candidates:
            kind, a, b, gain = rng.choice(candidates)
            repeats_before = repeats()
            changed = state.swap(r, a, b) if kind == "swap" else state.move_to(r, a, b)
            assert changed == repeats() - repeats_before
            assert Seats(walked, state.table_of()).total() == before + gain


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


def test_on_uneven_tables_one_step_seats_someone_at_the_small_table_with_the_people_they_want_to_meet() -> None:
    """Chika wants to meet Daisuke and Emi, who sit at the table of two. No swap puts all three
    together (whoever joins Chika's table leaves a seat behind), so only moving Chika does."""
    people = ["aiko", "bunta", "chika", "daisuke", "emi"]
    problem = parse_instance(
        {
            "people": [{"id": p} for p in people],
            "rounds": 1,
            "table_count": 2,
            "history": [{"a": "chika", "b": x, "met": 1, "mutual": True} for x in ("daisuke", "emi")],
        }
    )
    model = compile_model(problem)
    start = [[0, 0, 0, 1, 1]]  # aiko, bunta and chika at table 0; daisuke and emi at table 1
    seats = Seats(model, start)
    walk = Walk(best=seats.snapshot(), best_score=seats.total())
    tabu_search(seats, walk.best_score, walk, random.Random(0), 1, float("inf"), model.upper_bound, False)
    assert Seats(model, walk.best).seating() == [[[0, 1], [2, 3, 4]]]
    assert walk.best_score == 16  # two mutual reunions
