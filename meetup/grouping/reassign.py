"""Large-neighbourhood search for big events: lift one person off every table and seat them back optimally.

People lifted from different tables of one round never end up at the same
table again, so what each would add at each table is exact, and an optimal
assignment (scipy's Hungarian method) reseats all of them at once: every swap
and every cyclic exchange among them in one step. Rounds take turns; while one
round is searched the others are fixed, so a pair that already met in another
round simply carries the repeat weight.

Staying put costs a random penalty that shrinks over the run (a kind of
annealing), and the run has three stretches:

1. a short climb under the true objective from the start, which keeps what
   the greedy start got right (friends seated as a whole table, say);
2. a relaxed search: the repeat weight starts near zero and grows to its full
   value. Early on each round seats people with whoever suits them best,
   whatever the other rounds do; as meeting twice grows dearer, pairs are
   pulled apart into the rounds where they fit best. A pair can thus move
   from one round to another, which under the full weight takes a step
   through a repeat or a loss;
3. the rest under the true objective again.

Only seatings met under the true objective are recorded as the best.

The work is counted in steps like annealing's, so the same seed gives the same
seating. On a machine too slow for the step budget, the stretches follow the
clock instead, so a run the deadline cuts short still ends in stretch 3.
"""

import random
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

from meetup.grouping.anneal import Walk
from meetup.grouping.model import Model
from meetup.grouping.seats import Seats

# Reassignments per visit of a round: enough to amortise rebuilding its gain matrix.
_PER_VISIT = 20
# Cost of one reassignment and of rebuilding a round, in annealing steps (time measured on one core):
# the assignment grows with the square of the tables, the rebuild with the square of the people.
_STEPS_PER_REASSIGNMENT = 15
_STEPS_PER_TABLE_PAIR = 0.008
_STEPS_PER_PERSON_PAIR = 0.001
# The run's stretches, as shares of its budget: the climb, then the relaxed search, in which the
# repeat weight grows linearly from a small share of its value to all of it. Tuned on the
# 200-person community instance and on groups of friends (benchmarks/RESULTS.md).
_CLIMB = 0.1
_RELAXED_UNTIL = 0.95
_FIRST_REPEAT_SHARE = 0.02
# The climb's stay penalty, as a share of the starting temperature.
_CLIMB_TEMPERATURE = 0.1
# The last stretch is never shorter than this many visits of each round.
_LEAST_FINAL_VISITS_PER_ROUND = 10


