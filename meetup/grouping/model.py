"""The instance compiled into flat lists the solver can index fast.

Forbidden pairs get a pair value so low that no search move can ever seat them
together; fixed people are simply never offered to a move.
"""

from dataclasses import dataclass

from meetup.grouping.instance import Instance
from meetup.grouping.scoring import pair_value_matrix

# Far below any sum of real weights, so a move that seats a forbidden pair is never taken.
FORBIDDEN_VALUE = -(10**9)


@dataclass(frozen=True)
class Model:
    size: int
    rounds: int
    tables: int
    small: int
    large_count: int
    # value[a][b] = v(a, b), or FORBIDDEN_VALUE for a forbidden pair.
    value: list[list[int]]
    repeat: int
    move: int
    # previous[r][p] = p's table in the earlier seating of round r, -1 if none.
    previous: list[list[int]]
    # fixed[r][p] = the table p is locked to in round r, -1 if free.
    fixed: list[list[int]]
    forbidden_with: list[list[int]]
    # Persons a move may touch in round r: everyone not fixed.
    movable: list[list[int]]
    # friends[p]: the people p gains most from sitting with (a positive pair value).
    friends: list[list[int]]
    upper_bound: int

    def capacity_ok(self, sizes: list[int], large_tables: int, table: int) -> bool:
        """May one more person sit at ``table``, given the current sizes, keeping balance reachable?"""
        size = sizes[table]
        return size < self.small or (size == self.small and large_tables < self.large_count)


def compile_model(instance: Instance) -> Model:
    n, rounds = instance.size, instance.rounds
    value = pair_value_matrix(instance)
    forbidden_with: list[list[int]] = [[] for _ in range(n)]
    for a, b in sorted(instance.forbidden):
        value[a][b] = value[b][a] = FORBIDDEN_VALUE
        forbidden_with[a].append(b)
        forbidden_with[b].append(a)
    previous = [[-1] * n for _ in range(rounds)]
    for r, seats in enumerate(instance.previous):
        for person, table in seats.items():
            previous[r][person] = table
    fixed = [[-1] * n for _ in range(rounds)]
    for (r, person), table in instance.fixed.items():
        fixed[r][person] = table
    movable = [[p for p in range(n) if fixed[r][p] < 0] for r in range(rounds)]
    return Model(
        size=n,
        rounds=rounds,
        tables=instance.table_count,
        small=instance.small_table_size,
        large_count=instance.large_table_count,
        value=value,
        repeat=instance.weights["repeat"],
        move=instance.weights["move"],
        previous=previous,
        fixed=fixed,
        forbidden_with=forbidden_with,
        movable=movable,
        friends=[[q for q, v in enumerate(row) if v >= 3 and q != p] for p, row in enumerate(value)],
        upper_bound=_upper_bound(instance, value),
    )


def _upper_bound(instance: Instance, value: list[list[int]]) -> int:
    """A cheap bound no seating can beat: each pair at its best number of rounds together, no moves.

    It is tight for the social-golfer instances (bound 0), which lets the
    solver stop the moment it finds a perfect schedule.
    """
    repeat, rounds = instance.weights["repeat"], instance.rounds
    bound = max(0, instance.weights["move"]) * instance.size * len(instance.previous)
    for a, row in enumerate(value):
        for b in range(a + 1, len(row)):
            v = row[b]
            if v > 0 or repeat > 0:
                # k rounds together give k*v + repeat*(k-1): linear in k, so best at 0, 1 or all.
                bound += max(0, v, rounds * v + repeat * (rounds - 1))
    return bound
