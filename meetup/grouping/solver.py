"""solve(): construct a valid start, then improve it within a deterministic step budget.

The budget is counted in search steps, derived from the time limit at a fixed
nominal speed, so the same seed gives the same answer on any machine fast
enough to finish the steps; the wall clock only stops a run that would overrun.
"""

import random
import time
from typing import Any

from meetup.grouping.anneal import Walk, anneal
from meetup.grouping.construct import initial_seating
from meetup.grouping.design import design_rounds
from meetup.grouping.golfer import golfer_search
from meetup.grouping.instance import Instance, parse_instance
from meetup.grouping.model import Model, compile_model
from meetup.grouping.reassign import reassign
from meetup.grouping.scoring import check_seating, score_seating
from meetup.grouping.seats import Seats
from meetup.grouping.solution import Solution
from meetup.grouping.tabu import tabu_search

# Steps per second of time limit: about what a 2020s server core does on meetup-sized tables,
# leaving head room for the set-up and for slower machines.
STEPS_PER_SECOND = 300_000
# Full tabu steps cost about size² × rounds swap evaluations: only affordable on small events;
# bigger ones get the reassignment search, whose optimal reseating of a round scales far better.
_TABU_UP_TO = 5_000
# Restarting a short anneal beats one long one on small instances; large ones get one long cycle.
_STEPS_PER_CYCLE_PER_SEAT = 4000
_MIN_CYCLE = 20_000


def solve(instance: Any, time_limit: float = 2.0, seed: int = 0, steps: int | None = None) -> Solution:
    """The best seating found for ``instance`` (a dict as in FORMAT.md, or an Instance).

    ``steps`` overrides the work budget derived from ``time_limit`` (which then
    only guards against overrunning): the same seed and steps give the same
    seating on any machine, however busy. Raises InstanceError for a malformed
    instance and InfeasibleError when no seating satisfies the hard rules.
    """
    started = time.perf_counter()
    deadline = started + time_limit
    problem = parse_instance(instance)
    model = compile_model(problem)
    rng = random.Random(seed)
    names = [person.id for person in problem.people]
    budget = int(time_limit * STEPS_PER_SECOND) if steps is None else steps
    pure_repeats = _only_repeats_count(problem)
    golfers = pure_repeats and _plain(model)
    first = design_rounds(model.size, model.tables, model.rounds, rng) if golfers else []
    seats = Seats(model, initial_seating(model, names, rng, first))
    score = seats.total()
    walk = Walk(best=seats.snapshot(), best_score=score)
    if golfers:
        if score < model.upper_bound:
            golfer_search(seats, walk, rng, budget, deadline)
        return _solution(problem, model, walk, seed, time_limit, started)

    if model.size * model.size * model.rounds > _TABU_UP_TO and not pure_repeats:
        reassign(model, walk.best, score, walk, rng, budget, deadline, _reassign_temperatures(problem))
        return _solution(problem, model, walk, seed, time_limit, started)

    # Small events, and schedules where only repeats count: a short anneal as a quick good start,
    # then tabu: steepest steps over all swaps (and moves to a small table) on small events,
    # conflict-directed on schedules.
    _anneal_cycles(seats, walk, rng, budget // 20, deadline, _anneal_temperatures(problem, pure_repeats))
    if walk.best_score < model.upper_bound and not walk.out_of_time and walk.steps < budget:
        seats = Seats(model, walk.best)
        tabu_search(
            seats,
            walk.best_score,
            walk,
            rng,
            budget,
            deadline,
            model.upper_bound,
            conflicts_only=pure_repeats,
        )
    return _solution(problem, model, walk, seed, time_limit, started)


def _solution(problem: Instance, model: Model, walk: Walk, seed: int, time_limit: float, started: float) -> Solution:
    """The best seating of ``walk``, checked against the hard rules and scored from scratch."""
    seating = Seats(model, walk.best).seating()
    check_seating(problem, seating)  # a broken seating here is a bug, never an answer
    details = score_seating(problem, seating)
    return Solution(
        instance=problem,
        seating=tuple(tuple(tuple(table) for table in tables) for tables in seating),
        details=details,
        seed=seed,
        time_limit=time_limit,
        seconds=time.perf_counter() - started,
        steps=walk.steps,
        out_of_time=walk.out_of_time,
        proven_optimal=details.total >= model.upper_bound,
    )


def _anneal_cycles(
    seats: Seats,
    walk: Walk,
    rng: random.Random,
    budget: int,
    deadline: float,
    temperatures: tuple[float, float],
) -> None:
    """Anneal in cycles, each restarting from the best seating so far, until the budget is spent."""
    model = seats.model
    cycle = max(_MIN_CYCLE, _STEPS_PER_CYCLE_PER_SEAT * model.size * model.rounds)
    start, end = temperatures
    score = walk.best_score
    while walk.steps < budget and walk.best_score < model.upper_bound and not walk.out_of_time:
        steps = min(cycle, budget - walk.steps)
        if budget - walk.steps - steps < cycle // 2:
            steps = budget - walk.steps
        if walk.steps:
            seats = Seats(model, walk.best)
            score = walk.best_score
        anneal(seats, score, walk, rng, steps, start, end, deadline, model.upper_bound)


def _plain(model: Model) -> bool:
    """True when only repeats cost anything and nobody is fixed or kept apart: a social golfer problem."""
    return (
        model.repeat < 0
        and not any(model.forbidden_with)
        and all(t < 0 for row in model.fixed for t in row)
        and not any(any(row) for row in model.value)
    )


def _only_repeats_count(problem: Instance) -> bool:
    """True for a pure social-golfer instance: no pair value, no previous seating, only repeats."""
    people = problem.people
    return (
        not problem.previous
        and not any(m.mutual or m.met for m in problem.history.values())
        and all(not p.goals and not p.industry for p in people)
        and sum(p.first_time for p in people) < 2
    )


def _anneal_temperatures(problem: Instance, pure_repeats: bool) -> tuple[float, float]:
    """Start and end temperatures of annealing, at the scale of the score changes that matter."""
    if pure_repeats:
        repeat = abs(problem.weights["repeat"])
        return 0.5 * repeat, 0.2 * repeat
    scale = _temperature_scale(problem)
    return 4.0 * scale, 0.2 * scale


def _reassign_temperatures(problem: Instance) -> tuple[float, float]:
    """Start and end scale of the penalty for staying put in the large-neighbourhood search."""
    scale = _temperature_scale(problem)
    return 1.0 * scale, 0.03 * scale


def _temperature_scale(problem: Instance) -> float:
    """Tuned with the default weights; other weights scale the temperatures."""
    weights = problem.weights
    return max(1.0, (abs(weights["mutual"]) + abs(weights["met"]) + abs(weights["same_industry"])) / 15)
