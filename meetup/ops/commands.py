"""Operator commands: ``flask --app meetup backup PATH`` and ``restore PATH --yes``."""

from pathlib import Path

import click
from flask import Flask

from meetup.extensions import db


class FilePath(click.Path):
    """click.Path, but a NUL in the name is one error line, not a ValueError traceback."""

    def convert(self, value, param, ctx):
        if "\x00" in str(value):
            self.fail("a file name cannot contain a NUL character.", param, ctx)
        return super().convert(value, param, ctx)


def register(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("path", type=FilePath(dir_okay=False, path_type=Path))
    def backup_command(path):
        """Write a consistent copy of the database to PATH while the app keeps
        running (SQLite: a database file; PostgreSQL: a pg_dump custom archive)."""
        from meetup.ops.backup import BackupError, backup, describe

        url = db.engine.url
        if not path.name or path.name in (".", ".."):
            raise click.ClickException(f"Give the name of the file to write, not {str(path)!r}.")
        try:
            backup(url, path)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        except (OSError, ValueError) as error:  # a name too long, or with a NUL in it
            raise click.ClickException(f"Cannot write {str(path)!r}: {error}") from None
        click.echo(f"Backed up {describe(url)} to {path} ({path.stat().st_size:,} bytes).")

    @app.cli.command("restore")
    @click.argument("path", type=FilePath(dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Really replace the database (required).")
    def restore_command(path, yes):
        """Replace the whole database with the backup in PATH. Stop the app
        servers and the workers first; run `flask db upgrade` afterwards."""
        from meetup.ops.backup import BackupError, check_backup_file, describe, restore

        url = db.engine.url
        if not yes:
            raise click.ClickException(
                f"This replaces every table of {describe(url)} with the backup in {path}; "
                f"rows written since that backup are lost. Run again with --yes to do it."
            )
        try:
            check_backup_file(url, path)
            db.engine.dispose()  # hand back our own connections before the tables are replaced
            restore(url, path)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        except (OSError, ValueError) as error:  # a name too long, or with a NUL in it
            raise click.ClickException(f"Cannot read {str(path)!r}: {error}") from None
        click.echo(
            f"Restored {describe(url)} from {path}. Run `flask --app meetup db upgrade` "
            f"if this code is newer than the backup."
        )