def reassign(
    model: Model,
    table_of: list[list[int]],
    score: int,
    walk: Walk,
    rng: random.Random,
    budget: int,
    deadline: float,
    temperatures: tuple[float, float],
) -> None:
    """Search from ``table_of`` (scoring ``score``) until ``walk.steps`` reaches ``budget``.

    The best seating found and its score are recorded in ``walk``.
    """
    n, tables, rounds = model.size, model.tables, model.rounds
    if tables < 2:
        return
    # Floats hold these integer sums exactly and spare a conversion for every assignment.
    value = np.array(model.value, dtype=np.float64)
    seating = np.array(table_of, dtype=np.int64)
    movable = np.array(model.fixed, dtype=np.int64) < 0
    previous = np.array(model.previous, dtype=np.int64)
    together = np.stack([row[:, None] == row[None, :] for row in seating])
    meetings = together.sum(axis=0, dtype=np.int16)
    noise = np.random.default_rng(rng.randrange(2**63))
    visit_cost = max(1, int(_STEPS_PER_PERSON_PAIR * n * n * rounds))
    step_cost = _STEPS_PER_REASSIGNMENT + int(_STEPS_PER_TABLE_PAIR * tables * tables)
    start, end = temperatures
    first_step = walk.steps
    span = max(1, budget - first_step)
    visit_steps = visit_cost + _PER_VISIT * step_cost
    final_visits = _LEAST_FINAL_VISITS_PER_ROUND * rounds
    started = time.perf_counter()
    visits_done = 0
    relaxed = final = False
    r = -1
    while walk.steps < budget and walk.best_score < model.upper_bound and not walk.out_of_time:
        r = (r + 1) % rounds
        row = seating[r]
        if movable[r].sum() < 2:
            walk.steps += visit_cost
            continue
        # How far the run is, by steps or, on a machine too slow for the budget, by the clock:
        # the schedule then runs faster and still ends under the true objective.
        now = time.perf_counter()
        progress = max((walk.steps - first_step) / span, (now - started) / max(1e-9, deadline - started))
        visits_left = (budget - walk.steps) / visit_steps
        if visits_done:
            visits_left = min(visits_left, (deadline - now) / ((now - started) / visits_done))
        visits_done += 1
        final = final or progress >= _RELAXED_UNTIL or visits_left <= final_visits
        repeat = model.repeat
        if progress >= _CLIMB and not final:
            relaxed = True
            share = (progress - _CLIMB) / (_RELAXED_UNTIL - _CLIMB)
            repeat *= _FIRST_REPEAT_SHARE + (1 - _FIRST_REPEAT_SHARE) * share
        elif relaxed:  # the first visit under the full weight: what the seating really scores
            relaxed = False
            score = Seats(model, seating.tolist()).total()
            if score > walk.best_score:
                walk.best_score, walk.best = score, seating.tolist()
        # weight[a, b]: what seating a with b adds in this round, given the other rounds.
        weight = value + repeat * ((meetings - together[r]) > 0)
        np.fill_diagonal(weight, 0)
        # Seat order: by table, movable people first at each table, so one of them is easy to draw.
        order = np.lexsort((~movable[r], row))
        sizes = np.bincount(row, minlength=tables)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        choices = np.bincount(row[movable[r]], minlength=tables)
        open_tables = np.flatnonzero(choices)
        # gain[t, p]: what p adds sitting with everyone at table t (0 for p's own seat).
        gain = np.add.reduceat(weight[order], starts, axis=0)
        if model.move and (previous[r] >= 0).any():
            before = previous[r]
            gain += model.move * ((before >= 0) & (before != np.arange(tables)[:, None]))
        if len(open_tables) < tables:
            gain = gain[open_tables]  # rows follow open_tables from here on
        visits = min(_PER_VISIT, max(1, (budget - walk.steps - visit_cost) // step_cost))
        if progress < _CLIMB:
            temperature = _CLIMB_TEMPERATURE * start
        else:
            temperature = start * (end / start) ** ((progress - _CLIMB) / (1 - _CLIMB))
        walk.steps += visit_cost + visits * step_cost
        draws = noise.random((visits, len(open_tables)))
        all_slots = starts[open_tables] + (draws * choices[open_tables]).astype(np.int64)
        penalties = temperature * noise.exponential(size=(visits, len(open_tables)))
        width = len(open_tables) + 1  # stride of a square matrix's diagonal in its flat view
        for slots, penalty in zip(all_slots, penalties):
            if time.perf_counter() > deadline:
                walk.out_of_time = True
                break
            lifted = order[slots]
            lifted_weight = weight[lifted]
            # cost[i, j]: what lifted person i adds at the table lifted person j came from.
            cost = gain[:, lifted].T - lifted_weight[:, lifted]
            stay = cost.diagonal().copy()
            cost.flat[::width] -= penalty
            rows, columns = linear_sum_assignment(cost, maximize=True)
            moved = np.flatnonzero(columns != rows)
            if not len(moved):
                continue
            targets = columns[moved]
            score += round(cost[moved, targets].sum() - stay[moved].sum())
            # Each table loses one lifted person and gains one: no table repeats in moved or targets.
            weights = lifted_weight[moved]
            gain[moved] -= weights
            gain[targets] += weights
            people = lifted[moved]
            row[people] = open_tables[targets]
            order[slots[targets]] = people
            if not relaxed and score > walk.best_score:
                walk.best_score = score
                walk.best = seating.tolist()
                if score >= model.upper_bound:
                    break
        changed = row[:, None] == row[None, :]
        meetings += changed.astype(np.int16) - together[r]
        together[r] = changed
