"""Consistent online backups and restores of the app's database.

SQLite: the sqlite3 backup API copies the file in one step inside a read
transaction, so the copy is one snapshot even while the app writes (WAL lets
the writers go on). PostgreSQL: ``pg_dump`` (custom format) reads in one
repeatable-read transaction; ``pg_restore --clean --if-exists`` puts it back in
a single transaction. Every failure is a ``BackupError`` with one line a
person can act on.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL


class BackupError(Exception):
    """A backup or restore could not be done; nothing was replaced."""


def describe(url: URL) -> str:
    """The database as an operator knows it, without the password."""
    if url.get_backend_name() == "sqlite":
        return f"the SQLite database {url.database}"
    return f"the PostgreSQL database {url.database!r} on {url.host or 'localhost'}:{url.port or 5432}"


def backup(url: URL, target: Path) -> None:
    """Write a consistent copy of the database at ``url`` to ``target``
    (replaced atomically, so a failed backup never leaves half a file)."""
    target = Path(target)
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    partial = target.with_name(target.name + ".partial")
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_path(url), partial)
        elif url.get_backend_name() == "postgresql":
            _run_pg("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"], url)
        else:
            raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def check_backup_file(url: URL, source: Path) -> None:
    """Refuse early, before anything is touched, a file that is no backup for this kind of database."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup file {source}.")
    if url.get_backend_name() == "sqlite":
        try:
            with _closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup_db:
                _check_sqlite_backup(backup_db, source)
        except sqlite3.Error as error:
            raise BackupError(f"Could not read {source}: {error}.") from None
    elif url.get_backend_name() == "postgresql":
        _check_pg_archive(source)
    else:
        raise BackupError(f"Restores into {url.get_backend_name()} databases are not supported.")


def restore(url: URL, source: Path) -> None:
    """Replace every table of the database at ``url`` with the backup in ``source``."""
    check_backup_file(url, source)
    if url.get_backend_name() == "sqlite":
        _sqlite_restore(Path(source), _sqlite_path(url))
    else:
        _run_pg(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                str(source),
            ],
            url,
        )


# --- SQLite -----------------------------------------------------------------


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database has nothing to back up or restore.")
    return Path(url.database)


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        # sqlite3.connect would quietly create an empty database here.
        raise BackupError(f"The database file {source} does not exist.")
    try:
        with _closing(sqlite3.connect(source)) as live, _closing(sqlite3.connect(target)) as copy:
            live.execute("PRAGMA busy_timeout = 15000")
            live.backup(copy)  # pages=-1: one step, one snapshot
            # A single self-contained file: no -wal or -shm beside it.
            copy.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as error:
        raise BackupError(f"Could not back up {source}: {error}.") from None


def _sqlite_restore(source: Path, target: Path) -> None:
    try:
        with _closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup_db:
            with _closing(sqlite3.connect(target)) as live:
                live.execute("PRAGMA busy_timeout = 15000")
                # The backup API writes into the live file under its write
                # lock, so connections open elsewhere see the old or the new
                # database, never a mixture.
                backup_db.backup(live)
                live.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError as error:
        raise BackupError(f"Could not restore from {source}: {error}.") from None


def _check_sqlite_backup(connection: sqlite3.Connection, source: Path) -> None:
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        raise BackupError(f"{source} is not a SQLite database backup.") from None
    if "alembic_version" not in tables:
        raise BackupError(f"{source} is a SQLite database but not a backup of this app (no alembic_version table).")


class _closing:
    """sqlite3's own context manager commits but does not close."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        return self.connection

    def __exit__(self, *exc):
        self.connection.close()


# --- PostgreSQL -------------------------------------------------------------


def _check_pg_archive(source: Path) -> None:
    # Custom-format archives start with "PGDMP"; pg_restore would say so less kindly.
    with open(source, "rb") as file:
        if file.read(5) != b"PGDMP":
            raise BackupError(f"{source} is not a pg_dump custom-format backup.")


def _run_pg(program: str, arguments: list[str], url: URL) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not installed; install the PostgreSQL client tools "
            f"(Debian: apt-get install postgresql-client) matching the server's version."
        )
    # The password goes through the environment, never the command line (ps shows that).
    env = dict(os.environ, PGCONNECT_TIMEOUT=os.environ.get("PGCONNECT_TIMEOUT", "10"))
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    result = subprocess.run(
        [executable, f"--dbname={dsn}", *arguments], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {_first_error(result.stderr)}")


def _first_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "error" in line.lower() or "fatal" in line.lower():
            return line
    return lines[0] if lines else "no message"
