"""Generate the realistic benchmark instances (seeded, so the committed JSON can be re-made exactly).

    python benchmarks/make_instances.py      # writes benchmarks/instances/*.json

A simulated community, as described in ../shared/grouping/examples/README.md:
members attended several earlier events at random tables (``met``), about a
third of the pairs who met chose each other (``mutual``), a quarter of today's
attendees are first-timers, and a few pairs are forbidden. The same community
at mid-size evenings whose tables do not divide evenly (``uneven-*``), and the
social-golfer stretch instance (32 people, 8 tables, 10 rounds).
"""

import json
import random
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "instances"
INDUSTRIES = [
    "tax accountant", "lawyer", "judicial scrivener", "administrative scrivener",
    "labor consultant", "patent attorney", "IT engineer", "designer",
    "restaurant owner", "real estate", "insurance", "SME consultant", "artist", "educator",
]  # fmt: skip
GOALS = ["learn", "peers", "collaborate", "share-info", "practice-speaking"]

# (people, tables, rounds, seed): tables of about five, as hosts run them.
REALISTIC = [(24, 6, 3, 1), (48, 10, 3, 2), (100, 20, 4, 3), (200, 40, 4, 4), (300, 60, 4, 5)]
# Mid-size evenings whose tables cannot all be the same size (24 in 5 tables: four of 5 and one of 4;
# 37 in 7: two of 6 and five of 5), as a host meets them when people cancel or come unannounced.
UNEVEN = [(24, 5, 3, 6), (37, 7, 3, 7)]
UNEVEN_FORBIDDEN = 3


def community_instance(size: int, tables: int, rounds: int, seed: int, forbidden_pairs: int = 0) -> dict[str, Any]:
    """The community's evening; ``forbidden_pairs`` kept apart (default: one per 20 people)."""
    rng = random.Random(seed)
    newcomers = size // 4
    regulars = size - newcomers
    members = [f"m{i}" for i in range(regulars * 3 // 2)]  # the community is larger than tonight
    profile = {
        m: (rng.choice(INDUSTRIES[: 6 + size // 40]), sorted(rng.sample(GOALS, rng.randint(1, 3)))) for m in members
    }
    met: dict[tuple[str, str], int] = {}
    for _event in range(6):
        present = rng.sample(members, min(len(members), max(8, len(members) * 2 // 3)))
        for start in range(0, len(present) - 1, 5):
            table = sorted(present[start : start + 5])
            for i, a in enumerate(table):
                for b in table[i + 1 :]:
                    met[(a, b)] = met.get((a, b), 0) + 1
    tonight = rng.sample(members, regulars)
    people = [{"id": m, "industry": profile[m][0], "goals": profile[m][1], "first_time": False} for m in tonight]
    for i in range(newcomers):
        industry = rng.choice(INDUSTRIES[: 6 + size // 40])
        goals = sorted(rng.sample(GOALS, rng.randint(1, 3)))
        people.append({"id": f"n{i}", "industry": industry, "goals": goals, "first_time": True})
    rng.shuffle(people)
    here = set(tonight)
    history = [
        {"a": a, "b": b, "met": count, "mutual": rng.random() < 1 / 3}
        for (a, b), count in sorted(met.items())
        if a in here and b in here
    ]
    ids = [p["id"] for p in people]
    forbidden = [sorted(rng.sample(ids, 2)) for _ in range(forbidden_pairs or max(1, size // 20))]
    return {
        "people": people,
        "rounds": rounds,
        "table_count": tables,
        "history": history,
        "forbidden": [list(pair) for pair in sorted({tuple(pair) for pair in forbidden})],
    }


def golfer_instance(groups: int, size: int, rounds: int) -> dict[str, Any]:
    people = [{"id": f"g{i}", "industry": "", "goals": []} for i in range(groups * size)]
    return {"people": people, "rounds": rounds, "table_count": groups}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    instances = {
        f"community-{n}-people-{t}-tables-{r}-rounds": community_instance(n, t, r, seed) for n, t, r, seed in REALISTIC
    }
    instances.update(
        (f"uneven-{n}-people-{t}-tables-{r}-rounds", community_instance(n, t, r, seed, UNEVEN_FORBIDDEN))
        for n, t, r, seed in UNEVEN
    )
    instances["golfers-32-people-8-tables-10-rounds"] = golfer_instance(8, 4, 10)
    for name, instance in instances.items():
        (OUT / f"{name}.json").write_text(json.dumps(instance, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {name}.json")


if __name__ == "__main__":
    main()
