"""Scoring: every term on hand-computed cases, the breakdown, and the hard-rule check."""

from typing import Any

import pytest

from meetup.grouping import SeatingError, explain_table, parse_instance, score
from meetup.grouping.scoring import check_seating, pair_value, pair_value_matrix, score_seating
from tests.grouping.grouping_support import example

# a, b: lawyers and first-timers sharing the goal "learn", a mutual pair;
# a, c: met once before and share "peers"; d: no attributes at all.
FOUR: dict[str, Any] = {
    "people": [
        {"id": "a", "industry": "law", "goals": ["learn", "peers"], "first_time": True},
        {"id": "b", "industry": "law", "goals": ["learn"], "first_time": True},
        {"id": "c", "industry": "tax", "goals": ["peers"]},
        {"id": "d"},
    ],
    "rounds": 2,
    "table_count": 2,
    "history": [
        {"a": "a", "b": "b", "met": 2, "mutual": True},
        {"a": "a", "b": "c", "met": 1, "mutual": False},
        {"a": "c", "b": "d", "met": 0, "mutual": False},
    ],
}
A, B, C, D = range(4)


def test_pair_value_adds_every_term() -> None:
    instance = parse_instance(FOUR)
    # mutual 8 (not also met), shared goal 1, same industry -4, two first-timers -2
    assert pair_value(instance, A, B) == 8 + 1 - 4 - 2
    # met 3 (met counts once, however many events), shared goal 1
    assert pair_value(instance, A, C) == 3 + 1
    # met 0 and not mutual: nothing; an empty industry never matches
    assert pair_value(instance, C, D) == 0
    assert pair_value(instance, B, D) == 0


def test_repeats_cost_once_per_extra_round() -> None:
    instance = parse_instance(FOUR)
    result = score_seating(instance, [[[A, B], [C, D]], [[A, B], [C, D]]])
    assert result.total == 2 * 3 + 2 * -50
    assert result.counts == {
        "mutual": 2,
        "met": 0,
        "shared_goal": 2,
        "same_industry": 2,
        "newcomer_pair": 2,
        "repeat": 2,
        "move": 0,
    }
    assert sum(result.points.values()) == result.total


def test_breakdown_names_terms_for_hosts() -> None:
    result = score_seating(parse_instance(FOUR), [[[A, C], [B, D]], [[A, D], [B, C]]])
    assert result.total == 4
    assert result.breakdown()["familiar_pairs"] == {"count": 1, "points": 3}
    assert result.breakdown()["shared_goals"] == {"count": 1, "points": 1}
    assert set(result.breakdown()) == {
        "mutual_pairs",
        "familiar_pairs",
        "shared_goals",
        "same_industry_pairs",
        "first_timer_pairs",
        "repeats",
        "moves",
    }


def test_moves_count_people_away_from_their_previous_table() -> None:
    # b and c change table in round 0; round 1 has no previous seating, so nothing moves there.
    instance = parse_instance({**FOUR, "previous": [[["a", "b"], ["c", "d", "left"]]]})
    result = score_seating(instance, [[[A, C], [B, D]], [[A, D], [B, C]]])
    assert result.counts["move"] == 2
    assert result.total == 4 - 10


def test_late_arrival_has_no_move_cost() -> None:
    instance = parse_instance({**FOUR, "previous": [[["a", "b"], ["c"]]]})
    result = score_seating(instance, [[[A, B], [C, D]], [[A, C], [B, D]]])
    assert result.counts["move"] == 0


def test_weights_change_points() -> None:
    instance = parse_instance({**FOUR, "weights": {"mutual": 20, "same_industry": 0}})
    assert pair_value(instance, A, B) == 20 + 1 - 2


def test_matrix_matches_pair_value_everywhere() -> None:
    instance = parse_instance(example("meetup-30-people-6-tables-3-rounds"))
    matrix = pair_value_matrix(instance)
    for a in range(instance.size):
        for b in range(instance.size):
            assert matrix[a][b] == (pair_value(instance, a, b) if a != b else 0)


@pytest.mark.parametrize(
    ("changes", "seating", "message"),
    [
        ({}, [[[A, B], [C, D]]], "hard rule 1 broken: the seating has 1 rounds, expected 2"),
        ({}, [[[A, B, C, D]], [[A, B], [C, D]]], "hard rule 1 broken: round 0 has 1 tables"),
        ({}, [[[A, B], [C, A]], [[A, B], [C, D]]], "hard rule 1 broken: round 0 seats 'a' twice"),
        ({}, [[[A, B], [C]], [[A, B], [C, D]]], "hard rule 1 broken: round 0 does not seat 'd'"),
        ({}, [[[A, B, C], [D]], [[A, B], [C, D]]], "hard rule 2 broken: round 0 table 0 seats 3 people"),
        (
            {"forbidden": [["d", "c"]]},
            [[[A, B], [C, D]], [[A, C], [B, D]]],
            "hard rule 3 broken: round 0 table 1 seats forbidden pair 'c' and 'd'",
        ),
        (
            {"fixed": [{"person": "a", "round": 1, "table": 1}]},
            [[[A, B], [C, D]], [[A, C], [B, D]]],
            "hard rule 4 broken: 'a' is fixed to table 1 in round 1 but sits at table 0",
        ),
    ],
)
def test_check_seating_names_the_broken_rule(
    changes: dict[str, Any], seating: list[list[list[int]]], message: str
) -> None:
    with pytest.raises(SeatingError) as error:
        check_seating(parse_instance({**FOUR, **changes}), seating)
    assert message in str(error.value)


def test_valid_seating_passes_check() -> None:
    check_seating(parse_instance(FOUR), [[[A, B], [C, D]], [[A, C], [B, D]]])


def test_public_score_takes_ids_and_checks_rules() -> None:
    assert score(FOUR, {"rounds": [[["a", "c"], ["b", "d"]], [["a", "d"], ["b", "c"]]]}).total == 4
    with pytest.raises(SeatingError, match="unknown person 'z'"):
        score(FOUR, [[["a", "z"], ["b", "d"]], [["a", "d"], ["b", "c"]]])


def test_table_explanation_lists_what_the_score_counts() -> None:
    instance = parse_instance({**FOUR, "previous": [[["c", "d"], ["a", "b"]]]})
    seating = [[[A, B], [C, D]], [[A, B], [C, D]]]
    why = explain_table(instance, seating, 0, 0)
    assert why.people == ("a", "b")
    assert why.mutual_pairs == (("a", "b"),)
    assert why.shared_goals == (("a", "b", ("learn",)),)
    assert why.industries == {"law": 2} and why.same_industry_pairs == (("a", "b"),)
    assert why.first_timers == ("a", "b")
    assert why.repeated_pairs == (("a", "b"),)
    assert why.moved == ("a", "b")
    assert why.pair_points == pair_value(instance, A, B)
    assert why.to_json()["familiar_pairs"] == []
    assert explain_table(instance, [[[A, C], [B, D]], [[A, D], [B, C]]], 0, 0).familiar_pairs == (("a", "c", 1),)
