"""Fill any schema with a few rows, knowing nothing of it but what reflection
shows: column types, NOT NULL, foreign keys and simple CHECK constraints.

The migration tests use it on the schema of an older revision, so it must not
know the models' columns. Values are random (seeded): a row that breaks a rule
the filler does not understand (a compound CHECK, a trigger, a unique index)
is rolled back to its savepoint and tried again with other values. Rules a
later revision added (a CHECK on a column that was free text) may be passed
in as ``rules``: the app only ever wrote values they accept, so neither does
the filler.
"""

import random
import re
import string
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

ATTEMPTS_PER_ROW = 60
BASE_TIME = datetime(2025, 1, 1, 12, 0)

IN_LIST = re.compile(r"\(?\"?(\w+)\"?\)?\s+IN\s*\(([^)]*)\)", re.I)
BETWEEN = re.compile(r"\"?(\w+)\"?\s+BETWEEN\s+(-?\d+)\s+AND\s+(-?\d+)", re.I)
AT_LEAST = re.compile(r"\"?(\w+)\"?\s*>=?\s*(-?\d+)", re.I)
# PostgreSQL spells an IN list as = ANY (ARRAY['a'::character varying, …]).
ANY_ARRAY = re.compile(r"\(?\"?(\w+)\"?\)?(?:::\w+(?: \w+)?)?\s*=\s*ANY\s*\(\(?ARRAY\[([^\]]*)\]", re.I)


def value_hints(*tables: sa.Table | None) -> dict[str, list]:
    """Values the tables' simple CHECK constraints allow, per column; the
    first table that constrains a column decides."""
    hints: dict[str, list] = {}
    constraints = [c for table in tables if table is not None for c in table.constraints]
    for constraint in constraints:
        if not isinstance(constraint, sa.CheckConstraint):
            continue
        text = str(constraint.sqltext)
        for column, items in [*IN_LIST.findall(text), *ANY_ARRAY.findall(text)]:
            hints.setdefault(column, re.findall(r"'([^']*)'", items))
        for column, low, high in BETWEEN.findall(text):
            hints.setdefault(column, list(range(int(low), int(high) + 1)))
        for column, low in AT_LEAST.findall(text):
            hints.setdefault(column, list(range(int(low), int(low) + 5)))
    return hints


def fill(
    connection: sa.Connection,
    metadata: sa.MetaData,
    rules: sa.MetaData | None = None,
    rows_per_table: int = 3,
    seed: int = 0,
) -> dict[str, int]:
    """Insert up to ``rows_per_table`` rows into every table, parents first;
    return how many rows each table holds afterwards."""
    rng = random.Random(seed)
    for table in metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        hints = value_hints(table, rules.tables.get(table.name) if rules is not None else None)
        for _ in range(rows_per_table):
            for _attempt in range(ATTEMPTS_PER_ROW):
                row = {
                    column.name: _value(connection, column, hints, rng)
                    for column in table.columns
                    if not _database_assigns(column, connection.dialect.name)
                }
                savepoint = connection.begin_nested()
                try:
                    connection.execute(table.insert().values(row))
                except DBAPIError:
                    savepoint.rollback()
                else:
                    savepoint.commit()
                    break
    return {
        table.name: connection.scalar(sa.select(sa.func.count()).select_from(table)) for table in metadata.sorted_tables
    }


def _database_assigns(column: sa.Column, dialect: str) -> bool:
    """A lone integer primary key the database numbers: any on SQLite (the
    rowid), a serial or identity column on PostgreSQL."""
    table = column.table
    if not (
        column.primary_key
        and len(table.primary_key.columns) == 1
        and not column.foreign_keys
        and _python_type(column) is int
    ):
        return False
    return (
        dialect == "sqlite"
        or column.autoincrement is True
        or column.server_default is not None
        or column.identity is not None
    )


def _python_type(column: sa.Column):
    try:
        return column.type.python_type
    except NotImplementedError:
        return str


def _value(connection, column: sa.Column, hints: dict, rng: random.Random):
    if column.nullable and not column.primary_key and rng.random() < 0.3:
        return None
    if column.foreign_keys:
        target = next(iter(column.foreign_keys)).column
        existing = connection.scalars(sa.select(target)).all()
        return rng.choice(existing) if existing else None
    if column.name in hints:
        return rng.choice(hints[column.name])
    kind = _python_type(column)
    if kind is bool:
        return rng.random() < 0.5
    if kind is int:
        return rng.randint(0, 6)
    if kind is float:
        return rng.random()
    if kind is datetime:
        return BASE_TIME + timedelta(hours=rng.randint(-500, 500))
    if kind is date:
        return BASE_TIME.date() + timedelta(days=rng.randint(-30, 30))
    if kind in (dict, list):
        return []
    length = getattr(column.type, "length", None) or 12
    return "".join(rng.choices(string.ascii_lowercase, k=min(length, 12)))
