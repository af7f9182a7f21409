"""Reading and validating a grouping instance (see FORMAT.md) into an immutable, indexed form.

Everything after this module works on person *indices* (0..n-1, in the order of
``people``); ids only come back when a solution is written out.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from meetup.grouping.errors import InstanceError

DEFAULT_WEIGHTS: Mapping[str, int] = MappingProxyType(
    {
        "mutual": 8,
        "met": 3,
        "shared_goal": 1,
        "same_industry": -4,
        "newcomer_pair": -2,
        "repeat": -50,
        "move": -5,
    }
)

_INSTANCE_KEYS = frozenset({"people", "rounds", "table_count", "history", "forbidden", "fixed", "previous", "weights"})
_PERSON_KEYS = frozenset({"id", "industry", "goals", "first_time"})
_HISTORY_KEYS = frozenset({"a", "b", "met", "mutual"})
_FIXED_KEYS = frozenset({"person", "round", "table"})


@dataclass(frozen=True)
class Person:
    id: str
    industry: str
    goals: frozenset[str]
    first_time: bool


@dataclass(frozen=True)
class Meeting:
    """What the history says about one pair: earlier events shared, and whether both chose each other."""

    met: int
    mutual: bool


@dataclass(frozen=True)
class Instance:
    """A validated instance. Pairs are keyed ``(a, b)`` with ``a < b``; tables and rounds are 0-based."""

    people: tuple[Person, ...]
    rounds: int
    table_count: int
    history: Mapping[tuple[int, int], Meeting]
    forbidden: frozenset[tuple[int, int]]
    # (round, person) -> table the host locked them to.
    fixed: Mapping[tuple[int, int], int]
    # previous[r] maps person -> table in the earlier seating; may be shorter than ``rounds``.
    previous: tuple[Mapping[int, int], ...]
    weights: Mapping[str, int]
    index: Mapping[str, int]

    @property
    def size(self) -> int:
        return len(self.people)

    @property
    def small_table_size(self) -> int:
        return self.size // self.table_count

    @property
    def large_table_count(self) -> int:
        """How many tables seat one more than ``small_table_size`` in every round."""
        return self.size % self.table_count

    def meeting(self, a: int, b: int) -> Meeting | None:
        return self.history.get((a, b) if a < b else (b, a))

    def is_forbidden(self, a: int, b: int) -> bool:
        return ((a, b) if a < b else (b, a)) in self.forbidden


def load_instance(path: str | Path) -> Instance:
    """Read and validate an instance file; every problem becomes an :class:`InstanceError`."""
    return parse_instance(read_json(path, what="instance"))


def read_json(path: str | Path, what: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        raise InstanceError(f"cannot read {what} file {str(path)!r}: {error.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InstanceError(f"{what} file {str(path)!r} is not valid JSON: {error}") from None
    except ValueError as error:  # a NUL in the file name
        raise InstanceError(f"cannot read {what} file {str(path)!r}: {error}") from None
    except RecursionError:
        raise InstanceError(f"{what} file {str(path)!r} is nested too deeply") from None


def parse_instance(data: Any) -> Instance:
    """Validate a decoded JSON instance (or an :class:`Instance`, returned as is)."""
    if isinstance(data, Instance):
        return data
    _require(isinstance(data, Mapping), "the instance must be a JSON object")
    _reject_unknown_keys(data, _INSTANCE_KEYS, "the instance")
    for key in ("people", "rounds", "table_count"):
        _require(key in data, f"the instance has no {key!r}")
    people = _parse_people(data["people"])
    index = {person.id: i for i, person in enumerate(people)}
    rounds = _int(data["rounds"], "rounds", minimum=1)
    table_count = _int(data["table_count"], "table_count", minimum=1)
    _require(
        table_count <= len(people),
        f"table_count is {table_count} but there are only {len(people)} people",
    )
    return Instance(
        people=people,
        rounds=rounds,
        table_count=table_count,
        history=MappingProxyType(_parse_history(data.get("history", []), index)),
        forbidden=_parse_forbidden(data.get("forbidden", []), index),
        fixed=MappingProxyType(_parse_fixed(data.get("fixed", []), index, rounds, table_count)),
        previous=_parse_previous(data.get("previous", []), index, rounds),
        weights=MappingProxyType(_parse_weights(data.get("weights", {}))),
        index=MappingProxyType(index),
    )


def _parse_people(raw: Any) -> tuple[Person, ...]:
    _require(isinstance(raw, list) and len(raw) > 0, "people must be a non-empty list")
    people: list[Person] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        where = f"people[{i}]"
        _require(isinstance(entry, Mapping), f"{where} must be an object")
        _reject_unknown_keys(entry, _PERSON_KEYS, where)
        person_id = entry.get("id")
        _require(isinstance(person_id, str) and person_id != "", f"{where} needs an id (a non-empty string)")
        _require(person_id not in seen, f"{where}: id {person_id!r} appears twice")
        seen.add(person_id)
        where = f"person {person_id!r}"
        industry = entry.get("industry", "")
        _require(isinstance(industry, str), f"{where}: industry must be a string")
        goals = entry.get("goals", [])
        _require(
            isinstance(goals, list) and all(isinstance(goal, str) for goal in goals),
            f"{where}: goals must be a list of strings",
        )
        first_time = entry.get("first_time", False)
        _require(isinstance(first_time, bool), f"{where}: first_time must be true or false")
        people.append(Person(person_id, industry, frozenset(goals), first_time))
    return tuple(people)


def _parse_history(raw: Any, index: Mapping[str, int]) -> dict[tuple[int, int], Meeting]:
    _require(isinstance(raw, list), "history must be a list")
    history: dict[tuple[int, int], Meeting] = {}
    for i, entry in enumerate(raw):
        where = f"history[{i}]"
        _require(isinstance(entry, Mapping), f"{where} must be an object")
        _reject_unknown_keys(entry, _HISTORY_KEYS, where)
        pair = _pair([entry.get("a"), entry.get("b")], index, where)
        met = _int(entry.get("met", 0), f"{where} met", minimum=0)
        mutual = entry.get("mutual", False)
        _require(isinstance(mutual, bool), f"{where}: mutual must be true or false")
        if pair in history:  # the message names the pair: built only when needed, it reads the whole index
            raise InstanceError(f"{where}: the pair {_ids(pair, index)} appears twice in history")
        history[pair] = Meeting(met, mutual)
    return history


def _parse_forbidden(raw: Any, index: Mapping[str, int]) -> frozenset[tuple[int, int]]:
    _require(isinstance(raw, list), "forbidden must be a list of pairs")
    return frozenset(_pair(entry, index, f"forbidden[{i}]") for i, entry in enumerate(raw))


def _parse_fixed(raw: Any, index: Mapping[str, int], rounds: int, table_count: int) -> dict[tuple[int, int], int]:
    _require(isinstance(raw, list), "fixed must be a list")
    fixed: dict[tuple[int, int], int] = {}
    for i, entry in enumerate(raw):
        where = f"fixed[{i}]"
        _require(isinstance(entry, Mapping), f"{where} must be an object")
        _reject_unknown_keys(entry, _FIXED_KEYS, where)
        person = _person(entry.get("person"), index, where)
        round_ = _int(entry.get("round"), f"{where} round", minimum=0)
        _require(round_ < rounds, f"{where}: round {round_} is out of range (rounds is {rounds})")
        table = _int(entry.get("table"), f"{where} table", minimum=0)
        _require(
            table < table_count,
            f"{where}: table {table} is out of range (table_count is {table_count})",
        )
        earlier = fixed.setdefault((round_, person), table)
        _require(
            earlier == table,
            f"{where}: {entry['person']!r} is fixed to tables {earlier} and {table} in round {round_}",
        )
    return fixed


def _parse_previous(raw: Any, index: Mapping[str, int], rounds: int) -> tuple[Mapping[int, int], ...]:
    _require(isinstance(raw, list), "previous must be a list of rounds")
    _require(
        len(raw) <= rounds,
        f"previous has {len(raw)} rounds but the instance has only {rounds}",
    )
    previous: list[Mapping[int, int]] = []
    for r, tables in enumerate(raw):
        _require(isinstance(tables, list), f"previous[{r}] must be a list of tables")
        seats: dict[int, int] = {}
        seen: set[str] = set()
        for t, table in enumerate(tables):
            where = f"previous[{r}][{t}]"
            _require(
                isinstance(table, list) and all(isinstance(p, str) for p in table),
                f"{where} must be a list of person ids",
            )
            for person_id in table:
                _require(person_id not in seen, f"{where}: {person_id!r} is seated twice in round {r}")
                seen.add(person_id)
                # People no longer in ``people`` have left; they simply free their seat.
                if person_id in index:
                    seats[index[person_id]] = t
        previous.append(MappingProxyType(seats))
    return tuple(previous)


def _parse_weights(raw: Any) -> dict[str, int]:
    _require(isinstance(raw, Mapping), "weights must be an object")
    weights = dict(DEFAULT_WEIGHTS)
    for name, value in raw.items():
        _require(
            name in DEFAULT_WEIGHTS,
            f"weights: unknown weight {name!r} (known: {', '.join(DEFAULT_WEIGHTS)})",
        )
        weights[name] = _int(value, f"weights {name}")
    return weights


def _pair(raw: Any, index: Mapping[str, int], where: str) -> tuple[int, int]:
    _require(isinstance(raw, (list, tuple)) and len(raw) == 2, f"{where} must be a pair of person ids")
    a, b = (_person(person_id, index, where) for person_id in raw)
    _require(a != b, f"{where}: {raw[0]!r} is paired with themselves")
    return (a, b) if a < b else (b, a)


def _person(person_id: Any, index: Mapping[str, int], where: str) -> int:
    _require(isinstance(person_id, str), f"{where}: person ids must be strings, got {person_id!r}")
    _require(person_id in index, f"{where}: unknown person {person_id!r}")
    return index[person_id]


def _int(value: Any, what: str, minimum: int | None = None) -> int:
    # bool is an int in Python, but `"rounds": true` is a mistake worth naming.
    _require(
        isinstance(value, int) and not isinstance(value, bool),
        f"{what} must be an integer, got {value!r}",
    )
    _require(minimum is None or value >= minimum, f"{what} must be at least {minimum}, got {value}")
    return int(value)


def _ids(pair: Sequence[int], index: Mapping[str, int]) -> str:
    by_index = {i: person_id for person_id, i in index.items()}
    return " and ".join(repr(by_index[p]) for p in pair)


def _reject_unknown_keys(entry: Mapping[Any, Any], known: frozenset[str], where: str) -> None:
    # A typo such as "forbiden" must not silently drop a safety rule.
    unknown = sorted(str(key) for key in entry if key not in known)
    if unknown:
        raise InstanceError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InstanceError(message)
