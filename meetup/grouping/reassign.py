"""Large-neighbourhood search for big events: lift one person off every table and seat them back optimally.

People lifted from different tables of one round never end up at the same
table again, so what each would add at each table is exact, and an optimal
assignment (scipy's Hungarian method) reseats all of them at once: every swap
and every cyclic exchange among them in one step. Rounds take turns; while one
round is searched the others are fixed, so a pair that already met in another
round simply carries the repeat weight. To climb out of local optima, staying
put costs a random penalty that shrinks over the run (a kind of annealing).

The work is counted in steps like annealing's, so the same seed gives the same
seating; the deadline only cuts a run short on a slow machine.
"""

import random
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

from meetup.grouping.anneal import Walk
from meetup.grouping.model import Model

# Reassignments per visit of a round: enough to amortise rebuilding its gain matrix.
_PER_VISIT = 20
# Cost of one reassignment and of rebuilding a round, in annealing steps (time measured on one core):
# the assignment grows with the square of the tables, the rebuild with the square of the people.
_STEPS_PER_REASSIGNMENT = 15
_STEPS_PER_TABLE_PAIR = 0.008
_STEPS_PER_PERSON_PAIR = 0.001


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
    r = -1
    while walk.steps < budget and walk.best_score < model.upper_bound and not walk.out_of_time:
        r = (r + 1) % rounds
        row = seating[r]
        if movable[r].sum() < 2:
            walk.steps += visit_cost
            continue
        # weight[a, b]: what seating a with b adds in this round, given the other rounds.
        weight = value + model.repeat * ((meetings - together[r]) > 0)
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
        walk.steps += visit_cost + visits * step_cost
        draws = noise.random((visits, len(open_tables)))
        all_slots = starts[open_tables] + (draws * choices[open_tables]).astype(np.int64)
        penalties = noise.exponential(size=(visits, len(open_tables)))
        diagonal = np.arange(len(open_tables))
        for slots, penalty in zip(all_slots, penalties):
            if time.perf_counter() > deadline:
                walk.out_of_time = True
                break
            temperature = start * (end / start) ** ((walk.steps - first_step) / max(1, budget - first_step))
            lifted = order[slots]
            # cost[i, j]: what lifted person i adds at the table lifted person j came from.
            cost = gain[:, lifted].T - weight[lifted[:, None], lifted]
            stay = cost[diagonal, diagonal]
            cost[diagonal, diagonal] = stay - temperature * penalty
            rows, columns = linear_sum_assignment(cost, maximize=True)
            moved = np.flatnonzero(columns != rows)
            if not len(moved):
                continue
            score += round(cost[moved, columns[moved]].sum() - stay[moved].sum())
            people = lifted[moved]
            # Each table loses one lifted person and gains one: no table repeats in moved or new.
            weights = weight[people]
            gain[moved] -= weights
            gain[columns[moved]] += weights
            row[people] = open_tables[columns[moved]]
            order[slots[columns[moved]]] = people
            if score > walk.best_score:
                walk.best_score = score
                walk.best = seating.tolist()
                if score >= model.upper_bound:
                    break
        changed = row[:, None] == row[None, :]
        meetings += changed.astype(np.int16) - together[r]
        together[r] = changed
