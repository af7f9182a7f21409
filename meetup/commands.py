"""Command-line entry points: ``flask --app meetup <command>``."""

import click
from flask import Flask

from meetup.errors import DomainError


def register(app: Flask) -> None:
    from meetup.events.commands import register as register_event_commands
    from meetup.matching.commands import register as register_matching_commands
    from meetup.ops.commands import register as register_ops_commands

    register_event_commands(app)
    register_matching_commands(app)
    register_ops_commands(app)

    @app.cli.command("demo")
    def demo_command():
        """Load demo data (idempotent) and print the demo log-ins."""
        from meetup.demo import DEMO_PASSWORD, load_demo

        logins = load_demo()
        click.echo(f"Demo data ready. Every demo account's password is: {DEMO_PASSWORD}")
        for role, email, name in logins:
            click.echo(f"  {role:<7} {email:<32} {name}")

    @app.cli.command("send-mail")
    @click.option("--every", type=click.IntRange(min=1), default=None,
                  help="Keep running, sending every SECONDS (for a worker service).")
    def send_mail_command(every):
        """Send pending mail from the outbox through SMTP."""
        import time

        from meetup.mail.sender import send_pending

        while True:
            sent, failed = send_pending()
            if sent or failed or every is None:
                click.echo(f"Sent {sent} message(s); {failed} failed and will be retried.")
            if every is None:
                return
            time.sleep(every)

    @app.cli.command("make-admin")
    @click.argument("email")
    def make_admin_command(email):
        """Make the account with EMAIL a site admin."""
        from meetup.accounts.services import make_admin

        try:
            user = make_admin(email)
        except DomainError as error:
            raise click.ClickException(str(error.message)) from None
        click.echo(f"{user.email} is now a site admin.")
