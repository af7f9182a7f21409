"""The table-grouping engine: who sits with whom, round by round (pure Python, no web or database).

    from meetup.grouping import solve, score, load_instance
    solution = solve(instance_dict, time_limit=2.0, seed=0)
    solution.rounds, solution.score, solution.breakdown, solution.to_json()

The instance format, hard rules and objective are those of FORMAT.md.
"""

from meetup.grouping.errors import GroupingError, InfeasibleError, InstanceError, SeatingError
from meetup.grouping.instance import DEFAULT_WEIGHTS, Instance, load_instance, parse_instance
from meetup.grouping.scoring import Score
from meetup.grouping.solution import Solution
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
    "load_instance",
    "parse_instance",
    "solve",
]
