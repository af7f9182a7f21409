"""Test-only entry point: the production app (``wsgi:app``) on the clock of
the test that started the server (tests/clock.py). gunicorn imports it in
its master before forking (``preload_app``), so every worker, new or
recycled, runs on that clock too. Never deploy this."""

from tests.clock import follow_parent_clock

follow_parent_clock()

from wsgi import app  # noqa: E402,F401  (what gunicorn serves)
