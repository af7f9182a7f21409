"""Reading and validating instances: defaults, and a clear message naming every kind of mistake."""

from typing import Any

import pytest

from meetup.grouping import DEFAULT_WEIGHTS, InstanceError, load_instance, parse_instance
from tests.grouping.grouping_support import EXAMPLES, people


def base(**changes: Any) -> dict[str, Any]:
    instance: dict[str, Any] = {"people": people("a", "b", "c", "d"), "rounds": 2, "table_count": 2}
    instance.update(changes)
    return instance


def test_defaults_fill_optional_fields() -> None:
    instance = parse_instance(base())
    assert instance.people[0].industry == ""
    assert instance.people[0].goals == frozenset()
    assert instance.people[0].first_time is False
    assert dict(instance.weights) == dict(DEFAULT_WEIGHTS)
    assert instance.history == {} and instance.forbidden == frozenset() and instance.previous == ()


def test_pairs_are_indexed_smaller_first() -> None:
    instance = parse_instance(base(history=[{"a": "d", "b": "a", "met": 2, "mutual": True}], forbidden=[["c", "b"]]))
    assert instance.meeting(3, 0) == instance.meeting(0, 3)
    assert instance.meeting(0, 3).met == 2
    assert instance.is_forbidden(2, 1) and (1, 2) in instance.forbidden


def test_weights_override_defaults() -> None:
    assert parse_instance(base(weights={"mutual": 20})).weights["mutual"] == 20


def test_previous_ignores_people_who_left() -> None:
    instance = parse_instance(base(previous=[[["a", "gone"], ["b", "c", "d"]]]))
    assert dict(instance.previous[0]) == {0: 0, 1: 1, 2: 1, 3: 1}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"people": []}, "people must be a non-empty list"),
        ({"people": people("a", "a")}, "people[1]: id 'a' appears twice"),
        ({"people": [{"id": "a", "goals": "learn"}]}, "person 'a': goals must be a list of strings"),
        ({"people": [{"id": "a", "first_time": "yes"}]}, "person 'a': first_time must be true or false"),
        ({"people": [{"id": "a", "nmae": "x"}]}, "people[0]: unknown key 'nmae'"),
        ({"rounds": 0}, "rounds must be at least 1"),
        ({"rounds": True}, "rounds must be an integer"),
        ({"table_count": 5}, "table_count is 5 but there are only 4 people"),
        ({"history": [{"a": "a", "b": "zz", "met": 1}]}, "history[0]: unknown person 'zz'"),
        ({"history": [{"a": "a", "b": "b", "met": -1}]}, "history[0] met must be at least 0"),
        (
            {"history": [{"a": "a", "b": "b", "met": 1}, {"a": "b", "b": "a", "met": 2}]},
            "history[1]: the pair 'a' and 'b' appears twice",
        ),
        ({"forbidden": [["a"]]}, "forbidden[0] must be a pair of person ids"),
        ({"forbidden": [["a", "a"]]}, "forbidden[0]: 'a' is paired with themselves"),
        ({"fixed": [{"person": "a", "round": 0, "table": 2}]}, "fixed[0]: table 2 is out of range"),
        ({"fixed": [{"person": "a", "round": 2, "table": 0}]}, "fixed[0]: round 2 is out of range"),
        ({"fixed": [{"person": "x", "round": 0, "table": 0}]}, "fixed[0]: unknown person 'x'"),
        (
            {"fixed": [{"person": "a", "round": 0, "table": 0}, {"person": "a", "round": 0, "table": 1}]},
            "fixed[1]: 'a' is fixed to tables 0 and 1 in round 0",
        ),
        ({"previous": [[["a"]], [["b"]], [["c"]]]}, "previous has 3 rounds but the instance has only 2"),
        ({"previous": [[["a", "b"], ["a"]]]}, "previous[0][1]: 'a' is seated twice in round 0"),
        ({"weights": {"mutal": 3}}, "weights: unknown weight 'mutal'"),
        ({"weights": {"mutual": 2.5}}, "weights mutual must be an integer"),
        ({"forbiden": []}, "the instance: unknown key 'forbiden'"),
    ],
)
def test_invalid_instance_is_named(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InstanceError) as error:
        parse_instance(base(**changes))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_load_instance_reports_bad_json(tmp_path: Any) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(InstanceError, match="is not valid JSON"):
        load_instance(broken)
    with pytest.raises(InstanceError, match="cannot read instance file"):
        load_instance(tmp_path / "missing.json")


def test_shared_examples_all_load() -> None:
    for path in sorted(EXAMPLES.glob("*.json")):
        assert load_instance(path).size >= 9
