"""Backups and restores: a consistent copy of a live database, put back whole,
and one clear line (never a traceback) when something is wrong."""

import re
import shutil
import subprocess
import threading
import time

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from meetup.accounts.models import ContactDetails, User
from meetup.extensions import db
from tests.scratch import scratch_database

USERS, CONTACTS = User.__table__, ContactDetails.__table__
WRITER_MAX_ROWS = 5_000  # bound on the writer, whatever happens to the test


def _keep_writing(engine, stop: threading.Event, written: list[int]) -> None:
    """Insert a user and their contact row in one transaction, again and again:
    a consistent copy has both or neither of every pair."""
    for n in range(WRITER_MAX_ROWS):
        if stop.is_set():
            return
        with engine.begin() as connection:
            user_id = connection.execute(
                USERS.insert()
                .values(
                    email=f"writer{n}@example.com",
                    password_hash="-",
                    display_name=f"Writer {n}",
                    industry="it",
                )
                .returning(USERS.c.id)
            ).scalar_one()
            connection.execute(CONTACTS.insert().values(user_id=user_id))
        written.append(user_id)
        time.sleep(0.002)


def _wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the writer thread stalled"
        time.sleep(0.01)


def ids_in_backup(path, dialect: str) -> dict[str, set[int]]:
    """The user ids in the backup file itself, per table: what it really holds."""
    if dialect == "sqlite":
        engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
        with engine.connect() as connection:
            found = {
                "users": set(connection.scalars(sa.text("SELECT id FROM users"))),
                "contact_details": set(connection.scalars(sa.text("SELECT user_id FROM contact_details"))),
            }
        engine.dispose()
        return found
    return {
        "users": _pg_archive_column(path, "users", "id"),
        "contact_details": _pg_archive_column(path, "contact_details", "user_id"),
    }


def _pg_archive_column(path, table: str, column: str) -> set[int]:
    script = subprocess.run(
        ["pg_restore", "--data-only", f"--table={table}", "--file=-", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    header = re.search(rf"^COPY public\.{table} \(([^)]*)\) FROM stdin;$", script, re.M)
    index = [name.strip().strip('"') for name in header.group(1).split(",")].index(column)
    rows = script[header.end() :].split("\n\\.\n", 1)[0].strip("\n").splitlines()
    return {int(row.split("\t")[index]) for row in rows}


def test_backup_of_a_live_database_under_writes_restores_every_row(committing_app, make_app, database_url, tmp_path):
    dialect = db.engine.dialect.name
    path = tmp_path / "meetup.backup"
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_keep_writing, args=(db.engine, stop, written))
    writer.start()
    try:
        _wait_for(lambda: len(written) >= 20)
        committed_before = set(written)
        result = committing_app.test_cli_runner().invoke(args=["backup", str(path)])
        after_backup = len(written)
        _wait_for(lambda: len(written) >= after_backup + 20)  # the app kept writing
    finally:
        stop.set()
        writer.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output

    backed_up = ids_in_backup(path, dialect)
    assert committed_before <= backed_up["users"]
    assert backed_up["users"] < set(written)  # a snapshot: later writes are not in it
    assert backed_up["contact_details"] == backed_up["users"]  # consistent: pairs whole

    with scratch_database(database_url, "meetup_restore_test", tmp_path) as url:
        target = make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with target.app_context():
            upgrade()
            with db.engine.begin() as connection:  # what the restore must replace
                connection.execute(
                    USERS.insert().values(
                        email="stray@example.com", password_hash="-", display_name="Stray", industry="it"
                    )
                )
            db.engine.dispose()
            # Inside the target's context: the CLI runs in whichever app context is current.
            result = target.test_cli_runner().invoke(args=["restore", str(path), "--yes"])
            assert result.exit_code == 0, result.output
            with db.engine.connect() as connection:
                restored_users = set(connection.scalars(sa.select(USERS.c.id)))
                restored_contacts = set(connection.scalars(sa.select(CONTACTS.c.user_id)))
                stray = connection.scalar(sa.select(sa.func.count()).where(USERS.c.email == "stray@example.com"))
            db.engine.dispose()
    assert restored_users == backed_up["users"]
    assert restored_contacts == backed_up["contact_details"]
    assert stray == 0


def one_line_error(result) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    return lines[0]


def test_restore_refuses_without_yes_and_says_what_it_would_do(app, user, tmp_path):
    path = tmp_path / "meetup.backup"
    path.write_bytes(b"anything")
    line = one_line_error(app.test_cli_runner().invoke(args=["restore", str(path)]))
    assert "replaces every table" in line and str(path) in line and "--yes" in line
    assert db.session.get(User, user.id) is not None


def test_restore_of_a_missing_file_fails_in_one_line(app, tmp_path):
    line = one_line_error(app.test_cli_runner().invoke(args=["restore", str(tmp_path / "nope.backup"), "--yes"]))
    assert "There is no backup file" in line


def test_restore_of_a_file_that_is_no_backup_fails_and_changes_nothing(app, user, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a backup at all\n" * 200)
    line = one_line_error(app.test_cli_runner().invoke(args=["restore", str(path), "--yes"]))
    assert "is not a" in line
    assert db.session.get(User, user.id) is not None


def test_backup_into_a_missing_folder_fails_in_one_line(app, tmp_path):
    line = one_line_error(app.test_cli_runner().invoke(args=["backup", str(tmp_path / "no" / "such.backup")]))
    assert "does not exist" in line


@pytest.mark.parametrize(
    "unreachable_url",
    [
        "sqlite:////nonexistent-directory/meetup.sqlite3",
        pytest.param(
            "postgresql+psycopg://postgres@127.0.0.1:1/meetup",
            marks=pytest.mark.skipif(shutil.which("pg_dump") is None, reason="no pg_dump here"),
        ),
    ],
    ids=["sqlite", "postgresql"],
)
def test_backup_of_an_unreachable_database_fails_in_one_line(make_app, unreachable_url, tmp_path):
    app = make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": unreachable_url})
    path = tmp_path / "meetup.backup"
    with app.app_context():
        one_line_error(app.test_cli_runner().invoke(args=["backup", str(path)]))
    assert not path.exists() and not list(tmp_path.iterdir())  # no half-written file either


def test_backup_without_pg_dump_says_so(make_app, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no PostgreSQL tools on it
    app = make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1/meetup"})
    with app.app_context():
        line = one_line_error(app.test_cli_runner().invoke(args=["backup", str(tmp_path / "meetup.backup")]))
    assert "pg_dump is not installed" in line
