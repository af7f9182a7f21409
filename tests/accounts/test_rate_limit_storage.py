"""Rate-limit counters live in Redis when RATELIMIT_STORAGE_URI says so, so
several app servers share them."""

import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from tests import clock

REDIS_URL = os.environ.get("MEETUP_TEST_REDIS_URL")
ROOT = Path(__file__).resolve().parents[2]

# Two separate app processes stand for two app servers behind a proxy, on the test's clock.
SERVER = textwrap.dedent("""
    import json, sys
    from tests.clock import follow_parent_clock
    follow_parent_clock()
    from meetup import create_app
    from meetup.extensions import db
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "RATELIMIT_STORAGE_URI": sys.argv[1], "LOGIN_LIMIT_PER_ACCOUNT": "2 per 15 minutes"})
    with app.app_context():
        db.create_all()
    client = app.test_client()
    codes = [client.post("/login", data={"email": sys.argv[2], "password": "wrong password"}).status_code
             for _ in range(int(sys.argv[3]))]
    print(json.dumps(codes))
""")


def run_server(email: str, attempts: int) -> list[int]:
    result = subprocess.run([sys.executable, "-c", SERVER, REDIS_URL, email, str(attempts)], cwd=ROOT,
                            env=clock.environment({**os.environ, "PYTHONPATH": str(ROOT)}),
                            capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not REDIS_URL, reason="set MEETUP_TEST_REDIS_URL (CI does) to test Redis-backed limits")
def test_failed_logins_are_counted_across_app_servers_in_redis():
    email = f"redis-{uuid.uuid4().hex}@example.com"
    assert run_server(email, 1) == [200]
    assert run_server(email, 2) == [200, 429]
