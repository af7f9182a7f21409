"""Test-only entry point for the control runs: the production app with its
locks switched off (``meetup.database.ROW_LOCKS_ENABLED``: no FOR UPDATE on
PostgreSQL, no BEGIN IMMEDIATE on SQLite), to prove the concurrency tests
would see overbooking or failures without them. Never deploy this."""

import meetup.database
from tests.concurrency.travelled_wsgi import app  # noqa: F401  (what gunicorn serves)

meetup.database.ROW_LOCKS_ENABLED = False
