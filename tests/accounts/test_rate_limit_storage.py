"""Rate-limit counters live in Redis when RATELIMIT_STORAGE_URI says so, so
several app servers share them: the log-in limits hold across workers, and
still never lock an owner out of their account or a venue out as a whole."""

import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from tests import clock
from tests.conftest import PASSWORD

REDIS_URL = os.environ.get("MEETUP_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="set MEETUP_TEST_REDIS_URL (CI does) to test Redis-backed limits")
ROOT = Path(__file__).resolve().parents[2]

MAX_DELAY = 1  # seconds: short, so an owner's wait fits in a test

# Two app processes stand for two app servers behind a proxy, on the test's
# clock. Each has its own database, where every test's owner has an account;
# only Redis is shared. A job sets the limits and runs steps [email, password,
# address, times, patient]: a patient person who is asked to wait a moment
# waits that long and tries again (twice at most). It answers [status,
# Retry-After] for each try.
SERVER = textwrap.dedent("""
    import json, sys, time
    from tests.clock import follow_parent_clock
    follow_parent_clock()
    from meetup import create_app
    from meetup.accounts.services import credentials, signups
    from meetup.extensions import db
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "RATELIMIT_STORAGE_URI": sys.argv[1]})
    defaults = dict(app.config)
    with app.app_context():
        db.create_all()
    for line in sys.stdin:
        job = json.loads(line)
        client = app.test_client()  # a new browser
        app.config.update(defaults)
        app.config.update(job["config"])
        with app.app_context():
            if credentials.find_by_email(job["owner"]) is None:
                signups.sign_up(email=job["owner"], password=job["password"], display_name="Owner", industry="it")
        answers = []
        for email, given, address, times, patient in job["steps"]:
            for _ in range(times):
                for _ in range(3 if patient else 1):
                    response = client.post("/login", data={"email": email, "password": given},
                                           environ_base={"REMOTE_ADDR": address})
                    wait = response.headers.get("Retry-After")
                    answers.append([response.status_code, wait and int(wait)])
                    if response.status_code != 429 or not patient:
                        break
                    time.sleep(int(wait) + 0.2)
        print(json.dumps(answers), flush=True)
""")


class Server:
    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, REDIS_URL],
            cwd=ROOT,
            env=clock.environment({**os.environ, "PYTHONPATH": str(ROOT)}),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, owner: str, steps: list, **config) -> list[list]:
        """Run ``steps`` on this server under ``config``; each answer is [status, Retry-After]."""
        job = {
            "owner": owner,
            "password": PASSWORD,
            "steps": steps,
            "config": {"LOGIN_DELAY_MAX_SECONDS": MAX_DELAY, **config},
        }
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer, "the app server stopped (its error is above)"
        return json.loads(answer)

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.process.stdout.close()


@pytest.fixture(scope="module")
def servers():
    started = [Server(), Server()]  # they start side by side
    yield started
    for server in started:
        server.stop()


def new_address() -> str:
    """An address no earlier run has counted against (Redis keeps counts between runs)."""
    return "10." + ".".join(str(b) for b in uuid.uuid4().bytes[:3])


def new_email(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex}@example.com"


def statuses(answers) -> list[int]:
    return [status for status, _ in answers]


def test_failures_on_one_account_from_one_address_are_counted_across_app_servers(servers):
    one, two = servers
    owner, address = new_email("owner"), new_address()
    limits = {"LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS": "2 per 15 minutes"}
    assert statuses(one.run(owner, [[owner, "wrong password", address, 1, False]], **limits)) == [200]
    answers = two.run(owner, [[owner, "wrong password", address, 2, False]], **limits)
    assert statuses(answers) == [200, 429]
    assert answers[-1][1] > 60  # that address waits for the window


def test_an_attacker_on_one_server_slows_guessing_everywhere_but_the_owner_gets_in_elsewhere(servers):
    one, two = servers
    owner, free = new_email("owner"), 5
    limits = {"LOGIN_FAILURES_BEFORE_DELAY": free}
    # The free failures, from one address on one server …
    assert statuses(one.run(owner, [[owner, "wrong password", new_address(), free, False]], **limits)) == [200] * free
    # … count on the other server too: from yet another address, one more
    # guess, then the account asks for a pause.
    answers = two.run(
        owner, [[owner, "wrong password", new_address(), 3, False], [owner, PASSWORD, new_address(), 1, True]], **limits
    )
    guesses, owner_tries = answers[:3], answers[3:]
    assert statuses(guesses) == [200, 429, 429]
    assert all(0 < wait <= MAX_DELAY for _, wait in guesses[1:])
    # The owner, from their own address, waits a moment at most, then is in.
    assert statuses(owner_tries)[-1] == 302
    assert all(wait <= MAX_DELAY for status, wait in owner_tries if status == 429)


def test_a_venue_behind_one_address_is_not_paused_as_a_whole_across_app_servers(servers):
    one, two = servers
    owner, venue = new_email("owner"), new_address()
    # Thirty guests on one server mistype their passwords twice each …
    guests = [[new_email("guest"), "wrong password", venue, 2, False] for _ in range(30)]
    assert statuses(one.run(owner, guests)) == [200] * 60
    # … and another person at the same venue logs in on the other server.
    assert statuses(two.run(owner, [[owner, PASSWORD, venue, 1, False]])) == [302]


def test_one_address_trying_many_accounts_is_stopped_across_app_servers(servers):
    one, two = servers
    owner, address = new_email("owner"), new_address()
    limits = {"LOGIN_LIMIT_PER_ADDRESS": "20 per 15 minutes"}
    sprayed = [[new_email("guess"), "wrong password", address, 1, False] for _ in range(12)]
    assert statuses(one.run(owner, sprayed, **limits)) == [200] * 12
    assert statuses(two.run(owner, sprayed[:9], **limits)) == [200] * 8 + [429]
