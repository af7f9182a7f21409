"""A repeat-free start for attribute-free instances, from a resolvable design.

Three general constructions over the finite field GF(q), q a prime power;
each round is a parallel class of blocks, and where more than one fits, the
one that gives the most rounds is used. The first two seat n = s·q people at
q tables of s:

* **Transversal design** (s ≤ q). Write each person as (i, j) with i one of s
  distinct elements of GF(q) and j any element. In round w (w ∈ GF(q)) person
  (i, j) sits at table j + w·i. Two people with the same i never meet (their
  tables differ by j − j'); two with i ≠ i' meet in exactly one round,
  w = (j' − j)/(i − i'). That gives q rounds with no repeat at all, and when s
  divides q one more: the people sharing an i have never met, so splitting each
  of those s groups of q into q/s tables is repeat-free too (for s = q this is
  the affine plane).
* **Kirkman triple system of order 3q** (s = 3, q = 6t + 1): every pair meets
  exactly once in (3q − 1)/2 rounds, Ray-Chaudhuri and Wilson's construction.
  People are (x, j), x ∈ GF(q), j ∈ {0, 1, 2}; g generates GF(q)'s
  multiplicative group. Blocks: Z = {(0, j) : j}, B(i, j) = {(g^(i+2tk), j) :
  k < 3} for i < t, and A(i) = {(g^(i+2tk), k) : k < 3} for i < 6t. One class C
  is Z, every B(i, j) and the A(i) with ⌊i/t⌋ odd; the rounds are C shifted by
  each element of GF(q) (x ↦ x + s in every block), and, for each A(i) with
  ⌊i/t⌋ even, the q shifts of A(i). For 21 people at 7 tables: 10 rounds
  instead of the transversal design's 7.
* **Resolvable design with blocks of four on 3q + 1 points** (s = 4, q ≡ 1
  mod 4): every pair meets exactly once in q rounds. People are (x, j), x ∈
  GF(q), j ∈ {0, 1, 2}, and one more, ∞; e is a square root of −1 in GF(q).
  One class C is {∞, (0, 0), (0, 1), (0, 2)} and, for i < (q − 1)/4 and each
  j, the block {(g^i·e^k, j + (k mod 2)) : k < 4} (the second index mod 3); the
  rounds are C shifted by each element of GF(q), ∞ staying put. Within a
  class j two of a block's points differ by ±2·g^i and two by ±2·g^i·e; from
  class j to j + 1 they differ by g^i·(e − 1)·e^k: each non-zero element once
  over the blocks, and 0 once from the first block. For 28 people at 7 tables
  of 4: 9 rounds instead of 7.

These are general constructions, used only as a *start*: the search then takes
over for any further rounds, and nothing here is specific to one instance.
"""

import random
from collections.abc import Callable
from functools import partial
from itertools import product

# A round as tables of points 0..n-1, before points are given to people at random.
Round = list[list[int]]
Field = tuple[list[list[int]], list[list[int]]]  # addition and multiplication tables


def design_rounds(size: int, tables: int, rounds: int, rng: random.Random) -> list[list[int]]:
    """Up to ``rounds`` repeat-free rounds as ``table_of[r][p]``, or [] when the sizes do not fit."""
    constructions = _constructions(size, tables, rng)
    if not constructions:
        return []
    # Randomise who is who, so seeds differ.
    people = list(range(size))
    rng.shuffle(people)
    _, build = max(constructions, key=lambda construction: construction[0])
    result: list[list[int]] = []
    for blocks in build()[:rounds]:
        row = [0] * size
        for table, block in enumerate(blocks):
            for point in block:
                row[people[point]] = table
        result.append(row)
    return result


