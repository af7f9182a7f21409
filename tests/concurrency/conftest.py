"""A real gunicorn with four workers on the test database, and browsers to
drive it: the app as production runs it, hit by many people at once.

The server runs ``deploy/gunicorn.conf.py`` with ``wsgi:app`` under
``MEETUP_ENV=production`` against the suite's database (PostgreSQL when
MEETUP_TEST_DATABASE_URL is set, else the suite's SQLite file), so every
request is a separate process's transaction, exactly as in production. Test
data is committed through ``committing_app`` (the workers must see it) and
deleted after each test. Each test starts its own server, and the server and
the commands a test starts run on that test's clock (tests/clock.py).
"""

import contextlib
import html
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from werkzeug.security import generate_password_hash

from meetup.accounts.models import User
from meetup.extensions import db
from tests import clock
from tests.conftest import CSRF_RE, PASSWORD, end_own_transaction

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
START_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, **extra) -> dict[str, str]:
    """The environment deploy/meetup.env.example describes, pointed at the test
    database, and the test's clock."""
    env = clock.environment(
        {key: value for key, value in os.environ.items() if not key.startswith(("MAIL_", "GUNICORN_"))}
    )
    env.update(
        MEETUP_ENV="production",
        SECRET_KEY="concurrency-tests-" + "x" * 40,
        DATABASE_URL=database_url,
        RATELIMIT_STORAGE_URI="memory://",
        BASE_URL="https://meetup.example",
        GROUPING_TIME_LIMIT="0.5",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


class Gunicorn:
    """``gunicorn -c deploy/gunicorn.conf.py`` in its own process group, logging to a file."""

    def __init__(self, database_url: str, log_path: Path, app: str = "tests.concurrency.travelled_wsgi:app"):
        self.host, self.port = "127.0.0.1", free_port()
        self.log_path = log_path
        env = server_environment(database_url, GUNICORN_BIND=f"{self.host}:{self.port}", GUNICORN_WORKERS=str(WORKERS))
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), app],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_healthy()

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start-up:\n{self.log()}")
            connection = http.client.HTTPConnection(self.host, self.port, timeout=5)
            try:
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    return
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz within {START_TIMEOUT}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_mark(self) -> int:
        return self.log_path.stat().st_size

    def tracebacks_since(self, mark: int) -> str:
        """What the workers logged as unhandled since ``mark`` ('' if nothing)."""
        with open(self.log_path, "rb") as log:
            log.seek(mark)
            text = log.read().decode(errors="replace")
        return text if ("Traceback" in text or "[CRITICAL]" in text or "WORKER TIMEOUT" in text) else ""

    def stop(self) -> None:
        """Quick shutdown of the master and its workers; SIGKILL to the group if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):  # workers left behind by a killed master
            os.killpg(self.process.pid, signal.SIGKILL)


def start_gunicorn(base_app, database_url, tmp_path_factory, app="tests.concurrency.travelled_wsgi:app"):
    # base_app has already migrated the database; the server only uses it.
    with base_app.app_context():
        db.engine.dispose()  # no pooled SQLite handle of ours is held across the server's life
    return Gunicorn(database_url, tmp_path_factory.mktemp("gunicorn") / "server.log", app=app)


@pytest.fixture
def gunicorn(base_app, database_url, tmp_path_factory):
    """A production-like gunicorn (4 workers) for one test, on its clock
    (a server kept across tests would run ahead of every test but the first)."""
    server = start_gunicorn(base_app, database_url, tmp_path_factory)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def unlocked_gunicorn(base_app, database_url, tmp_path_factory):
    """For control runs: the same server with the locks off (tests/concurrency/unlocked_wsgi.py)."""
    server = start_gunicorn(base_app, database_url, tmp_path_factory, app="tests.concurrency.unlocked_wsgi:app")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def no_server_errors(gunicorn):
    """Fails the test if any worker logged a traceback while it ran."""
    mark = gunicorn.log_mark()
    yield
    problems = gunicorn.tracebacks_since(mark)
    assert not problems, f"the server logged errors:\n{problems}"


FLASH_RE = re.compile(r'<p class="flash (\w+)"[^>]*>(.*?)</p>', re.S)


class Page:
    def __init__(self, status: int, text: str, statuses: list[int]):
        self.status = status
        self.text = text
        self.statuses = statuses  # every response on the way, redirects included

    @property
    def flashes(self) -> list[tuple[str, str]]:
        return [(category, html.unescape(message).strip()) for category, message in FLASH_RE.findall(self.text)]

    def csrf_token(self) -> str:
        match = CSRF_RE.search(self.text)
        assert match, "no CSRF token on the page"
        return match.group(1)


class Browser:
    """One browser tab: its own cookie jar and connection, following redirects
    as a browser does. Production cookies are ``Secure``; here the jar sends
    them over the loopback as a browser would over the TLS nginx ends."""

    def __init__(self, server: Gunicorn, accept_language: str = "en"):
        self.server = server
        self.cookies: dict[str, str] = {}
        self.accept_language = accept_language
        self.statuses: list[int] = []  # every status this tab ever saw

    def _send(self, method: str, path: str, data=None) -> tuple[int, str, str | None]:
        end_own_transaction()
        headers = {"Accept-Language": self.accept_language}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.server.host, self.server.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                self._keep(header)
            self.statuses.append(response.status)
            return response.status, text, response.headers.get("Location")
        finally:
            connection.close()

    def _keep(self, header: str) -> None:
        for name, morsel in SimpleCookie(header).items():
            if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def open(self, method: str, path: str, data=None) -> Page:
        seen = []
        status, text, location = self._send(method, path, data)
        seen.append(status)
        for _hop in range(5):
            if status not in (301, 302, 303) or not location:
                break
            status, text, location = self._send("GET", location)
            seen.append(status)
        return Page(status, text, seen)

    def get(self, path: str) -> Page:
        return self.open("GET", path)

    def post(self, path: str, data: dict) -> Page:
        return self.open("POST", path, data)

    def login(self, email: str) -> None:
        token = self.get("/login").csrf_token()
        page = self.post("/login", {"email": email, "password": PASSWORD, "csrf_token": token})
        assert page.statuses[0] == 302, f"log-in as {email} failed: {page.flashes}"

    def server_errors(self) -> list[int]:
        return [status for status in self.statuses if status >= 500]


def logged_in(server: Gunicorn, email: str, accept_language: str = "en") -> Browser:
    tab = Browser(server, accept_language)
    tab.login(email)
    return tab


def at_once(jobs, timeout: float = 120) -> list:
    """Run every job in its own thread, all released by one barrier; their
    results in job order. A job that raises fails the test."""
    end_own_transaction()
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list = []

    def work(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # re-raised below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a request never came back"
    if errors:
        raise errors[0]
    return results


_PASSWORD_HASH = []


def add_people(prefix: str, count: int, **fields) -> list[User]:
    """``count`` committed accounts (password PASSWORD), with varied industries."""
    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(generate_password_hash(PASSWORD, method="scrypt:1024:8:1"))
    industries = ["tax-accountant", "lawyer", "design", "it", "education", "restaurant"]
    users = [
        User(
            email=f"{prefix}{n}@example.com",
            password_hash=_PASSWORD_HASH[0],
            display_name=f"{prefix} {n}",
            industry=industries[n % len(industries)],
            **{"email_confirmed_at": clock.NOW, **fields},
        )
        for n in range(count)
    ]
    db.session.add_all(users)
    db.session.commit()
    return users


_DONE_RE = re.compile(r"^(\S+) for event \d+: (\d+) done\.$", re.M)


def jobs_done(output: str, job: str) -> int:
    """How many things the worker's output says ``job`` did, over all its keys."""
    return sum(int(count) for name, count in _DONE_RE.findall(output) if name == job)


