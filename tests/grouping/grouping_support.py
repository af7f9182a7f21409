"""Helpers shared by the grouping tests: the shared examples, a tiny instance factory, and a
hypothesis strategy for a host's locked places."""

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "grouping" / "examples"


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def people(*ids: str, **attributes: Any) -> list[dict[str, Any]]:
    return [{"id": person_id, **attributes} for person_id in ids]


def fixed_places(ids: list[str], rounds: int, tables: int, most: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Up to ``most`` places a host locked: a person at a table in a round, once per person and round."""
    place = st.fixed_dictionaries(
        {"person": st.sampled_from(ids), "round": st.integers(0, rounds - 1), "table": st.integers(0, tables - 1)}
    )
    return st.lists(place, max_size=most, unique_by=lambda f: (f["person"], f["round"]))
