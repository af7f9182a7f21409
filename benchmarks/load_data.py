"""The load benchmark's data set, bulk-inserted into a scratch database:
3,000 users in ten host communities, 100 events, about 20,000 encounters.

- 80 finished evenings with published seatings (the "met before" history);
- 10 evenings tonight with published seatings: their attendees open My tables;
- 10 upcoming evenings open for registration (30 of 60 seats taken).

It imports no application code: the tables are reflected from the database,
which the tree under test has just migrated. So the same data goes into the
old and the new code's databases even when their Python models differ. Every
column the models fill in Python (their ``default=``) is given here; a NOT
NULL column this file does not know and the database cannot fill fails the
insert loudly rather than being guessed. The same seed gives the same rows
and the same ids in two fresh databases.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import combinations

import sqlalchemy as sa

USERS, COMMUNITIES = 3_000, 10
PAST, TONIGHT, OPEN = 80, 10, 10
ATTENDEES, TABLE_SIZE, ROUNDS = 40, 5, 3
GOALS = ["learn", "peers", "practice-speaking", "collaborate", "share-info"]
INDUSTRIES = [
    "tax-accountant",
    "lawyer",
    "judicial-scrivener",
    "administrative-scrivener",
    "labour-consultant",
    "design",
    "it",
    "education",
    "restaurant",
    "healthcare",
    "finance",
    "marketing",
    "construction",
]


@dataclass
class DataSet:
    events: list[int] = field(default_factory=list)
    tonight: dict[int, list[int]] = field(default_factory=dict)  # event -> seated attendees
    open: dict[int, list[int]] = field(default_factory=dict)  # event -> community members not registered
    emails: dict[int, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def build(connection: sa.Connection, password_hash: str, seed: int = 8) -> DataSet:
    tables = _Tables(connection)
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)  # the app stores naive UTC
    data = DataSet()
    users = [
        {
            "email": f"load{n}@example.com",
            "password_hash": password_hash,
            "display_name": f"Member {n}",
            "industry": rng.choice(INDUSTRIES),
            "industry_other": "",
            "introduction": "Happy to talk about my work.",
            "is_admin": False,
            "created_at": now,
            # Established members: their address is confirmed (a column newer trees have).
            "email_confirmed_at": now,
        }
        for n in range(USERS)
    ]
    ids = tables.insert_returning_ids("users", users)
    data.emails = {user_id: row["email"] for user_id, row in zip(ids, users)}
    communities = [ids[k::COMMUNITIES] for k in range(COMMUNITIES)]
    hosts = [members[0] for members in communities]

    kinds = ["past"] * PAST + ["tonight"] * TONIGHT + ["open"] * OPEN
    events = []
    for n, kind in enumerate(kinds):
        starts = {
            "past": now - timedelta(days=7 * (n + 1)),
            "tonight": now + timedelta(hours=3),
            "open": now + timedelta(days=14 + n),
        }[kind]
        events.append(
            {
                "host_id": hosts[n % COMMUNITIES],
                "title": f"Mixer {n}",
                "theme": "cross-industry",
                "description": "Tables of five, three rounds. No selling, no recruiting.",
                "state": "finished" if kind == "past" else "published",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "timezone": "Asia/Tokyo",
                "registration_deadline": starts - timedelta(hours=1),
                "venue": "Shibuya, Tokyo",
                "online_url": "",
                "capacity": 60,
                "table_size": TABLE_SIZE,
                "rounds": ROUNDS,
                "meet_again_days": 3,
                "goals": GOALS,
                "custom_goals": [],
                "conduct_extra": "",
                "conduct_revision": 0,
                "created_at": starts - timedelta(days=31),
                "published_at": starts - timedelta(days=30),
            }
        )
    data.events = tables.insert_returning_ids("events", events)

    registrations, seatings, seats, encounters = [], [], [], {}
    for n, (event_id, kind) in enumerate(zip(data.events, kinds)):
        members = communities[n % COMMUNITIES][1:]
        taken = rng.sample(members, ATTENDEES if kind != "open" else 30)
        registrations += [
            {
                "event_id": event_id,
                "user_id": u,
                "status": "confirmed",
                "queue_number": q + 1,
                "goals": rng.sample(GOALS, 2),
                "intro": "Looking forward to it.",
                "registered_at": now,
                "confirmed_at": now,
            }
            for q, u in enumerate(taken)
        ]
        if kind == "open":
            data.open[event_id] = [u for u in members if u not in set(taken)]
            continue
        seatings.append(
            {
                "event_id": event_id,
                "version": 1,
                "status": "published",
                "provisional": False,
                "rounds": ROUNDS,
                "table_count": ATTENDEES // TABLE_SIZE,
                "table_names": [],
                "score": 0,
                "breakdown": {},
                "moves": [],
                "created_at": now,
                "published_at": now,
            }
        )
        for round_no in range(ROUNDS):
            rng.shuffle(taken)
            for table_no in range(ATTENDEES // TABLE_SIZE):
                table = sorted(taken[table_no * TABLE_SIZE : (table_no + 1) * TABLE_SIZE])
                seats += [(event_id, round_no, u, table_no) for u in table]
                for pair in combinations(table, 2):
                    encounters[(event_id, *pair)] = encounters.get((event_id, *pair), 0) + 1
        if kind == "tonight":
            data.tonight[event_id] = list(taken)
    tables.insert("registrations", registrations)
    seating_ids = dict(zip([s["event_id"] for s in seatings], tables.insert_returning_ids("seatings", seatings)))
    tables.insert(
        "seats",
        [
            {"seating_id": seating_ids[e], "round": r, "user_id": u, "table_no": t, "locked": False}
            for e, r, u, t in seats
        ],
    )
    tables.insert(
        "encounters",
        [{"event_id": e, "user_low_id": a, "user_high_id": b, "rounds": k} for (e, a, b), k in encounters.items()],
    )
    data.counts = {
        "users": USERS,
        "events": len(events),
        "registrations": len(registrations),
        "seats": len(seats),
        "encounters": len(encounters),
    }
    return data


class _Tables:
    """The migrated database's own tables. A value for a column the table does not
    have (a tree without it) is dropped, so both trees take the same rows."""

    def __init__(self, connection: sa.Connection):
        self.connection = connection
        self.metadata = sa.MetaData()
        self.metadata.reflect(connection, only=["users", "events", "registrations", "seatings", "seats", "encounters"])

    def _rows(self, name: str, rows: list[dict]) -> tuple[sa.Table, list[dict]]:
        table = self.metadata.tables[name]
        known = set(table.columns.keys())
        return table, [{k: v for k, v in row.items() if k in known} for row in rows]

    def insert(self, name: str, rows: list[dict]) -> None:
        table, rows = self._rows(name, rows)
        self.connection.execute(sa.insert(table), rows)

    def insert_returning_ids(self, name: str, rows: list[dict]) -> list[int]:
        table, rows = self._rows(name, rows)
        statement = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(self.connection.scalars(statement, rows))
