"""The front page and the health check."""

from flask import Blueprint, current_app, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from meetup.extensions import db, limiter

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return render_template("main/index.html")


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
