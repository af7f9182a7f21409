"""Tabu search over swaps: each step takes the best allowed swap of the whole neighbourhood.

Two uses. On small events the neighbourhood is every swap in every round: a
steepest walk that, thanks to the tabu list, climbs out of the local optima
annealing gets stuck in. On schedules with repeats it is conflict-directed:
only swaps that move someone out of a repeated pair (Dotú & Van Hentenryck's
social golfer search), which removes the last repeats annealing leaves.

Per round we precompute what each person gains by leaving their table and by
joining each table, so a swap's delta is O(1) on top of that.
"""

import random
import time

from meetup.grouping.anneal import Walk
from meetup.grouping.model import Model
from meetup.grouping.seats import Seats

_HOPELESS = -(10**8)
# Work is counted in evaluated swaps and table-member visits, a deterministic stand-in for
# time: this many cost about one annealing step; a scanned round costs _ROUND_OVERHEAD more.
_SWAPS_PER_STEP = 25
_ROUND_OVERHEAD = 200


def tabu_search(
    seats: Seats,
    score: int,
    walk: Walk,
    rng: random.Random,
    budget: int,
    deadline: float,
    target: int,
    conflicts_only: bool,
) -> int:
    """Search from ``seats`` until ``walk.steps`` reaches ``budget``.

    Returns the score of ``seats`` at the end; the best seating is in ``walk``.
    """
    model = seats.model
    n, tables, rounds = model.size, model.tables, model.rounds
    members, table_of, meet, value = seats.members, seats.table_of, seats.meet, model.value
    repeat = model.repeat
    tabu: dict[tuple[int, int, int], int] = {}
    # Steps without a new best before a kick, and tabu tenures: tuned on the example instances.
    stable_limit = 20 + 2 * n
    short_tenure, tenure_spread = 4, max(2, n // 4)
    since_best = 0
    # Perturbing from the best seating with a few random swaps keeps the walk from circling.
    kick_size = max(2, n // 8)
    iteration = -1
    while True:
        iteration += 1
        if walk.steps >= budget:
            break
        if iteration & 15 == 0 and time.perf_counter() > deadline:
            walk.out_of_time = True
            break
        best_delta, best_moves = _HOPELESS, []
        for r in range(rounds):
            row, tables_r, previous = table_of[r], members[r], model.previous[r]
            movers = [
                a
                for a in model.movable[r]
                if not conflicts_only or any(meet[a][x] >= 2 for x in tables_r[row[a]] if x != a)
            ]
            if not movers:
                continue
            others = model.movable[r]
            leave = [0] * n
            for b in others:
                leave[b] = _leave_gain(model, tables_r[row[b]], b, value[b], meet[b], previous[b], row[b])
            # join_at[t][b]: what b gains by joining table t, for the tables movers sit at.
            join_at: dict[int, list[int]] = {}
            for a in movers:
                table_a = row[a]
                if table_a not in join_at:
                    column = [0] * n
                    members_a = tables_r[table_a]
                    for b in others:
                        column[b] = _join_gain(model, members_a, table_a, value[b], meet[b], previous[b])
                    join_at[table_a] = column
            walk.steps += (
                len(movers) * (len(others) + tables * model.small)
                + len(others) * model.small * (1 + len(join_at))
                + _ROUND_OVERHEAD
            ) // _SWAPS_PER_STEP
            for a in movers:
                table_a, leave_a, value_a, meet_a, previous_a = (
                    row[a],
                    leave[a],
                    value[a],
                    meet[a],
                    previous[a],
                )
                join_a = [_join_gain(model, tables_r[t], t, value_a, meet_a, previous_a) for t in range(tables)]
                column_a = join_at[table_a]
                for b in others:
                    table_b = row[b]
                    if table_b == table_a or (not conflicts_only and b < a):
                        continue
                    pair = value_a[b] + (repeat if meet_a[b] >= 1 else 0)
                    delta = leave_a + leave[b] + join_a[table_b] + column_a[b] - 2 * pair
                    if delta < best_delta:
                        continue
                    if (
                        tabu.get((r, a, table_b), -1) > iteration or tabu.get((r, b, table_a), -1) > iteration
                    ) and score + delta <= walk.best_score:
                        continue
                    if delta > best_delta:
                        best_delta, best_moves = delta, [(r, a, b)]
                    else:
                        best_moves.append((r, a, b))
        if not best_moves:
            break
        r, a, b = best_moves[rng.randrange(len(best_moves))]
        table_a, table_b = table_of[r][a], table_of[r][b]
        if best_delta < 0 and score == walk.best_score:
            walk.best = seats.snapshot()
        seats.apply_swap(r, a, b)
        score += best_delta
        tenure = short_tenure + rng.randrange(tenure_spread)
        tabu[(r, a, table_a)] = iteration + tenure
        tabu[(r, b, table_b)] = iteration + tenure
        if score > walk.best_score:
            walk.best_score = score
            walk.best = seats.snapshot()
            since_best = 0
            if score >= target:
                break
        else:
            since_best += 1
        if since_best > stable_limit:
            since_best = 0
            score += _kick(seats, rng, kick_size)
    return score


def _kick(seats: Seats, rng: random.Random, swaps: int) -> int:
    """Make ``swaps`` random valid swaps; returns the score change."""
    model = seats.model
    change = 0
    for _ in range(swaps * 4):
        if swaps == 0:
            break
        r = rng.randrange(model.rounds)
        people = model.movable[r]
        if len(people) < 2:
            continue
        a, b = people[rng.randrange(len(people))], people[rng.randrange(len(people))]
        if seats.table_of[r][a] == seats.table_of[r][b]:
            continue
        delta = seats.swap_delta(r, a, b)
        if delta > _HOPELESS:
            seats.apply_swap(r, a, b)
            change += delta
            swaps -= 1
    return change


def _leave_gain(
    model: Model,
    members: list[int],
    a: int,
    value_a: list[int],
    meet_a: list[int],
    previous_a: int,
    here: int,
) -> int:
    gain = 0
    repeat = model.repeat
    for x in members:
        if x != a:
            gain -= value_a[x] + (repeat if meet_a[x] >= 2 else 0)
    if previous_a >= 0 and previous_a != here:
        gain -= model.move
    return gain


def _join_gain(
    model: Model, members: list[int], table: int, value_a: list[int], meet_a: list[int], previous_a: int
) -> int:
    gain = model.move if 0 <= previous_a != table else 0
    repeat = model.repeat
    for y in members:
        gain += value_a[y] + (repeat if meet_a[y] >= 1 else 0)
    return gain
