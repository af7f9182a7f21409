"""Tabu search over swaps and moves: each step takes the best allowed one of the whole neighbourhood.

Two uses. On small events the neighbourhood is every swap in every round and,
when the tables do not divide the room evenly, every move of one person from a
large table to a small one: a steepest walk that, thanks to the tabu list,
climbs out of the local optima annealing gets stuck in. (Swaps alone never
change which tables are the small ones, so a seating that needs another small
table would take several swaps through worse seatings.) On schedules with
repeats it is conflict-directed: only swaps and moves that take someone out of
a repeated pair (Dotú & Van Hentenryck's social golfer search), which removes
the last repeats annealing leaves.

Every swap and move of every round is evaluated at once (:mod:`meetup.grouping.gains`).
After a swap or move, the people may not go back to the tables they left for a
random tenure, unless its gain would beat the best seating so far (measured
with the weight the walk chooses by, below); after a while
without a new best, the walk goes back to the best seating, so the search
stays near good seatings instead of drifting off.

On small events the walk chooses its swaps with the repeat weight cut to a
fifth, while it keeps the best seating by its true score. Two people who meet
in one round can then come to meet in another instead: on the way they meet
twice, a valley that no single swap crosses at the full weight. (On schedules
where only repeats count a fifth of the weight is the same objective, so
there the walk keeps the full weight.) On its return to the best seating the
walk makes a few random swaps (a kick), so that it does not retrace the path
that led nowhere.
"""

import random
import time

import numpy as np

from meetup.grouping.anneal import Walk
from meetup.grouping.gains import FORBIDDEN_GAIN, RoundGains
from meetup.grouping.seats import Seats

# Work is counted as a deterministic stand-in for time: one step of the search (every swap of
# every round evaluated) costs about what it takes at the engine's nominal steps per second.
_STEP_COST = 16
_STEP_COST_PER_ENTRY = 1 / 150  # per (round, person, person) in the gain arrays
_MOVES_STEP_COST = 10  # the moves' gains as well, on uneven tables (measured: +30% on 24 people)
# The repeat weight the walk chooses swaps by on small events is the model's divided by this.
# Tuned on the uneven mid-size instances: 10 and 3.3 did worse, 4 no better.
_RELAXED_BY = 5


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

    Returns the score of the seating the walk ends on; the best seating is in ``walk``.
    """
    model = seats.model
    n, tables, rounds = model.size, model.tables, model.rounds
    walk_repeat = model.repeat if conflicts_only else model.repeat // _RELAXED_BY
    state = RoundGains(model, seats.table_of, walk_repeat)
    # tabu_until[r, p, t]: the first iteration p may sit at t again in round r.
    tabu_until = np.zeros((rounds, n, tables), dtype=np.int64)
    # Steps without a new best before going back to the best seating (and kicking), and tabu
    # tenures: tuned on the example and mid-size instances (benchmarks/RESULTS.md).
    stable_limit = 40 + 4 * n
    short_tenure, tenure_spread = 4, max(2, n // 4)
    kick_size = max(2, n // 8)
    # Uneven tables: a person may also move alone from a large table to a small one.
    uneven = model.large_count > 0
    step_cost = _STEP_COST + uneven * _MOVES_STEP_COST + int(rounds * n * n * _STEP_COST_PER_ENTRY)
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    rounds_index, people_index = np.arange(rounds)[:, None, None], np.arange(n)[:, None]
    since_best = 0
    iteration = -1
    while walk.steps < budget:
        iteration += 1
        if iteration & 15 == 0 and time.perf_counter() > deadline:
            walk.out_of_time = True
            break
        walk.steps += step_cost
        gains = state.swap_gains()
        # tabu[r, a, b]: a may not go to b's table, or b to a's, in round r.
        tabu = tabu_until[rounds_index, people_index, state.where[:, None, :]] > iteration
        tabu |= tabu.transpose(0, 2, 1)
        allowed = upper & (gains > FORBIDDEN_GAIN) & (~tabu | (score + gains > walk.best_score))
        if conflicts_only:
            conflicted = state.conflicted()
            allowed &= conflicted[:, :, None] | conflicted[:, None, :]
        # The neighbourhoods: swaps (r, a, b) and, on uneven tables, moves of p alone (r, p, table).
        choices = [(gains, allowed)]
        if uneven:
            moves = state.move_gains()
            may_move = (moves > FORBIDDEN_GAIN) & ((tabu_until <= iteration) | (score + moves > walk.best_score))
            if conflicts_only:
                may_move &= conflicted[:, :, None]
            choices.append((moves, may_move))
        best_gain = max((int(g[ok].max()) for g, ok in choices if ok.any()), default=None)
        if best_gain is None:
            break
        # The best steps, as flat indices into their arrays (cheaper to find than index triples).
        swaps = np.flatnonzero(allowed & (gains == best_gain))
        moved = np.flatnonzero(may_move & (moves == best_gain)) if uneven else swaps[:0]
        pick = rng.randrange(len(swaps) + len(moved))
        tenure = short_tenure + rng.randrange(tenure_spread)
        if pick < len(swaps):
            r, a, b = (int(i) for i in np.unravel_index(swaps[pick], gains.shape))
            row = state.where[r]
            tabu_until[r, a, row[a]] = tabu_until[r, b, row[b]] = iteration + tenure
            repeats = state.swap(r, a, b)
        else:
            r, p, table = (int(i) for i in np.unravel_index(moved[pick - len(swaps)], moves.shape))
            tabu_until[r, p, state.where[r, p]] = iteration + tenure
            repeats = state.move_to(r, p, table)
        # A relaxed weight undercounts repeats in the gain; the true score counts them in full.
        score += best_gain + (model.repeat - walk_repeat) * repeats
        if score > walk.best_score:
            walk.best_score = score
            walk.best = state.table_of()
            since_best = 0
            if score >= target:
                break
        else:
            since_best += 1
        if since_best > stable_limit:
            since_best = 0
            state, score = RoundGains(model, walk.best, walk_repeat), walk.best_score
            score += _kick(state, rng, kick_size)
    return score


def _kick(state: RoundGains, rng: random.Random, swaps: int) -> int:
    """Make up to ``swaps`` random swaps that keep every hard rule; returns the change in the true score."""
    model = state.model
    change = 0
    for _ in range(swaps * 4):
        if swaps == 0:
            break
        r = rng.randrange(model.rounds)
        people = model.movable[r]
        if len(people) < 2:
            continue
        a, b = people[rng.randrange(len(people))], people[rng.randrange(len(people))]
        gain = int(state.swap_gains()[r, a, b])
        if gain > FORBIDDEN_GAIN:
            change += gain + (model.repeat - state.repeat) * state.swap(r, a, b)
            swaps -= 1
    return change
