"""A solved seating as the outside world sees it: ids, the score, its breakdown, and JSON both ways."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from meetup.grouping.errors import SeatingError
from meetup.grouping.explain import TableExplanation, explain_table
from meetup.grouping.instance import Instance
from meetup.grouping.scoring import Score


@dataclass(frozen=True)
class Solution:
    instance: Instance
    # seating[r][t] = person indices at table t in round r, sorted.
    seating: tuple[tuple[tuple[int, ...], ...], ...]
    details: Score
    seed: int
    time_limit: float
    seconds: float
    # Search steps taken; equal across runs with the same seed unless out_of_time.
    steps: int
    # The time limit cut the search short, so another run may differ.
    out_of_time: bool
    # The score equals an upper bound on every seating's score.
    proven_optimal: bool

    @property
    def rounds(self) -> list[list[list[str]]]:
        people = self.instance.people
        return [[[people[p].id for p in table] for table in tables] for tables in self.seating]

    @property
    def score(self) -> int:
        return self.details.total

    @property
    def breakdown(self) -> dict[str, dict[str, int]]:
        return self.details.breakdown()

    def explain(self, round_: int, table: int) -> TableExplanation:
        """Who is at this table and why: mutual and familiar pairs, industries, first-timers…"""
        return explain_table(self.instance, self.seating, round_, table)

    def to_json(self) -> dict[str, Any]:
        return {
            "rounds": self.rounds,
            "score": self.score,
            "breakdown": self.breakdown,
            "proven_optimal": self.proven_optimal,
            "seed": self.seed,
            "time_limit": self.time_limit,
            "seconds": round(self.seconds, 3),
            "steps": self.steps,
            "out_of_time": self.out_of_time,
        }


def seating_from_json(instance: Instance, data: Any) -> list[list[list[int]]]:
    """Person indices from a solution object (or its bare ``rounds`` list), checking shape and ids.

    Hard rules are checked separately by :func:`meetup.grouping.scoring.check_seating`.
    """
    if isinstance(data, Mapping):
        if "rounds" not in data:
            raise SeatingError("the solution has no 'rounds'")
        data = data["rounds"]
    if not isinstance(data, list):
        raise SeatingError("the solution's rounds must be a list of rounds")
    seating: list[list[list[int]]] = []
    for r, tables in enumerate(data):
        if not isinstance(tables, list):
            raise SeatingError(f"rounds[{r}] must be a list of tables")
        seating.append([])
        for t, table in enumerate(tables):
            if not isinstance(table, list):
                raise SeatingError(f"rounds[{r}][{t}] must be a list of person ids")
            indices: list[int] = []
            for person_id in table:
                if not isinstance(person_id, str) or person_id not in instance.index:
                    raise SeatingError(f"rounds[{r}][{t}]: unknown person {person_id!r}")
                indices.append(instance.index[person_id])
            seating[-1].append(indices)
    return seating
