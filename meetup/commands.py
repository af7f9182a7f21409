"""Command-line entry points: ``flask --app meetup <command>``."""

import functools

import click
import sqlalchemy as sa
from flask import Flask

from meetup.errors import DomainError

NO_TABLES = "The database has no tables yet: run `flask --app meetup db upgrade` first."

# Commands that work on any database, with their own one-line errors: a
# backup copies whatever is there, a restore fills an empty database.
WITHOUT_TABLES = {"backup", "restore"}


def register(app: Flask) -> None:
    others = set(app.cli.commands)  # flask-migrate's `db` among them: it must run on an empty database
    _register_all(app)
    for name, command in app.cli.commands.items():
        if name not in others | WITHOUT_TABLES:
            command.callback = _needs_tables(app, command.callback)


def _needs_tables(app: Flask, callback):
    """Say so in one line, instead of a SQLAlchemy traceback, when the
    database has not been migrated yet."""

    @functools.wraps(callback)
    def checked(*args, **kwargs):
        from meetup.extensions import db

        try:
            with app.app_context():  # through the session, whose transaction ends with the context
                migrated = sa.inspect(db.session.connection()).has_table("alembic_version")
        except sa.exc.OperationalError as error:
            raise click.ClickException(f"Cannot reach the database: {error.orig or error}".splitlines()[0]) from None
        if not migrated:
            raise click.ClickException(NO_TABLES)
        return callback(*args, **kwargs)

    return checked


def _one_line_of_text(ctx, param, value: str) -> str:
    from meetup.forms import has_control_characters

    if has_control_characters(value):  # PostgreSQL refuses a NUL outright
        raise click.BadParameter("it contains control characters.", ctx=ctx, param=param)
    return value


def _register_all(app: Flask) -> None:
    from meetup.ops.commands import register as register_ops_commands

    register_ops_commands(app)

    @app.cli.command("demo")
    def demo_command():
        """Load demo data (idempotent) and print the demo log-ins."""
        from meetup.demo import DEMO_PASSWORD, load_demo

        logins = load_demo()
        click.echo(f"Demo data ready. Every demo account's password is: {DEMO_PASSWORD}")
        for role, email, name in logins:
            click.echo(f"  {role:<7} {email:<32} {name}")

    @app.cli.command("worker")
    @click.option(
        "--interval",
        type=click.IntRange(min=1, max=60 * 60),
        default=5,
        show_default=True,
        help="Seconds between ticks (at most an hour).",
    )
    @click.option("--once", is_flag=True, help="Run every due job and send the mail once, then exit (cron, tests).")
    def worker_command(interval, once):
        """Run every due job (reminders, the meet-again reveal…) and send
        pending mail, every few seconds, until stopped (SIGTERM or Ctrl-C)."""
        import signal
        import threading

        from meetup.jobs import JOBS, Worker

        stop = threading.Event()

        def stopping(signum, frame):
            stop.set()  # what is held is finished; nothing new begins

        previous = {signum: signal.signal(signum, stopping) for signum in (signal.SIGTERM, signal.SIGINT)}
        try:
            worker = Worker(stopping=stop.is_set)
            if not once:
                names = ", ".join(job.name for job in JOBS)
                click.echo(f"Worker running every {interval} s: {names}, then mail (Ctrl-C to stop).")
            while not stop.is_set():
                tick = worker.tick()
                for job, key, count in tick.done:
                    click.echo(f"{job} for event {key}: {count} done.")
                if any(tick.delivery) or once:
                    delivery = tick.delivery
                    click.echo(
                        f"Sent {delivery.sent} message(s); {delivery.retried} failed and will be retried; "
                        f"{delivery.set_aside} set aside (see the log)."
                    )
                if once:
                    if tick.database_away or tick.failed:
                        raise click.ClickException("Some work failed (see the log); the next run tries it again.")
                    return
                stop.wait(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        click.echo("Worker stopped.")

    @app.cli.command("make-admin")
    @click.argument("email", callback=_one_line_of_text)
    def make_admin_command(email):
        """Make the account with EMAIL a site admin."""
        from meetup.accounts.services.settings import make_admin

        try:
            user = make_admin(email)
        except DomainError as error:
            raise click.ClickException(str(error.message)) from None
        click.echo(f"{user.email} is now a site admin.")
