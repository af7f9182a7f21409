"""The table-grouping engine: who sits with whom, round by round (no web or database; numpy and scipy for big events).

    from meetup.grouping import solve, score, load_instance
    solution = solve(instance_dict, time_limit=2.0, seed=0)
    solution.rounds, solution.score, solution.breakdown, solution.to_json()
    solution.explain(round_, table)          # per-table "why", for hosts
    score(instance_dict, {"rounds": ...})    # -> Score(total, counts, points)

The instance format, hard rules and objective are those of FORMAT.md.
"""

from typing import Any

from meetup.grouping.errors import GroupingError, InfeasibleError, InstanceError, SeatingError
from meetup.grouping.explain import TableExplanation, explain_table
from meetup.grouping.instance import DEFAULT_WEIGHTS, Instance, load_instance, parse_instance
from meetup.grouping.scoring import Score, check_seating, score_seating
from meetup.grouping.solution import Solution, seating_from_json
from meetup.grouping.solver import solve

__all__ = [
    "DEFAULT_WEIGHTS",
    "GroupingError",
    "InfeasibleError",
    "Instance",
    "InstanceError",
    "Score",
    "SeatingError",
    "Solution",
    "TableExplanation",
    "explain_table",
    "load_instance",
    "parse_instance",
    "score",
    "solve",
]


def score(instance: Any, solution: Any) -> Score:
    """Score a solution (``{"rounds": [...]}`` or the bare rounds list, with ids) of an instance.

    Raises InstanceError for a bad instance and SeatingError naming the first
    hard rule the solution breaks.
    """
    problem = parse_instance(instance)
    seating = seating_from_json(problem, solution)
    check_seating(problem, seating)
    return score_seating(problem, seating)
