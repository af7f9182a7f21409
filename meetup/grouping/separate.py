"""Deciding whether forbidden pairs and fixed places fit in a round, and saying why not.

Hard rules bind each round separately, so a round is feasible when its
constrained people (fixed ones and those in a forbidden pair) can be placed
with every forbidden pair apart and no table over its size: everyone else then
fills the remaining seats anywhere. Clear special cases get a precise message;
the rest is settled by an exhaustive search.
"""

from collections.abc import Sequence

from meetup.grouping.errors import InfeasibleError
from meetup.grouping.model import Model

# Enough to settle any realistic meetup; beyond it we say we could not decide.
_NODE_LIMIT = 200_000


def check_obvious_conflicts(model: Model, names: Sequence[str]) -> None:
    """Raise InfeasibleError for the common, explainable impossibilities."""
    small, largest = model.small, model.small + (1 if model.large_count else 0)
    for a in range(model.size):
        for b in model.forbidden_with[a]:
            if model.tables == 1:
                raise InfeasibleError(
                    f"forbidden pair {names[a]!r} and {names[b]!r} cannot be separated: there is only one table"
                )
        allowed = model.size - 1 - len(model.forbidden_with[a])
        if allowed < small - 1:
            raise InfeasibleError(
                f"{names[a]!r} is forbidden with {len(model.forbidden_with[a])} of the"
                f" {model.size - 1} other people, but every table seats at least {small}"
            )
    for r in range(model.rounds):
        at_table: list[list[int]] = [[] for _ in range(model.tables)]
        for person, table in enumerate(model.fixed[r]):
            if table >= 0:
                at_table[table].append(person)
        for table, people in enumerate(at_table):
            if len(people) > largest:
                raise InfeasibleError(
                    f"round {r}: {len(people)} people are fixed to table {table}, which seats at most {largest}"
                )
            for i, a in enumerate(people):
                for b in people[i + 1 :]:
                    if b in model.forbidden_with[a]:
                        raise InfeasibleError(
                            f"round {r}: forbidden pair {names[a]!r} and {names[b]!r} are both fixed to table {table}"
                        )
        full = sum(1 for people in at_table if len(people) == small + 1)
        if full > model.large_count:
            raise InfeasibleError(
                f"round {r}: {full} tables have {small + 1} fixed people,"
                f" but only {model.large_count} tables may seat {small + 1}"
            )


def separate(model: Model, r: int, names: Sequence[str]) -> dict[int, int]:
    """A valid table for every constrained person of round r, or InfeasibleError.

    Depth-first search, most-constrained people first; empty tables are
    interchangeable, so only the first empty one is ever tried.
    """
    fixed = model.fixed[r]
    table_of = [-1] * model.size
    sizes = [0] * model.tables
    large = 0
    for person, table in enumerate(fixed):
        if table >= 0:
            table_of[person] = table
            sizes[table] += 1
    large = sum(1 for size in sizes if size == model.small + 1)
    order = [p for p in range(model.size) if fixed[p] < 0 and model.forbidden_with[p]]
    order.sort(key=lambda p: -len(model.forbidden_with[p]))

    choices: list[list[int] | None] = [None] * len(order)
    nodes = 0
    depth = 0
    while 0 <= depth < len(order):
        person = order[depth]
        options = choices[depth]
        if options is None:
            options = choices[depth] = _options(model, person, table_of, sizes, large)
        elif table_of[person] >= 0:  # backtracking: take the last try back
            table = table_of[person]
            if sizes[table] == model.small + 1:
                large -= 1
            sizes[table] -= 1
            table_of[person] = -1
        if not options:
            choices[depth] = None
            depth -= 1
            continue
        table = options.pop()
        table_of[person] = table
        sizes[table] += 1
        if sizes[table] == model.small + 1:
            large += 1
        depth += 1
        nodes += 1
        if nodes > _NODE_LIMIT:
            raise InfeasibleError(
                f"round {r}: could not find a seating that keeps every forbidden pair apart"
                f" (gave up after {_NODE_LIMIT} tries; the forbidden pairs may be impossible to honour)"
            )
    if depth < 0:
        people = ", ".join(repr(names[p]) for p in order[:6]) + (", ..." if len(order) > 6 else "")
        raise InfeasibleError(
            f"round {r}: forbidden pairs cannot all be kept apart at {model.tables} balanced tables"
            f" (people involved: {people})"
        )
    return {p: table_of[p] for p in range(model.size) if table_of[p] >= 0}


def _options(model: Model, person: int, table_of: list[int], sizes: list[int], large: int) -> list[int]:
    """Tables ``person`` may join now, in reverse order of preference (they are popped)."""
    blocked = {table_of[q] for q in model.forbidden_with[person]}
    options: list[int] = []
    tried_empty = False
    for table in range(model.tables):
        if table in blocked or not model.capacity_ok(sizes, large, table):
            continue
        if sizes[table] == 0:
            if tried_empty:
                continue
            tried_empty = True
        options.append(table)
    # Prefer the emptiest tables: they leave the most room for the rest.
    options.sort(key=lambda table: -sizes[table])
    return options
