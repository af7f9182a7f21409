"""Meet-again command: ``flask --app meetup reveal-matches`` (run it from cron)."""

import click
from flask import Flask

from meetup.timeutil import utcnow


def register(app: Flask) -> None:
    @app.cli.command("reveal-matches")
    @click.option(
        "--now",
        "at",
        type=click.DateTime(),
        default=None,
        hidden=True,
        help="Reveal as if it were this UTC time (tests and rehearsals).",
    )
    def reveal_matches_command(at):
        """Reveal the matches of every event whose meet-again window has closed
        (idempotent: run it every few minutes; send-mail then delivers the news)."""
        from meetup.matching.services.reveal import reveal_due

        if at is not None and not 1900 <= at.year <= 2999:
            raise click.BadParameter("give a time between the years 1900 and 2999.", param_hint="'--now'")
        made = reveal_due(now=at or utcnow())
        click.echo(f"Revealed {made} new match(es).")
