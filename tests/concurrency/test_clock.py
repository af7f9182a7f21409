"""The server a test starts runs on that test's clock, not the wall clock's:
what the test wrote as "now" is "now" for the workers too."""

import http.client
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime


def test_the_server_keeps_the_tests_time(gunicorn):
    connection = http.client.HTTPConnection(gunicorn.host, gunicorn.port, timeout=10)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    served = parsedate_to_datetime(response.headers["Date"])
    assert abs(served - datetime.now(UTC)) < timedelta(seconds=3), (served, datetime.now(UTC))
