"""Repeat minimisation for pure social-golfer instances: Dotú & Van Hentenryck's tabu search.

On an instance whose only objective is "nobody sits with the same person
twice" every pair value is zero and the score is ``repeat × conflicts``, where
``conflicts`` sums ``meetings - 1`` over the pairs that met more than once. The
search works on that integer directly and is kept lean, because in Python the
inner loop decides whether 32 golfers over 9 rounds take seconds or hours:

* a step looks at every swap, in any round, of a person in conflict (sitting
  with someone they meet again in another round) with anyone at another
  table, and takes the best one that is not tabu (aspiration: a tabu swap that
  beats the best schedule so far is allowed); ties are broken at random;
* the swap's delta costs O(table size): the meet counts are one flat list
  indexed ``a * n + b``, and what a person loses by leaving their table is
  precomputed per round;
* a swap makes the reverse moves (a back to its table, b back to its table)
  tabu for a random tenure;
* after ``stable`` steps without a new best the search restarts from the best
  schedule with a few random swaps (a perturbation), which escapes the plateaus
  where tabu alone circles.

Work is counted in evaluated swaps, so the same seed gives the same schedule.
"""

import random
import time

from meetup.grouping.anneal import Walk
from meetup.grouping.seats import Seats

# Evaluated swaps per budget step: an annealing step costs about as much as this many here.
_SWAPS_PER_STEP = 6


def golfer_search(seats: Seats, walk: Walk, rng: random.Random, budget: int, deadline: float) -> None:
    """Minimise repeats from ``seats`` until ``walk.steps`` reaches ``budget`` or no repeat is left.

    ``walk`` holds the best schedule and its score; ``seats`` is left in an unspecified state.
    """
    model = seats.model
    n, rounds, repeat = model.size, model.rounds, model.repeat
    where = [list(row) for row in seats.table_of]
    groups = [[list(table) for table in tables] for tables in seats.members]
    meet = [count for row in seats.meet for count in row]
    conflicts = sum(count - 1 for count in meet if count > 1) // 2
    best = conflicts
    walk.best_score = best * repeat
    walk.best = [list(row) for row in where]
    tables = model.tables
    # Tabu: tabu_until[(r * n + p) * tables + t] is the first step p may sit at t again in round r.
    tabu_until = [0] * (rounds * n * tables)
    # Tried on 32-8-9 from a greedy start: tenures 1–50, plateaus 60–2,000 steps and kicks of
    # 2–8 swaps all stall at 7–9 repeats; these settle Kirkman 15-5-7 in well under a second.
    tenure_low, tenure_spread = 3, max(2, n // 4)
    stable = 40 + 4 * n
    kick = max(2, n // 10)
    randrange = rng.randrange
    evaluated = 0
    step_budget = (budget - walk.steps) * _SWAPS_PER_STEP
    since_best = 0
    iteration = 0
    while conflicts and evaluated < step_budget:
        iteration += 1
        evaluated += rounds  # a step costs something even when it finds no swap (one table)
        if iteration & 63 == 0 and time.perf_counter() > deadline:
            walk.out_of_time = True
            break
        best_delta = n * n
        chosen: list[tuple[int, int, int]] = []
        aspire = best - conflicts  # a tabu swap is allowed if delta < aspire
        for r in range(rounds):
            row, tables_r = where[r], groups[r]
            base = r * n
            # leave[p]: conflicts removed when p leaves their table this round.
            leave = [0] * n
            movers = []
            for table in tables_r:
                for p in table:
                    pn = p * n
                    lost = 0
                    for x in table:
                        if meet[pn + x] > 1 and x != p:
                            lost += 1
                    leave[p] = lost
                    if lost:
                        movers.append(p)
            for a in movers:
                an = a * n
                ta = row[a]
                mates = [x for x in tables_r[ta] if x != a]
                leave_a = leave[a]
                tabu_a = (base + a) * tables
                for tb in range(tables):
                    if tb == ta:
                        continue
                    table_b = tables_r[tb]
                    join_a = 0
                    for y in table_b:
                        if meet[an + y]:
                            join_a += 1
                    a_tabu = tabu_until[tabu_a + tb] > iteration
                    fixed_part = join_a - leave_a
                    for b in table_b:
                        bn = b * n
                        delta = fixed_part - leave[b]
                        if meet[an + b]:
                            delta -= 1
                        for x in mates:
                            if meet[bn + x]:
                                delta += 1
                        if delta > best_delta:
                            continue
                        if (a_tabu or tabu_until[(base + b) * tables + ta] > iteration) and delta >= aspire:
                            continue
                        if delta < best_delta:
                            best_delta = delta
                            chosen = [(r, a, b)]
                        else:
                            chosen.append((r, a, b))
                    evaluated += len(table_b)
        if not chosen:
            since_best = stable  # everything tabu: perturb
        else:
            r, a, b = chosen[randrange(len(chosen))]
            conflicts += _swap(where, groups, meet, n, r, a, b)
            ta, tb = where[r][b], where[r][a]
            tabu_until[(r * n + a) * tables + ta] = iteration + tenure_low + randrange(tenure_spread)
            tabu_until[(r * n + b) * tables + tb] = iteration + tenure_low + randrange(tenure_spread)
            if conflicts < best:
                best, since_best = conflicts, 0
                walk.best = [list(row) for row in where]
                walk.best_score = best * repeat
                continue
            since_best += 1
        if since_best >= stable:
            since_best = 0
            where = [list(row) for row in walk.best]
            groups, meet = _rebuild(where, n, tables)
            conflicts = best
            for _ in range(kick):
                r = randrange(rounds)
                a, b = randrange(n), randrange(n)
                if where[r][a] != where[r][b]:
                    conflicts += _swap(where, groups, meet, n, r, a, b)
    walk.steps += evaluated // _SWAPS_PER_STEP + 1


def _swap(
    where: list[list[int]], groups: list[list[list[int]]], meet: list[int], n: int, r: int, a: int, b: int
) -> int:
    """Exchange a and b (at different tables) in round r; returns the change in conflicts."""
    ta, tb = where[r][a], where[r][b]
    table_a, table_b = groups[r][ta], groups[r][tb]
    change = 0
    an, bn = a * n, b * n
    for x in table_a:
        if x != a:
            # a leaves x, b joins x
            if meet[an + x] > 1:
                change -= 1
            meet[an + x] -= 1
            meet[x * n + a] -= 1
            if meet[bn + x]:
                change += 1
            meet[bn + x] += 1
            meet[x * n + b] += 1
    for y in table_b:
        if y != b:
            if meet[bn + y] > 1:
                change -= 1
            meet[bn + y] -= 1
            meet[y * n + b] -= 1
            if meet[an + y]:
                change += 1
            meet[an + y] += 1
            meet[y * n + a] += 1
    table_a[table_a.index(a)] = b
    table_b[table_b.index(b)] = a
    where[r][a], where[r][b] = tb, ta
    return change


def _rebuild(where: list[list[int]], n: int, tables: int) -> tuple[list[list[list[int]]], list[int]]:
    """Tables and the flat meet counts of a schedule given as ``where[r][p]``."""
    groups = []
    meet = [0] * (n * n)
    for row in where:
        tables_r: list[list[int]] = [[] for _ in range(tables)]
        for p, t in enumerate(row):
            tables_r[t].append(p)
        for table in tables_r:
            for a in table:
                an = a * n
                for b in table:
                    if a != b:
                        meet[an + b] += 1
        groups.append(tables_r)
    return groups, meet