# The slow part of starting the CLI (imports) happens before the gate: each
# process says it is ready, then waits for the "go" file, so processes held
# at one gate run the command itself at the same instant.
_GATED_CLI = """
import os, sys, time
from tests.clock import follow_parent_clock
follow_parent_clock()
import meetup.app, meetup.jobs
from flask.cli import main
gate = sys.argv[1]
open(os.path.join(gate, f"ready-{os.getpid()}"), "w").close()
while not os.path.exists(os.path.join(gate, "go")):
    time.sleep(0.002)
sys.argv = ["flask", "--app", "meetup", *sys.argv[2:]]
main()
"""


# The worker on the test's clock (tests/clock.py), with the locks on or, for
# a control run, off (like tests/concurrency/unlocked_wsgi.py).
_WORKER = """
import sys
from tests.clock import follow_parent_clock
follow_parent_clock()
import meetup.database
from flask.cli import main
meetup.database.ROW_LOCKS_ENABLED = {locked}
sys.argv = ["flask", "--app", "meetup", "worker", *{args!r}]
main()
"""


class WorkerProcess:
    """``flask --app meetup worker`` on the test database (production
    environment), sending to ``smtp_port``, its output in ``log_path``."""

    def __init__(
        self, database_url: str, log_path: Path, *, smtp_port: int, locked: bool = True, args=("--interval", "1")
    ):
        self.log_path = log_path
        command = [sys.executable, "-c", _WORKER.format(locked=locked, args=list(args))]
        env = server_environment(database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_port), PYTHONUNBUFFERED="1")
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def running(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, text: str, timeout: float = 60) -> None:
        """Until the worker has printed ``text`` (fails if it exits first)."""
        deadline = time.monotonic() + timeout
        while text not in self.log():
            assert self.running(), f"the worker exited:\n{self.log()}"
            assert time.monotonic() < deadline, f"the worker never said {text!r}:\n{self.log()}"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.running():
            self.process.terminate()
        self.process.wait(timeout=30)


class CommandGate:
    """``flask --app meetup ARGS`` processes as a deploy timer runs them
    (production environment, same database), held until ``release()``."""

    def __init__(self, directory: Path, database_url: str):
        self.directory, self.database_url = directory, database_url
        self.processes: list[subprocess.Popen] = []

    def start(self, *args: str, **environment: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-c", _GATED_CLI, str(self.directory), *args],
            cwd=ROOT,
            env=server_environment(self.database_url, **environment),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.processes.append(process)
        return process

    def wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(list(self.directory.glob("ready-*"))) < len(self.processes):
            assert all(p.poll() is None for p in self.processes), "a command exited before the gate opened"
            assert time.monotonic() < deadline, "the commands did not start in time"
            time.sleep(0.02)

    def release(self) -> None:
        end_own_transaction()
        (self.directory / "go").touch()

    def results(self, timeout: float = 90) -> list[tuple[int, str, str]]:
        """(exit status, stdout, stderr) of each command, in start order."""
        outputs = [p.communicate(timeout=timeout) for p in self.processes]
        return [(p.returncode, out, err) for p, (out, err) in zip(self.processes, outputs)]


@pytest.fixture
def command_gate(tmp_path, database_url):
    gate = CommandGate(tmp_path, database_url)
    yield gate
    for process in gate.processes:
        if process.poll() is None:
            process.kill()
            process.communicate()
