"""Test-only entry point for the control runs: the production app with the
event lock switched off (``meetup.database.ROW_LOCKS_ENABLED``), to prove
the concurrency tests would see overbooking without it. Never deploy this."""

import meetup.database
from tests.concurrency.travelled_wsgi import app  # noqa: F401  (what gunicorn serves)

meetup.database.ROW_LOCKS_ENABLED = False
