"""The command line: solve and score the shared examples; exit 2 with one line on any bad input."""

import json
from pathlib import Path

import pytest

from meetup.grouping.__main__ import main
from tests.grouping.grouping_support import EXAMPLES

TWELVE = str(EXAMPLES / "meetup-12-people-4-tables-2-rounds.json")


def test_solve_prints_a_solution_that_score_agrees_with(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", TWELVE, "--time-limit", "0.5", "--seed", "3"]) == 0
    solution = json.loads(capsys.readouterr().out)
    assert {"rounds", "score", "breakdown"} <= set(solution)
    path = tmp_path / "solution.json"
    path.write_text(json.dumps(solution), encoding="utf-8")
    assert main(["score", TWELVE, str(path)]) == 0
    assert int(capsys.readouterr().out) == solution["score"]
    assert main(["score", TWELVE, str(path), "--breakdown"]) == 0
    assert json.loads(capsys.readouterr().out)["breakdown"] == solution["breakdown"]


def test_score_names_the_broken_hard_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    instance = json.loads(Path(TWELVE).read_text(encoding="utf-8"))
    everyone = [p["id"] for p in instance["people"]]
    one_big_table = [everyone, [], [], []]
    path = tmp_path / "solution.json"
    path.write_text(json.dumps({"rounds": [one_big_table, one_big_table], "score": 0}), encoding="utf-8")
    assert main(["score", TWELVE, str(path)]) == 2
    assert capsys.readouterr().err == "error: hard rule 2 broken: round 0 table 0 seats 12 people, expected 3\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read instance file"),
        ("{", "is not valid JSON"),
        ('{"people": [{"id": "a"}], "rounds": "2", "table_count": 1}', "rounds must be an integer"),
        (
            '{"people": [{"id": "a"}, {"id": "b"}], "rounds": 1, "table_count": 1, "forbidden": [["a", "b"]]}',
            "cannot be separated",
        ),
    ],
)
def test_bad_instance_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    path = tmp_path / "instance.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["solve", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err and captured.err.count("\n") == 1


def test_bad_arguments_exit_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["solve", TWELVE, "--time-limit", "soon"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
