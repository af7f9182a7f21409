"""A mutable seating for every round with incremental (delta) evaluation of swaps and moves.

A swap or move only changes the pairs at the two tables involved, so its
delta costs O(table size) whatever the number of tables or people. Pair
co-seating counts across rounds (``meet``) make the repeat term incremental too.
"""

from meetup.grouping.model import Model


class Seats:
    def __init__(self, model: Model, table_of: list[list[int]]) -> None:
        self.model = model
        self.table_of = [list(row) for row in table_of]
        n = model.size
        self.members: list[list[list[int]]] = []
        self.meet = [[0] * n for _ in range(n)]
        for row in self.table_of:
            tables: list[list[int]] = [[] for _ in range(model.tables)]
            for person, table in enumerate(row):
                tables[table].append(person)
            self.members.append(tables)
            for table_members in tables:
                for a in table_members:
                    meet_a = self.meet[a]
                    for b in table_members:
                        meet_a[b] += 1
        for a in range(n):
            self.meet[a][a] = 0

    def total(self) -> int:
        """The objective from scratch (the same as scoring.score_seating for a valid seating)."""
        model = self.model
        value = model.value
        total = 0
        for r, tables in enumerate(self.members):
            for t, table in enumerate(tables):
                for i, a in enumerate(table):
                    for b in table[i + 1 :]:
                        total += value[a][b]
                    if model.previous[r][a] >= 0 and model.previous[r][a] != t:
                        total += model.move
        repeated = {
            (a, b)
            for tables in self.members
            for table in tables
            for a in table
            for b in table
            if a < b and self.meet[a][b] >= 2
        }
        total += sum(model.repeat * (self.meet[a][b] - 1) for a, b in repeated)
        return total

    def leave_gain(self, r: int, a: int, skip: int = -1) -> int:
        """Change in score from taking ``a`` away from its table in round r (``skip`` is not counted)."""
        value_a, meet_a, repeat = self.model.value[a], self.meet[a], self.model.repeat
        gain = 0
        for x in self.members[r][self.table_of[r][a]]:
            if x != a and x != skip:
                gain -= value_a[x]
                if meet_a[x] >= 2:
                    gain -= repeat
        return gain

    def join_gain(self, r: int, a: int, table: int, skip: int = -1) -> int:
        """Change in score from adding ``a`` to ``table`` in round r, ignoring person ``skip`` there."""
        value_a, meet_a, repeat = self.model.value[a], self.meet[a], self.model.repeat
        gain = 0
        for y in self.members[r][table]:
            if y != skip:
                gain += value_a[y]
                if meet_a[y] >= 1:
                    gain += repeat
        return gain

    def move_cost(self, r: int, a: int, old: int, new: int) -> int:
        before = self.model.previous[r][a]
        if before < 0:
            return 0
        return self.model.move * ((before != new) - (before != old))

    def swap_delta(self, r: int, a: int, b: int) -> int:
        """Score change of exchanging a and b (at different tables) in round r."""
        table_a, table_b = self.table_of[r][a], self.table_of[r][b]
        return (
            self.leave_gain(r, a)
            + self.leave_gain(r, b)
            + self.join_gain(r, a, table_b, skip=b)
            + self.join_gain(r, b, table_a, skip=a)
            + self.move_cost(r, a, table_a, table_b)
            + self.move_cost(r, b, table_b, table_a)
        )

    def move_delta(self, r: int, a: int, table: int) -> int:
        """Score change of moving a alone to ``table`` in round r (sizes permitting)."""
        old = self.table_of[r][a]
        return self.leave_gain(r, a) + self.join_gain(r, a, table) + self.move_cost(r, a, old, table)

    def apply_move(self, r: int, a: int, table: int) -> None:
        old = self.table_of[r][a]
        members = self.members[r]
        meet_a = self.meet[a]
        members[old].remove(a)
        for x in members[old]:
            meet_a[x] -= 1
            self.meet[x][a] -= 1
        for y in members[table]:
            meet_a[y] += 1
            self.meet[y][a] += 1
        members[table].append(a)
        self.table_of[r][a] = table

    def apply_swap(self, r: int, a: int, b: int) -> None:
        table_a, table_b = self.table_of[r][a], self.table_of[r][b]
        self.apply_move(r, a, table_b)
        self.apply_move(r, b, table_a)

    def snapshot(self) -> list[list[int]]:
        return [list(row) for row in self.table_of]

    def seating(self) -> list[list[list[int]]]:
        return [[sorted(table) for table in tables] for tables in self.members]
