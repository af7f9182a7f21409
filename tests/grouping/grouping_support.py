"""Helpers shared by the grouping tests: the shared examples and a tiny instance factory."""

import json
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "grouping" / "examples"


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def people(*ids: str, **attributes: Any) -> list[dict[str, Any]]:
    return [{"id": person_id, **attributes} for person_id in ids]