def _constructions(size: int, tables: int, rng: random.Random) -> list[tuple[int, Callable[[], list[Round]]]]:
    """Each construction that fits these sizes, with the number of rounds it gives."""
    if tables < 2 or size % tables:
        return []
    s, q = size // tables, tables
    found: list[tuple[int, Callable[[], list[Round]]]] = []
    field = _field(q)
    if field is not None and 2 <= s <= q:
        found.append((q + (q % s == 0), partial(_transversal, s, q, field, rng)))
        if s == 3 and q % 6 == 1:
            found.append(((3 * q - 1) // 2, partial(_kirkman, q, field)))
    r = (size - 1) // 3
    fours_field = _field(r) if s == 4 and size == 3 * r + 1 and r % 4 == 1 else None
    if fours_field is not None:
        found.append((r, partial(_fours, r, fours_field)))
    return found


def _transversal(s: int, q: int, field: Field, rng: random.Random) -> list[Round]:
    """q rounds (q + 1 when s divides q) of the transversal design; point i·q + j is (labels[i], j)."""
    add, mul = field
    labels = rng.sample(range(q), s)  # which s field elements label the groups
    design: list[Round] = []
    for w in range(q):
        blocks: Round = [[] for _ in range(q)]
        for i in range(s):
            for j in range(q):
                blocks[add[j][mul[w][labels[i]]]].append(i * q + j)
        design.append(blocks)
    if q % s == 0:
        design.append([list(range(start, start + s)) for start in range(0, s * q, s)])
    return design


def _kirkman(q: int, field: Field) -> list[Round]:
    """The (3q - 1)/2 rounds of a Kirkman triple system of order 3q, q = 6t + 1; point j·q + x is (x, j)."""
    add, mul = field
    t = (q - 1) // 6
    power = _powers(_generator(q, mul), q, mul)  # power[e] = g^e, exponents mod q - 1

    def a(i: int) -> list[tuple[int, int]]:
        return [(power[(i + 2 * t * k) % (q - 1)], k) for k in range(3)]

    base = [[(0, j) for j in range(3)]]
    base += [[(power[i + 2 * t * k], j) for k in range(3)] for i in range(t) for j in range(3)]
    base += [a(i) for i in range(6 * t) if (i // t) % 2 == 1]

    design = [[_shifted(block, by, q, add) for block in base] for by in range(q)]
    design += [[_shifted(a(i), by, q, add) for by in range(q)] for i in range(6 * t) if (i // t) % 2 == 0]
    return design


def _fours(q: int, field: Field) -> list[Round]:
    """The q rounds of a resolvable design with blocks of four on 3q + 1 points, q ≡ 1 mod 4;
    point j·q + x is (x, j), and point 3q is ∞."""
    add, mul = field
    power = _powers(_generator(q, mul), q, mul)  # power[e] = g^e, exponents mod q - 1
    quarter = (q - 1) // 4  # e = g^quarter squares to g^((q - 1)/2) = -1
    blocks = [
        [(mul[power[i]][power[quarter * k]], (j + k % 2) % 3) for k in range(4)]
        for i in range(quarter)
        for j in range(3)
    ]

    return [
        [[3 * q, *_shifted([(0, j) for j in range(3)], by, q, add)], *(_shifted(b, by, q, add) for b in blocks)]
        for by in range(q)
    ]


def _shifted(block: list[tuple[int, int]], by: int, q: int, add: list[list[int]]) -> list[int]:
    """The points of a block over three copies of GF(q), shifted by ``by``; point j·q + x is (x, j)."""
    return [j * q + add[x][by] for x, j in block]


def _generator(q: int, mul: list[list[int]]) -> int:
    """An element whose powers are every non-zero element of GF(q)."""
    return next(g for g in range(1, q) if len(set(_powers(g, q, mul))) == q - 1)


def _powers(g: int, q: int, mul: list[list[int]]) -> list[int]:
    """g^0, g^1, …, g^(q-2) in GF(q)."""
    result = [1]
    for _ in range(q - 2):
        result.append(mul[result[-1]][g])
    return result


def _field(q: int) -> Field | None:
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
