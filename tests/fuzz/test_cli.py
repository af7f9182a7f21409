"""Every command-line entry point, fuzzed: hostile arguments end with a
non-zero exit and one clear error line (never a traceback, never a partial
write), and on a database that was never migrated every command says so in
one line."""

import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetup.commands import NO_TABLES, WITHOUT_TABLES
from meetup.extensions import db
from meetup.grouping.__main__ import main as grouping_main
from tests.fuzz.hostile import FIXED, hostile_text
from tests.fuzz.snapshot import changes, snapshot
from tests.scratch import scratch_database

FUZZ = settings(
    max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)

NOTHING_DONE = "Sent 0 message(s); 0 failed and will be retried; 0 set aside (see the log).\n"

hostile_arg = hostile_text()
extra_args = st.lists(hostile_arg, min_size=1, max_size=3)

# For each command: hostile argument lists, and whether such a list may
# still be a valid request (a strange but legal file name, a date).
COMMANDS = {
    "demo": (extra_args, False),
    # Always --once: without it the worker runs until stopped, whatever else it is given.
    "worker": (
        st.one_of(hostile_arg.map(lambda v: ["--once", "--interval", v]), extra_args.map(lambda a: ["--once", *a])),
        True,
    ),
    "make-admin": (
        st.one_of(st.just([]), hostile_arg.map(lambda v: [v]), extra_args.map(lambda a: ["a@b.c", *a])),
        False,
    ),
    "backup": (st.one_of(hostile_arg.map(lambda v: [v]), st.just([]), extra_args.map(lambda a: ["x.db", *a])), True),
    "restore": (
        st.one_of(hostile_arg.map(lambda v: [v, "--yes"]), hostile_arg.map(lambda v: [v]), st.just(["--yes"])),
        False,
    ),
}

# One valid-looking invocation of each, for the unmigrated database.
PLAIN = {
    "demo": [],
    "worker": ["--once"],
    "make-admin": ["someone@example.com"],
    "backup": ["copy.db"],
    "restore": ["missing.db", "--yes"],
}


def test_every_command_is_fuzzed(base_app):
    assert set(base_app.cli.commands) - {"db"} == set(COMMANDS) == set(PLAIN), (
        "a command was added or removed: give the fuzzer its hostile arguments"
    )


def assert_one_clear_line(result, args, may_succeed: bool):
    shown = f"{args!r} gave exit {result.exit_code}:\n{result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{shown}\n{result.exception!r} escaped as a traceback"
    )
    assert "Traceback" not in result.output, shown
    if result.exit_code == 0:
        assert may_succeed, shown
    else:
        errors = [line for line in result.output.splitlines() if line.startswith("Error")]
        assert len(errors) == 1, shown
        assert len(errors[0]) > len("Error: "), shown


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_hostile_arguments_fail_in_one_clear_line(app, name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # files the commands write land here
    strategy, may_succeed = COMMANDS[name]
    runner = app.test_cli_runner()
    connection = db.session().get_bind()

    @FUZZ
    @given(args=strategy)
    def run(args):
        savepoint = connection.begin_nested()
        try:
            before = snapshot(connection)
            result = runner.invoke(args=[name, *args])
            db.session.remove()  # the command's session, before its savepoint goes
            assert_one_clear_line(result, args, may_succeed)
            if result.exit_code != 0:
                assert not changes(before, snapshot(connection)), f"{name} {args!r} failed but wrote"
        finally:
            db.session.remove()
            savepoint.rollback()

    run()


@pytest.fixture
def unmigrated_app(make_app, database_url, tmp_path):
    with scratch_database(database_url, "meetup_unmigrated", tmp_path) as url:
        yield make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_on_an_unmigrated_database_every_command_says_so_in_one_line(unmigrated_app, name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = unmigrated_app.test_cli_runner().invoke(args=[name, *PLAIN[name]])
    if name in WITHOUT_TABLES:  # a backup copies what is there; a restore fills an empty database
        assert_one_clear_line(result, PLAIN[name], may_succeed=True)
        assert len(result.output.splitlines()) == 1, result.output
    else:
        assert (result.exit_code, result.output) == (1, f"Error: {NO_TABLES}\n")


def test_unmigrated_guard_lets_a_migrated_database_through(app):
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and result.output == NOTHING_DONE


# The table-grouping engine's own command line: ``python -m meetup.grouping``.

EXAMPLE = {"people": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}], "rounds": 1, "table_count": 2}

json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.sampled_from(FIXED), st.text(max_size=10)
)
hostile_json = st.recursive(
    json_leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


def _mangled_instance(draw_key, value):
    instance = json.loads(json.dumps(EXAMPLE))
    instance[draw_key] = value
    return instance


instance_documents = st.one_of(
    hostile_json.map(json.dumps),
    st.builds(
        _mangled_instance,
        st.sampled_from(["people", "rounds", "table_count", "forbidden", "history", "weights", "surprise"]),
        hostile_json,
    ).map(json.dumps),
    st.sampled_from(FIXED),
    st.just("[" * 5_000 + "]" * 5_000),
    st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
    st.just('{"people": [], "rounds": 1e400, "table_count": NaN}'),
)


def _grouping(argv, capsys):
    try:
        status = grouping_main(argv)
    except SystemExit as exit_:  # argparse's own errors
        status = exit_.code
    return status, capsys.readouterr()


@pytest.mark.slow
def test_grouping_cli_hostile_instances_exit_2_in_one_line(tmp_path, capsys):
    path = tmp_path / "instance.json"

    @FUZZ
    @given(document=instance_documents, command=st.sampled_from(["solve", "score"]))
    def run(document, command):
        path.write_text(document, encoding="utf-8", errors="surrogatepass")
        argv = ["solve", str(path), "--time-limit", "0.05"] if command == "solve" else ["score", str(path), str(path)]
        status, captured = _grouping(argv, capsys)
        if status != 0:
            assert status == 2 and captured.out == "", captured
            assert captured.err.startswith("error: ") and captured.err.count("\n") == 1, captured.err

    run()


@pytest.mark.slow
def test_grouping_cli_hostile_arguments_exit_2_in_one_line(tmp_path, capsys):
    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(EXAMPLE), encoding="utf-8")

    @FUZZ
    @given(
        args=st.lists(hostile_text().filter(lambda s: s not in ("-h", "--help")), max_size=3),
        command=st.sampled_from([["solve", str(instance)], ["score", str(instance)], [], ["solve"]]),
        option=st.sampled_from(["--time-limit", "--seed", "--breakdown", ""]),
    )
    def run(args, command, option):
        argv = [*command, *([option] if option else []), *args]
        if command[:1] == ["solve"]:
            argv += ["--time-limit", "0.05"]  # the last one counts: a hostile but valid limit must not run long
        status, captured = _grouping(argv, capsys)
        if status != 0:
            assert status == 2, (argv, captured)
            assert captured.err.startswith("error: ") and captured.err.count("\n") == 1, (argv, captured.err)

    run()
