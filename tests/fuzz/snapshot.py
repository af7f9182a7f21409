"""Every row of every table, to prove a refused request wrote nothing, and a
check that whatever an accepted request wrote is clean."""

import unicodedata
from collections import Counter

import sqlalchemy as sa

from meetup.extensions import db

INT32 = 2**31 - 1


def _frozen(value):
    """JSON columns come back as lists and dicts: make them hashable."""
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    return value


def snapshot(connection) -> dict[str, Counter]:
    return {
        table.name: Counter(tuple(_frozen(v) for v in row) for row in connection.execute(sa.select(table)))
        for table in db.metadata.sorted_tables
    }


def changes(before: dict[str, Counter], after: dict[str, Counter]) -> dict[str, list[dict]]:
    """The rows that are new or changed, per table, as column → value."""
    changed = {}
    for table in db.metadata.sorted_tables:
        new = after[table.name] - before[table.name]
        gone = before[table.name] - after[table.name]
        if new or gone:
            names = [column.name for column in table.columns]
            changed[table.name] = [dict(zip(names, row)) for row in new.elements()] or [{"(deleted)": len(gone)}]
    return changed


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def unclean(changed: dict[str, list[dict]]) -> list[str]:
    """What in the written rows is not valid data: control characters or line
    and paragraph separators (other than tab and line breaks in longer texts),
    values longer than the column, integers outside the column's range."""
    problems = []
    for table in db.metadata.sorted_tables:
        for row in changed.get(table.name, []):
            for column in table.columns:
                if column.name not in row:
                    continue
                value = row[column.name]
                length = getattr(column.type, "length", None)
                if isinstance(value, str) and length and len(value) > length:
                    problems.append(f"{table.name}.{column.name} is {len(value)} long (max {length})")
                if (
                    isinstance(value, int)
                    and not isinstance(value, bool)
                    and abs(value) > INT32
                    and not isinstance(column.type, sa.BigInteger)
                ):
                    problems.append(f"{table.name}.{column.name} = {value}")
                for text in _strings(value):
                    bad = {ch for ch in text if unicodedata.category(ch) in ("Cc", "Zl", "Zp") and ch not in "\t\n\r"}
                    if bad:
                        problems.append(f"{table.name}.{column.name} holds control characters {sorted(bad)!r}")
    return problems
