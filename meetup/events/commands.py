"""Event commands: ``flask --app meetup send-reminders``."""

import click
from flask import Flask

from meetup.timeutil import utcnow


def register(app: Flask) -> None:
    @app.cli.command("send-reminders")
    def send_reminders_command():
        """Queue the day-before reminder for events starting within 24 hours
        (each attendee once; run it hourly, then send-mail delivers)."""
        from meetup.events.services.reminders import queue_reminders

        queued = queue_reminders(now=utcnow())
        click.echo(f"Queued {queued} reminder(s).")
