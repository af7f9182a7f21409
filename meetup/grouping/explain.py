"""Why a table looks as it does: the pairs and people behind its score, for hosts to read.

Built from :func:`meetup.grouping.scoring.pair_terms`, the same terms the score
adds up, so an explanation can never disagree with the score.
"""

from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from meetup.grouping.instance import Instance
from meetup.grouping.scoring import Seating, pair_terms, pair_value


@dataclass(frozen=True)
class TableExplanation:
    round: int
    table: int
    people: tuple[str, ...]
    mutual_pairs: tuple[tuple[str, str], ...]
    # (a, b, earlier events shared) for familiar, non-mutual pairs
    familiar_pairs: tuple[tuple[str, str, int], ...]
    # (a, b, goals in common)
    shared_goals: tuple[tuple[str, str, tuple[str, ...]], ...]
    # industry -> how many at the table (empty industries left out)
    industries: dict[str, int]
    same_industry_pairs: tuple[tuple[str, str], ...]
    first_timers: tuple[str, ...]
    # pairs who also share a table in another round of this seating
    repeated_pairs: tuple[tuple[str, str], ...]
    # people who sat at another table in the previous seating of this round
    moved: tuple[str, ...]
    # sum of v(a, b) over the table's pairs (repeats and moves are event-wide terms)
    pair_points: int

    def to_json(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "table": self.table,
            "people": list(self.people),
            "mutual_pairs": [list(pair) for pair in self.mutual_pairs],
            "familiar_pairs": [{"a": a, "b": b, "met": met} for a, b, met in self.familiar_pairs],
            "shared_goals": [{"a": a, "b": b, "goals": list(goals)} for a, b, goals in self.shared_goals],
            "industries": dict(self.industries),
            "same_industry_pairs": [list(pair) for pair in self.same_industry_pairs],
            "first_timers": list(self.first_timers),
            "repeated_pairs": [list(pair) for pair in self.repeated_pairs],
            "moved": list(self.moved),
            "pair_points": self.pair_points,
        }


def explain_table(instance: Instance, seating: Seating, round_: int, table: int) -> TableExplanation:
    """Explain table ``table`` of round ``round_`` in ``seating`` (person indices, as in Solution.seating)."""
    people = instance.people
    members = sorted(seating[round_][table])
    elsewhere = {
        pair
        for r, tables in enumerate(seating)
        if r != round_
        for other in tables
        for pair in combinations(sorted(other), 2)
    }
    previous = instance.previous[round_] if round_ < len(instance.previous) else {}
    mutual, familiar, goals, same, repeated = [], [], [], [], []
    for a, b in combinations(members, 2):
        names = (people[a].id, people[b].id)
        terms = pair_terms(instance, a, b)
        meeting = instance.meeting(a, b)
        if terms["mutual"]:
            mutual.append(names)
        if terms["met"] and meeting is not None:
            familiar.append((*names, meeting.met))
        if terms["shared_goal"]:
            goals.append((*names, tuple(sorted(people[a].goals & people[b].goals))))
        if terms["same_industry"]:
            same.append(names)
        if (a, b) in elsewhere:
            repeated.append(names)
    return TableExplanation(
        round=round_,
        table=table,
        people=tuple(people[p].id for p in members),
        mutual_pairs=tuple(mutual),
        familiar_pairs=tuple(familiar),
        shared_goals=tuple(goals),
        industries=dict(Counter(people[p].industry for p in members if people[p].industry)),
        same_industry_pairs=tuple(same),
        first_timers=tuple(people[p].id for p in members if people[p].first_time),
        repeated_pairs=tuple(repeated),
        moved=tuple(people[p].id for p in members if p in previous and previous[p] != table),
        pair_points=sum(pair_value(instance, a, b) for a, b in combinations(members, 2)),
    )
