"""Swap gains of every round at once, with numpy: the gain bookkeeping of the tabu search.

For round r, the value of seating a with b is their pair value plus the repeat
weight when they sit together in another round as well (a repeat counts
``k - 1`` for a pair together in ``k`` rounds, so one more meeting costs the
weight once they have met at all):

    w_r(a, b) = value(a, b) + repeat · [a and b together in another round]

``repeat`` is the weight the search walks under: the model's, or a fraction of
it that lets a meeting move between rounds (see :mod:`meetup.grouping.tabu`).
Gains are measured with that weight; :meth:`RoundGains.swap` says how the
number of repeats changed, so the caller can keep the true score as well.

Per person and table, ``join[r, p, t]`` sums w_r(p, x) over the members x of
t in round r, plus the cost of moving p away from their table in an earlier
seating. Swapping a (at table s) with b (at table t) in round r then gains

    join[r, a, t] − join[r, a, s] + join[r, b, s] − join[r, b, t] − 2 · w_r(a, b)

(a stops counting b, whose table it joins, and b likewise), so a few array
expressions give every swap of every round. When the tables do not divide the
room evenly, a person may also move alone from a large table s to a small one
t, which keeps the sizes balanced and gains

    join[r, a, t] − join[r, a, s]

A forbidden pair's value is so negative that any swap or move seating one
together shows as forbidden.
"""

import numpy as np

from meetup.grouping.model import FORBIDDEN_VALUE, Model

# Below this a gain has seated a forbidden pair together (the value of one pair is FORBIDDEN_VALUE).
FORBIDDEN_GAIN = FORBIDDEN_VALUE // 2


class RoundGains:
    """A seating as arrays (``where[r, p]`` = p's table), with all swap and move gains on request."""

    def __init__(self, model: Model, table_of: list[list[int]], repeat: int | None = None) -> None:
        self.model = model
        self.repeat = model.repeat if repeat is None else repeat  # the weight gains are measured with
        n, tables, rounds = model.size, model.tables, model.rounds
        self.where = np.array(table_of, dtype=np.int64).reshape(rounds, n)
        self.value = np.array(model.value, dtype=np.int64)
        np.fill_diagonal(self.value, 0)
        # move[r, p, t]: the cost (a negative weight) of p sitting at t when an earlier seating had p elsewhere.
        previous = np.array(model.previous, dtype=np.int64).reshape(rounds, n)
        self.move = np.where(
            (previous[:, :, None] >= 0) & (previous[:, :, None] != np.arange(tables)), model.move, 0
        ).astype(np.int64)
        self.movable = np.array(model.fixed, dtype=np.int64).reshape(rounds, n) < 0
        self.immovable = ~(self.movable[:, :, None] & self.movable[:, None, :])
        self._eye = np.eye(tables, dtype=np.int64)
        self._people = np.arange(n)
        self._rounds = np.arange(rounds)[:, None]
        # sizes[r, t]: how many sit at table t in round r.
        self.sizes = self._eye[self.where].sum(axis=1)
        self.meet = self._together().sum(axis=0)
        np.fill_diagonal(self.meet, 0)
        self._sums: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def _together(self) -> np.ndarray:
        """``together[r, a, b]``: 1 when a and b sit at one table in round r (a with a included)."""
        return (self.where[:, :, None] == self.where[:, None, :]).astype(np.int64)

    def _weights_and_sums(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``weight[r, a, b]`` = w_r(a, b), ``join[r, p, t]`` and ``together``; kept until the seating changes."""
        if self._sums is None:
            together = self._together()
            elsewhere = self.meet - together  # meetings in the other rounds (the diagonal is never used)
            weight = self.value + self.repeat * (elsewhere >= 1)
            weight[:, self._people, self._people] = 0
            join = weight @ self._eye[self.where] + self.move
            self._sums = weight, join, together
        return self._sums

    def swap_gains(self) -> np.ndarray:
        """``gains[r, a, b]``: the change in score from swapping a and b in round r.

        Pairs at the same table, or with someone fixed, get FORBIDDEN_VALUE, as
        do swaps that would seat a forbidden pair together (below FORBIDDEN_GAIN).
        """
        weight, join, together = self._weights_and_sums()
        own = join[self._rounds, self._people, self.where]  # own[r, a] = join[r, a, a's table]
        across = join[self._rounds[:, :, None], self._people[:, None], self.where[:, None, :]]  # join[r, a, b's table]
        gains = across + across.transpose(0, 2, 1) - own[:, :, None] - own[:, None, :] - 2 * weight
        gains[(together == 1) | self.immovable] = FORBIDDEN_VALUE
        return gains

    def move_gains(self) -> np.ndarray:
        """``gains[r, p, t]``: the change in score from moving p alone to table t in round r.

        Only a move from a large table to a small one keeps the sizes balanced;
        every other move, and any of someone fixed, gets FORBIDDEN_VALUE.
        """
        _, join, _ = self._weights_and_sums()
        gains = join - join[self._rounds, self._people, self.where][:, :, None]
        large = self.model.small + 1
        from_large = (self.sizes[self._rounds, self.where] == large) & self.movable
        to_small = self.sizes == large - 1
        gains[~(from_large[:, :, None] & to_small[:, None, :])] = FORBIDDEN_VALUE
        return gains

    def conflicted(self) -> np.ndarray:
        """``conflicted[r, p]``: p sits in round r with someone they sit with in another round too."""
        _, _, together = self._weights_and_sums()
        return ((self.meet >= 2) & (together == 1)).any(axis=2)

    def swap(self, r: int, a: int, b: int) -> int:
        """Exchange a and b (at different tables) in round r; returns the change in the number of repeats."""
        table_a = int(self.where[r, a])
        return self.move_to(r, a, int(self.where[r, b])) + self.move_to(r, b, table_a)

    def move_to(self, r: int, p: int, table: int) -> int:
        """Seat p at ``table`` in round r; returns the change in the number of repeats.

        Only pairs with p change.
        """
        repeats_before = self._repeats_of(p)
        row = self.where[r]
        leaving, joining = row == row[p], row == table
        leaving[p] = False
        self.meet[p] += joining.astype(np.int64) - leaving
        self.meet[:, p] = self.meet[p]
        self.meet[p, p] = 0
        self.sizes[r, row[p]] -= 1
        self.sizes[r, table] += 1
        row[p] = table
        self._sums = None
        return self._repeats_of(p) - repeats_before

    def _repeats_of(self, p: int) -> int:
        """The repeats of pairs with p: ``k - 1`` for each person p sits with in k ≥ 1 rounds."""
        row = self.meet[p]
        return int(row.sum()) - np.count_nonzero(row)

    def table_of(self) -> list[list[int]]:
        return self.where.tolist()
