"""Forming tables for a big evening, database included.

Target (issue 5): forming tables for 200 attendees x 4 rounds, including
building the instance from the database and storing the answer, stays within
the engine's budget plus well under a second, with a number of SQL queries
that does not grow with the crowd.

Builds a community in a scratch database (SQLite file, and PostgreSQL when
MEETUP_BENCH_DATABASE_URL is set — a scratch database whose public schema
is dropped and rebuilt, e.g. createdb meetup_bench), then times form_tables and its parts. Prints Markdown; commit it as
benchmarks/SEATING.md.

    .venv/bin/python benchmarks/seating.py > benchmarks/SEATING.md
"""

import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from itertools import combinations

import sqlalchemy as sa
from flask_migrate import upgrade

from meetup import create_app
from meetup.accounts.models import ContactDetails, User
from meetup.events.models import Event, Registration
from meetup.extensions import db
from meetup.grouping import solve
from meetup.rules.models import Match
from meetup.seating.instance import build_instance
from meetup.seating.models import Encounter
from meetup.seating.services import forming
from meetup.timeutil import utcnow

ATTENDEES = (50, 200)
ROUNDS = 4
RUNS = 3
INDUSTRIES = [
    "tax-accountant",
    "lawyer",
    "judicial-scrivener",
    "design",
    "it",
    "education",
    "restaurant",
    "healthcare",
    "finance",
    "marketing",
    "construction",
    "consulting",
]


def reset(engine):
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")


def populate(people: int, rng: random.Random):
    """A community of ``people`` who met at earlier events; all checked in tonight."""
    now = utcnow()
    users = [
        User(
            email=f"b{people}-{n}@example.com",
            password_hash="!",
            display_name=f"Member {n}",
            industry=rng.choice(INDUSTRIES),
            contacts=ContactDetails(),
            email_confirmed_at=now,
        )
        for n in range(people)
    ]
    host = User(
        email=f"host{people}@example.com",
        password_hash="!",
        display_name="Host",
        industry="sme-consultant",
        email_confirmed_at=now,
    )
    db.session.add_all([host, *users])
    db.session.flush()

    def event(days):
        start = now + timedelta(days=days)
        return Event(
            host_id=host.id,
            state="published",
            title=f"Evening {days}",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            registration_deadline=start,
            capacity=people,
            table_size=5,
            rounds=ROUNDS,
            goals=["learn", "peers", "collaborate"],
        )

    earlier = [event(-30 * k) for k in range(1, 13)]  # a year of monthly evenings
    tonight = event(0)
    db.session.add_all([*earlier, tonight])
    db.session.flush()
    db.session.execute(
        sa.insert(Registration),
        [
            {
                "event_id": tonight.id,
                "user_id": u.id,
                "status": "confirmed",
                "queue_number": n + 1,
                "goals": rng.sample(["learn", "peers", "collaborate"], rng.randint(1, 2)),
                "intro": "",
                "registered_at": now,
                "confirmed_at": now,
                "checked_in_at": now,
            }
            for n, u in enumerate(users)
        ],
    )
    encounters = set()
    for past in earlier:  # each earlier evening: 60% of the community, tables of five
        attended = rng.sample(users, int(people * 0.6))
        for table in (attended[i : i + 5] for i in range(0, len(attended), 5)):
            for a, b in combinations(sorted(u.id for u in table), 2):
                encounters.add((past.id, a, b))
    db.session.execute(
        sa.insert(Encounter),
        [{"event_id": e, "user_low_id": a, "user_high_id": b, "rounds": 1} for e, a, b in encounters],
    )
    pairs = sorted({(a, b) for _, a, b in encounters})
    db.session.execute(
        sa.insert(Match),
        [
            {
                "user_low_id": a,
                "user_high_id": b,
                "event_id": earlier[0].id,
                "public_id": f"bm{people}-{a}-{b}",
                "revealed_at": now,
            }
            for a, b in rng.sample(pairs, min(len(pairs), people // 4))
        ],
    )
    db.session.commit()
    return host, tonight, len(encounters)


def timed_solve(durations):
    """The engine as form_tables calls it, timing each call."""

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return solve(*args, **kwargs)
        finally:
            durations.append(time.perf_counter() - start)

    return wrapper


def measure(host, event_id):
    builds, solves, totals, queries = [], [], [], []
    forming.solve = timed_solve(solves)
    try:
        for _ in range(RUNS):
            db.session.expire_all()
            start = time.perf_counter()
            build_instance(db.session.get(Event, event_id))
            builds.append(time.perf_counter() - start)
            statements = []
            listener = lambda *args, statements=statements: statements.append(1)  # noqa: E731
            sa.event.listen(db.engine, "before_cursor_execute", listener)
            db.session.expire_all()
            start = time.perf_counter()
            forming.form_tables(host, event_id)
            totals.append(time.perf_counter() - start)
            sa.event.remove(db.engine, "before_cursor_execute", listener)
            queries.append(len(statements))
    finally:
        forming.solve = solve
    return builds, solves, totals, queries


def run(database_url: str, label: str) -> list[str]:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "GROUPING_TIME_LIMIT": 2.0})
    rows = []
    with app.app_context():
        reset(db.engine)
        upgrade()
        for people in ATTENDEES:
            host, event, encounter_count = populate(people, random.Random(people))
            builds, solves, totals, queries = measure(host, event.id)
            overhead = statistics.median(t - s for t, s in zip(totals, solves))
            rows.append(
                f"| {label} | {people} x {ROUNDS} | {encounter_count:,} | {statistics.median(builds) * 1000:.0f} ms "
                f"| {statistics.median(solves):.2f} s | {statistics.median(totals):.2f} s "
                f"| {overhead * 1000:.0f} ms | {statistics.median(queries)} |"
            )
        db.engine.dispose()
    return rows


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        rows += run(f"sqlite:///{scratch}/bench.sqlite3", "SQLite")
    if os.environ.get("MEETUP_BENCH_DATABASE_URL"):
        rows += run(os.environ["MEETUP_BENCH_DATABASE_URL"], "PostgreSQL")
    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next(
            (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
            platform.processor(),
        )
    print("# Forming tables: database + engine\n")
    print(
        f"Machine: {os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}. "
        f"Medians of {RUNS} runs; engine budget 2 s.\n"
    )
    print(
        "| database | attendees x rounds | earlier encounters | build instance | engine | form tables "
        "(total) | total − engine | SQL statements |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(
        '\n"total − engine" is everything that is not the search: reading the event, its people, their '
        "history, matches and blocks, and writing the draft seating. SQL statements are per form-tables call "
        "and stay the same from 50 to 200 people."
    )


if __name__ == "__main__":
    main()
