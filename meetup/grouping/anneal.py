"""Simulated annealing over swaps (and moves to a smaller table) in any round, all rounds jointly.

Every step picks a round and two movable people at different tables, or one
person and a table with a free seat, evaluates the delta in O(table size) and
accepts by the Metropolis rule. The work is a fixed number of steps, so the same
seed gives the same seating; the deadline only cuts a run short on a slow machine.
"""

import math
import random
import time
from dataclasses import dataclass

from meetup.grouping.seats import Seats

# Below this score change a step would seat a forbidden pair: never take it.
_HOPELESS = -(10**8)


@dataclass
class Walk:
    """Where a search stands: the best seating so far and its score, steps spent and stops."""

    best: list[list[int]]
    best_score: int
    steps: int = 0
    out_of_time: bool = False


def anneal(
    seats: Seats,
    score: int,
    walk: Walk,
    rng: random.Random,
    steps: int,
    start_temperature: float,
    end_temperature: float,
    deadline: float,
    target: int,
) -> int:
    """Anneal ``seats`` (scoring ``score``) for ``steps`` steps, recording improvements in ``walk``.

    Returns the score of ``seats`` at the end (not necessarily the best).
    """
    model = seats.model
    rounds = model.rounds
    movable = model.movable
    friends = model.friends
    fixed = model.fixed
    uneven = model.large_count > 0
    members, table_of = seats.members, seats.table_of
    move_delta, move_cost = seats.move_delta, seats.move_cost
    value, meet, repeat = model.value, seats.meet, model.repeat
    has_previous = any(p >= 0 for row in model.previous for p in row)
    apply_swap, apply_move = seats.apply_swap, seats.apply_move
    big = model.small + 1
    random_, randrange, exp = rng.random, rng.randrange, math.exp
    cooling = (end_temperature / start_temperature) ** (1.0 / max(1, steps))
    temperature = start_temperature
    best_score = walk.best_score
    stale_best = False  # seats are better than walk.best but not copied yet
    for step in range(steps):
        if step & 1023 == 0 and time.perf_counter() > deadline:
            walk.out_of_time = True
            break
        temperature *= cooling
        r = randrange(rounds)
        people = movable[r]
        if len(people) < 2:
            continue
        a = people[randrange(len(people))]
        row = table_of[r]
        if uneven and random_() < 0.2:
            table = randrange(model.tables)
            if len(members[r][row[a]]) != big or len(members[r][table]) != big - 1:
                continue
            delta = move_delta(r, a, table)
            is_swap = False
        else:
            partners = friends[a]
            if partners and random_() < 0.5:
                # Seat a next to someone a gains from meeting: swap with a neighbour of theirs.
                friend = partners[randrange(len(partners))]
                table_members = members[r][row[friend]]
                b = table_members[randrange(len(table_members))]
                if b == friend or fixed[r][b] >= 0:
                    continue
            else:
                b = people[randrange(len(people))]
            table_a, table_b = row[a], row[b]
            if table_a == table_b:
                continue
            # swap delta, inlined (the hot spot): b replaces a at a's table and vice versa
            value_a, value_b, meet_a, meet_b = value[a], value[b], meet[a], meet[b]
            delta = 0
            for x in members[r][table_a]:
                if x != a:
                    delta += value_b[x] - value_a[x]
                    if meet_a[x] >= 2:
                        delta -= repeat
                    if meet_b[x]:
                        delta += repeat
            for y in members[r][table_b]:
                if y != b:
                    delta += value_a[y] - value_b[y]
                    if meet_b[y] >= 2:
                        delta -= repeat
                    if meet_a[y]:
                        delta += repeat
            if has_previous:
                delta += move_cost(r, a, table_a, table_b) + move_cost(r, b, table_b, table_a)
            is_swap = True
        if delta < 0:
            if delta < _HOPELESS or random_() >= exp(delta / temperature):
                continue
            if stale_best:
                walk.best, stale_best = seats.snapshot(), False
        if is_swap:
            apply_swap(r, a, b)
        else:
            apply_move(r, a, table)
        score += delta
        if score > best_score:
            best_score = score
            stale_best = True
            if score >= target:
                break
    walk.steps += step + 1 if steps else 0
    if stale_best:
        walk.best = seats.snapshot()
    walk.best_score = best_score
    return score
