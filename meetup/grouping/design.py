"""A repeat-free start for attribute-free instances from a resolvable transversal design.

With n = s·q people at q tables of s, q a prime power and s ≤ q, write each
person as (i, j) with i one of s distinct elements of the finite field GF(q)
and j any element. In round w (w ∈ GF(q)) person (i, j) sits at table
j + w·i. Two people with the same i never meet (their tables differ by j − j');
two with i ≠ i' meet in exactly one round, w = (j' − j)/(i − i'). That gives q
rounds with no repeat at all, and when s divides q one more: the people sharing
an i have never met, so splitting each of those s groups of q into q/s tables
is repeat-free too (for s = q this is the affine plane).

This is a general construction, used only as a *start*: the search then takes
over for any further rounds, and nothing here is specific to one instance.
"""

import random
from itertools import product


def design_rounds(size: int, tables: int, rounds: int, rng: random.Random) -> list[list[int]]:
    """Up to ``rounds`` repeat-free rounds as ``table_of[r][p]``, or [] when the sizes do not fit."""
    if tables < 2 or size % tables:
        return []
    s, q = size // tables, tables
    field = _field(q)
    if field is None or s > q or s < 2:
        return []
    add, mul = field
    # Randomise who is who (and which s field elements label the groups), so seeds differ.
    people = list(range(size))
    rng.shuffle(people)
    labels = rng.sample(range(q), s)
    coordinates = [(labels[i], j) for i in range(s) for j in range(q)]
    result: list[list[int]] = []
    for w in range(min(rounds, q)):
        row = [0] * size
        for person, (i, j) in zip(people, coordinates, strict=True):
            row[person] = add[j][mul[w][i]]
        result.append(row)
    if len(result) < rounds and q % s == 0:
        row = [0] * size
        for index, person in enumerate(people):
            i, j = divmod(index, q)
            row[person] = i * (q // s) + j // s
        result.append(row)
    return result


def _field(q: int) -> tuple[list[list[int]], list[list[int]]] | None:
    """Addition and multiplication tables of GF(q), elements 0..q-1 (base-p digits), or None."""
    p = next((d for d in range(2, q + 1) if q % d == 0), q)
    k, rest = 0, q
    while rest % p == 0:
        rest //= p
        k += 1
    if rest != 1:
        return None  # not a prime power
    modulus = _irreducible(p, k)

    def digits(x: int) -> list[int]:
        return [(x // p**e) % p for e in range(k)]

    def number(coefficients: list[int]) -> int:
        return sum(c * p**e for e, c in enumerate(coefficients))

    def times(x: int, y: int) -> int:
        product_ = [0] * (2 * k)
        for e, a in enumerate(digits(x)):
            for f, b in enumerate(digits(y)):
                product_[e + f] = (product_[e + f] + a * b) % p
        for degree in range(2 * k - 1, k - 1, -1):  # reduce by the monic modulus of degree k
            c = product_[degree]
            if c:
                for e in range(k + 1):
                    product_[degree - k + e] = (product_[degree - k + e] - c * modulus[e]) % p
        return number(product_[:k])

    def plus(x: int, y: int) -> int:
        return number([(a + b) % p for a, b in zip(digits(x), digits(y), strict=True)])

    add = [[plus(x, y) for y in range(q)] for x in range(q)]
    mul = [[times(x, y) for y in range(q)] for x in range(q)]
    return add, mul


def _irreducible(p: int, k: int) -> list[int]:
    """Coefficients (lowest first, monic) of an irreducible polynomial of degree k over GF(p)."""
    for low in product(range(p), repeat=k):
        poly = [*low, 1]
        divisors = (d for degree in range(1, k // 2 + 1) for d in product(range(p), repeat=degree))
        if all(_remainder(poly, [*d, 1], p) for d in divisors):
            return poly
    raise AssertionError("an irreducible polynomial exists for every degree")  # pragma: no cover


def _remainder(poly: list[int], divisor: list[int], p: int) -> bool:
    """True when ``divisor`` (monic) leaves a non-zero remainder on ``poly`` over GF(p)."""
    rest = list(poly)
    m = len(divisor) - 1
    for degree in range(len(rest) - 1, m - 1, -1):
        c = rest[degree]
        if c:
            for e in range(m + 1):
                rest[degree - m + e] = (rest[degree - m + e] - c * divisor[e]) % p
    return any(rest[:m])
