"""The front page, the landing after log-in, and the health check."""

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from meetup.events.queries.listings import hosts_events
from meetup.extensions import db, limiter

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return render_template("main/index.html")


@bp.get("/home")
@login_required
def home():
    """Where a person lands after log-in: someone who hosts events on their
    hosted events, everyone else on the events they registered for."""
    if hosts_events(current_user.id):
        return redirect(url_for("events.hosting"))
    return redirect(url_for("events.mine"))


@bp.get("/healthz")
@limiter.exempt  # load balancers poll it often; a pause would take a healthy server out
def healthz():
    """200 when the database answers, 503 when it does not: one cheap round trip,
    no log-in, nothing rendered, so a proxy can poll it every few seconds."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        current_app.logger.warning("Health check: the database does not answer: %s", error.__class__.__name__)
        return {"status": "unavailable", "database": "unreachable"}, 503, {"Cache-Control": "no-store"}
    return {"status": "ok"}, 200, {"Cache-Control": "no-store"}
