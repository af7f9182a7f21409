"""The rush (issue 14): a popular evening opens and everyone presses "Register"
at once. 1,000 people, already logged in, each with the registration form
open (its CSRF token fetched), all POST it for one 30-seat evening within a
few seconds, against gunicorn (deploy/gunicorn.conf.py) on PostgreSQL.

    .venv/bin/python benchmarks/rush.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/rush_bench \\
        [--people 1000 --seats 30 --spread 3] > rush-report.md

Target on a 2-core machine: exactly ``seats`` confirmed, the rest waitlisted
in queue order, no errors, p99 under 2 s and at least 30 registrations
settled per second. The report (markdown, on stdout) is what goes into
benchmarks/RUSH.md; progress goes to stderr.

The database named by --database-url is created by the script and dropped at
the end; it must not exist yet (or be one an interrupted run of this script
left behind, which it recognises by its comment). Traffic stays on 127.0.0.1
on a free port. Every request has a timeout and the whole run a time cap, so
the script stops by itself, and it stops its gunicorn and drops its database
whatever happens.

The server, the people and the log-ins are the concurrency tests' own
(tests/concurrency/conftest.py): ``Gunicorn`` starts ``gunicorn -c
deploy/gunicorn.conf.py`` with the production environment and four workers
(the config's own default on two cores: two per core), and each person logs
in through the real /login form in a ``Browser``. The timed part is one
asyncio loop in this process, the lightest client that can hold 1,000 people
at once: each person opens their own connection at their moment (spread
evenly over --spread seconds, whether or not earlier answers have come back)
and sends one raw HTTP/1.1 POST.
"""

import argparse
import asyncio
import math
import os
import platform
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.concurrency.conftest import Gunicorn, add_people, logged_in, server_environment  # noqa: E402
from tests.concurrency.test_registration import CONFIRMED_TEXT, registration_form  # noqa: E402
from tests.conftest import end_own_transaction  # noqa: E402

SCRATCH_COMMENT = "scratch database of benchmarks/rush.py"
REQUEST_TIMEOUT = 60.0  # seconds one person waits for their answer before it counts as an error
RUN_CAP = 20 * 60  # seconds for the whole script, set-up and clean-up included
LOG_IN_THREADS = 8
SAMPLE_EVERY = 0.1  # seconds between two looks at PostgreSQL's sessions during the rush
WAITLIST_RE = re.compile(r"waitlist, number (\d+)\.")


@dataclass
class Person:
    user_id: int
    cookie: str  # the Cookie header of their logged-in browser
    form: dict  # the registration form as they filled it in, CSRF token included


@dataclass
class Press:
    """One person's POST: when it left (seconds on the client's clock), when the answer
    was complete, and what came back (status 0: no answer, see ``error``)."""

    person: Person
    due: float  # when the person meant to press
    sent: float
    answered: float = math.nan
    status: int = 0
    session: str = ""  # the session cookie the answer set (it carries the flashed message)
    error: str = ""

    @property
    def seconds(self) -> float:
        return self.answered - self.sent


@dataclass
class Outcome:
    confirmed: int
    waitlisted: int
    errors: dict[str, int]
    order_problems: list[str] = field(default_factory=list)


# --- log-ins (before the clock starts) --------------------------------------


def log_in(server: Gunicorn, people: list[tuple[int, str]], event_id: int) -> list[Person]:
    """Each person (user id, email) logs in through /login in their own browser and
    opens the registration form, as they would before the evening opens."""

    def one(person: tuple[int, str]) -> Person:
        user_id, email = person
        tab = logged_in(server, email)
        form = registration_form(tab, event_id)
        return Person(user_id, "; ".join(f"{name}={value}" for name, value in tab.cookies.items()), form)

    end_own_transaction()  # the browsers' threads cannot end it, and on SQLite it would hold the write lock
    with ThreadPoolExecutor(LOG_IN_THREADS) as pool:
        return list(pool.map(one, people))


# --- the rush (timed) ---------------------------------------------------------


def rush(
    server: Gunicorn, event_id: int, people: list[Person], spread: float, timeout: float = REQUEST_TIMEOUT
) -> list[Press]:
    """Everyone presses "Register": person i at i/n of ``spread`` seconds, each on a new
    connection (one browser each); an answer is the POST's own (the redirect is not followed)."""
    end_own_transaction()
    return asyncio.run(_rush(server.host, server.port, event_id, people, spread, timeout))


async def _rush(host, port, event_id, people, spread, timeout) -> list[Press]:
    path = f"/events/{event_id}/register"
    start = time.perf_counter()
    gap = spread / max(1, len(people) - 1)
    presses = await asyncio.gather(
        *(_press(host, port, path, person, start + n * gap, timeout) for n, person in enumerate(people))
    )
    return list(presses)


async def _press(host, port, path, person: Person, at: float, timeout: float) -> Press:
    body = urlencode(person.form, doseq=True).encode()
    request = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {person.cookie}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nAccept-Language: en\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    press = Press(person, due=at, sent=time.perf_counter())
    try:
        answer = await asyncio.wait_for(_exchange(host, port, request), timeout)
    except (TimeoutError, OSError) as error:
        press.error = type(error).__name__
        return press
    press.answered = time.perf_counter()
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    press.status = int(head.split(" ", 2)[1])
    cookie = re.search(r"^set-cookie: session=([^;\r\n]+)", head, re.I | re.M)
    press.session = cookie.group(1) if cookie else ""
    return press


async def _exchange(host, port, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        return await reader.read()  # Connection: close: the answer ends when the server closes
    finally:
        writer.close()


# --- what happened -------------------------------------------------------------


def outcome(event_id: int, presses: list[Press]) -> Outcome:
    """Read the evening's registrations as committed and check them against what each
    person was told (the flashed message in the session cookie the answer set).

    Queue order is ``queue_number``: under the event's row lock each registration takes
    1 + the highest number so far, so it is the order in which the server settled them."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface
    from sqlalchemy import select

    from meetup.events.models import CONFIRMED, WAITLISTED, Registration
    from meetup.extensions import db

    db.session.rollback()  # what the workers committed, not an older snapshot
    rows = db.session.execute(
        select(Registration.id, Registration.user_id, Registration.status, Registration.queue_number)
        .where(Registration.event_id == event_id)
        .order_by(Registration.queue_number)
    ).all()
    errors: dict[str, int] = {}
    for press in presses:
        if press.error or press.status != 302:
            kind = press.error or f"HTTP {press.status}"
            errors[kind] = errors.get(kind, 0) + 1
    confirmed = [row for row in rows if row.status == CONFIRMED]
    waitlisted = [row for row in rows if row.status == WAITLISTED]
    problems = []

    # 1. One queue: numbers 1..n without gap or repeat, the seats going to its head.
    if [row.queue_number for row in rows] != list(range(1, len(rows) + 1)):
        problems.append("queue numbers are not 1..n without gaps or repeats")
    if rows[: len(confirmed)] != confirmed:
        problems.append("a waitlisted person is ahead of a confirmed one")
    # 2. The settling order seen by PostgreSQL: each row is inserted inside the event's lock,
    #    so its id (drawn from a sequence at the insert) must rise with its queue number.
    if [row.id for row in rows] != sorted(row.id for row in rows):
        problems.append("registration ids (insert order under the lock) do not follow queue numbers")
    # 3. What each person was told matches where they stand.
    app = Flask(__name__)
    app.secret_key = server_environment("")["SECRET_KEY"]  # the key Gunicorn's environment gives the server
    cookies = SecureCookieSessionInterface().get_signing_serializer(app)
    place = {row.user_id: n for n, row in enumerate(waitlisted, 1)}
    seated = {row.user_id for row in confirmed}
    told_wrong = 0
    for press in presses:
        if not press.session:
            continue
        told = " ".join(message for _category, message in cookies.loads(press.session).get("_flashes", []))
        number = WAITLIST_RE.search(told)
        expected = (
            (CONFIRMED_TEXT in told)
            if press.person.user_id in seated
            else (number is not None and int(number.group(1)) == place.get(press.person.user_id))
        )
        told_wrong += not expected
    if told_wrong:
        problems.append(f"{told_wrong} people were told something other than their place")
    # 4. First come, first served as anyone can see it: whoever pressed after another
    #    person's answer had arrived is behind that person in the queue.
    number_of = {row.user_id: row.queue_number for row in rows}
    answered = sorted((p for p in presses if p.status == 302), key=lambda p: p.answered)
    overtaken, highest, k = 0, 0, 0
    for press in sorted((p for p in presses if p.status == 302), key=lambda p: p.sent):
        while k < len(answered) and answered[k].answered < press.sent:
            highest = max(highest, number_of.get(answered[k].person.user_id, 0))
            k += 1
        overtaken += number_of.get(press.person.user_id, 0) < highest
    if overtaken:
        problems.append(f"{overtaken} people got a place ahead of someone whose answer came before they pressed")
    return Outcome(len(confirmed), len(waitlisted), errors, problems)


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p% of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# --- where the time goes ----------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _children(pid: int) -> list[int]:
    pids = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        pids += [int(child) for child in (task / "children").read_text().split()]
    return pids


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / _TICK, sum(values) / _TICK


class Watch:
    """CPU of the gunicorn workers, of this database's PostgreSQL sessions, of this
    client and of the whole machine over the rush, and what PostgreSQL's sessions of
    this database were doing, sampled every SAMPLE_EVERY seconds."""

    _SESSIONS = sa.text(
        "SELECT pid, state, wait_event_type FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )

    def __init__(self, server: Gunicorn, database_url: str):
        self.server = server
        self.engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
        self.samples: list[dict[str, int]] = []
        # CPU last seen of each session's process: the pool closes its overflow
        # connections when they come back, so some sessions end before the rush does.
        self.backends: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        with self.engine.connect() as connection:
            while not self._stop.wait(SAMPLE_EVERY):
                counts = {
                    "waiting for the event's lock": 0,
                    "running a statement": 0,
                    "in a transaction, between statements": 0,
                    "idle": 0,
                }
                for pid, state, wait in connection.execute(self._SESSIONS):
                    self.backends[pid] = max(self.backends.get(pid, 0.0), _cpu_seconds(pid))
                    if wait == "Lock":
                        counts["waiting for the event's lock"] += 1
                    elif state == "active":
                        counts["running a statement"] += 1
                    elif state and state.startswith("idle in transaction"):
                        counts["in a transaction, between statements"] += 1
                    else:
                        counts["idle"] += 1
                self.samples.append(counts)
                connection.rollback()

    def _snapshot(self) -> dict[str, float]:
        with self.engine.connect() as connection:
            for pid, *_ in connection.execute(self._SESSIONS):
                self.backends[pid] = max(self.backends.get(pid, 0.0), _cpu_seconds(pid))
        return {
            "workers": sum(_cpu_seconds(pid) for pid in _children(self.server.process.pid)),
            "backends": dict(self.backends),
            "client": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
            "machine": _machine_busy(),
        }

    def __enter__(self):
        self.before = self._snapshot()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)
        self.after = self._snapshot()
        self.engine.dispose()

    def cpu(self) -> dict[str, float]:
        """CPU seconds spent during the rush, by whom."""
        (busy0, total0), (busy1, total1) = self.before["machine"], self.after["machine"]
        backends = sum(cpu - self.before["backends"].get(pid, 0.0) for pid, cpu in self.after["backends"].items())
        spent = {
            "gunicorn workers": self.after["workers"] - self.before["workers"],
            "PostgreSQL (this database's sessions)": backends,
            "load generator (this process)": self.after["client"] - self.before["client"],
        }
        spent["everything else on the machine"] = max(0.0, busy1 - busy0 - sum(spent.values()))
        spent["idle"] = (total1 - total0) - (busy1 - busy0)
        return spent

    def sessions(self) -> dict[str, float]:
        """Mean number of this database's sessions in each state over the rush."""
        if not self.samples:
            return {}
        return {state: statistics.fmean(s[state] for s in self.samples) for state in self.samples[0]}


# --- the command -------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        required=True,
        help="a PostgreSQL database for the script to create and drop, e.g. "
        "postgresql+psycopg://postgres@127.0.0.1:5432/rush_bench",
    )
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--seats", type=int, default=30)
    parser.add_argument("--spread", type=float, default=3.0, help="seconds over which the presses are spread")
    args = parser.parse_args()
    url = make_url(args.database_url)
    if url.get_backend_name() != "postgresql" or not url.database:
        sys.exit("--database-url must name a PostgreSQL database")

    def out_of_time(*_):
        raise TimeoutError(f"the run took more than {RUN_CAP} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(RUN_CAP)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # one socket per person at once
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4 * args.people + 256)), hard))
    facts = {"load before": os.getloadavg()}
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    _create_scratch(admin, url.database)
    try:
        with tempfile.TemporaryDirectory() as work:
            report = _run(url.render_as_string(hide_password=False), args, Path(work))
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        admin.dispose()
        signal.alarm(0)
    facts["load after"] = os.getloadavg()
    print(_markdown(args, report, facts))


_STARTED = time.monotonic()


def _progress(message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:5.0f} s] {message}", file=sys.stderr)


def _create_scratch(admin: sa.Engine, name: str) -> None:
    with admin.connect() as connection:
        comment = connection.execute(
            sa.text("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :name"),
            {"name": name},
        ).first()
        if comment is not None:
            if comment[0] != SCRATCH_COMMENT:
                sys.exit(f"database {name} exists and was not made by this script: name a new one")
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')  # an interrupted run's
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        connection.exec_driver_sql(f"COMMENT ON DATABASE \"{name}\" IS '{SCRATCH_COMMENT}'")


def _run(url: str, args, work: Path) -> dict:
    from flask_migrate import upgrade

    from meetup import create_app
    from meetup.events.services import events as hosting
    from meetup.extensions import db
    from meetup.timeutil import utcnow
    from tests.events.helpers import event_details

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        now = utcnow()
        (host,) = add_people("host", 1)
        event = hosting.create_event(host, event_details(now, capacity=args.seats), now=now)
        hosting.publish_event(host, event.id, now=now)
        event_id = event.id
        users = [(user.id, user.email) for user in add_people("rush", args.people)]
        db.engine.dispose()  # the server's connections only, from here on
        _progress(f"{args.people} people and a {args.seats}-seat evening in {url.rsplit('/', 1)[1]}")
        server = Gunicorn(url, work / "server.log", app="wsgi:app")
        try:
            people = log_in(server, users, event_id)
            _progress("everyone logged in, the registration form open")
            mark = server.log_mark()
            with Watch(server, url) as watch:
                presses = rush(server, event_id, people, args.spread)
            _progress("rush over")
            tracebacks = server.tracebacks_since(mark)
        finally:
            server.stop()
        result = outcome(event_id, presses)
        db.session.remove()
        db.engine.dispose()
    return {
        "presses": presses,
        "outcome": result,
        "cpu": watch.cpu(),
        "sessions": watch.sessions(),
        "tracebacks": tracebacks,
    }


def _markdown(args, report: dict, facts: dict) -> str:
    presses, result = report["presses"], report["outcome"]
    answered = [p for p in presses if p.status]
    seconds = [p.seconds for p in answered]
    wall = max(p.answered for p in answered) - min(p.sent for p in presses)
    settled = sum(1 for p in presses if p.status == 302)
    rate = settled / wall
    p50, p95, p99 = (percentile(seconds, p) for p in (50, 95, 99))
    late = max(p.sent - p.due for p in presses)
    errors = sum(result.errors.values())

    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    cpu = report["cpu"]
    lines = [
        "# The rush: everyone registers at once",
        "",
        f"Generated by `benchmarks/rush.py` (issue 14) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"commit `{commit}`{' with uncommitted changes' if dirty else ''}.",
        "",
        f"- Machine: {os.cpu_count()} CPU(s) ({cpu_model}), Python {platform.python_version()}; gunicorn, "
        "PostgreSQL and the load generator share it. Load average (1, 5, 15 min) "
        f"{_load(facts['load before'])} before the run, {_load(facts['load after'])} after.",
        "- Server: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` (gthread, 4 workers × 16 threads, access log "
        "on), production config, on PostgreSQL, loopback.",
        f"- People: {args.people} accounts, each logged in through `/login` and holding the registration form "
        f"(CSRF token fetched) before the clock starts; one evening of {args.seats} seats.",
        f"- Load: one asyncio loop in one process; person i opens a new connection and POSTs at i/{args.people} "
        f"of {args.spread:g} s, without waiting for earlier answers (no press left more than "
        f"{late * 1000:.0f} ms after its time). Latency: from opening the connection to the end of the POST's "
        f"answer (the 302; the page it redirects to is not fetched). Timeout per request {REQUEST_TIMEOUT:.0f} s.",
        "",
        "Reproduce:",
        "",
        "```",
        f".venv/bin/python benchmarks/rush.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/rush_bench "
        f"--people {args.people} --seats {args.seats} --spread {args.spread:g}",
        "```",
        "",
        "| measure | figure | target | |",
        "|---|---:|---|---|",
        f"| confirmed | {result.confirmed} | exactly {args.seats} | {verdict(result.confirmed == args.seats)} |",
        f"| waitlisted | {result.waitlisted} | {args.people - args.seats}, in queue order | "
        f"{verdict(result.waitlisted == args.people - args.seats and not result.order_problems)} |",
        f"| errors | {errors}{_errors(result.errors)} | 0 | {verdict(errors == 0 and not report['tracebacks'])} |",
        f"| presses per second (people / spread) | {args.people / args.spread:.0f} | | |",
        f"| wall time, first press to last answer | {wall:.1f} s | | |",
        f"| registrations settled per second | {rate:.1f} | at least 30 | {verdict(rate >= 30)} |",
        f"| latency p50 / p95 / p99 | {p50:.2f} / {p95:.2f} / {p99:.2f} s | p99 under 2 s | {verdict(p99 < 2)} |",
        f"| latency min / max | {min(seconds):.2f} / {max(seconds):.2f} s | | |",
        "",
        "## Queue order",
        "",
        "The queue is the evening's registrations ordered by `queue_number`: under the event's row lock each "
        "registration takes 1 + the highest number so far, so the queue is the order in which the server "
        "settled them. The first seats in it are confirmed and the waitlist is the rest, in that order. Checked:",
        "",
        "1. the numbers run 1..n with no gap or repeat, and the confirmed are the head of the queue;",
        "2. the rows' ids (a PostgreSQL sequence, drawn when the row is inserted inside the lock) rise with "
        "the queue numbers: PostgreSQL saw the same order;",
        '3. every person was told their true place: "confirmed" for the head, "waitlist, number k" for the '
        "k-th waiting (read from the flashed message in the session cookie each answer set);",
        "4. nobody is ahead of someone whose answer had already arrived when they pressed: first come, "
        "first served as far as anyone can observe.",
        "",
        "Result: " + ("all four hold." if not result.order_problems else "; ".join(result.order_problems) + "."),
        "",
        "## Where the time goes",
        "",
        f"CPU seconds spent while the rush ran ({wall:.1f} s × {os.cpu_count()} cores = "
        f"{wall * os.cpu_count():.1f} s), by whom, from `/proc`:",
        "",
        "| who | CPU s | ms per registration |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {who} | {value:.1f} | {value / len(presses) * 1000:.1f} |" for who, value in cpu.items() if who != "idle"
    ]
    lines += [f"| idle | {cpu['idle']:.1f} | |"]
    lines += [
        "",
        f"What this database's PostgreSQL sessions were doing, mean over {SAMPLE_EVERY * 1000:.0f} ms "
        "samples of `pg_stat_activity` during the rush (the app's pool: up to 15 per worker):",
        "",
        "| state | sessions |",
        "|---|---:|",
    ]
    lines += [f"| {state} | {mean:.1f} |" for state, mean in report["sessions"].items()]
    if report["tracebacks"]:
        lines += ["", "The server logged errors:", "", "```", report["tracebacks"][-3000:], "```"]
    return "\n".join(lines) + "\n"


def _load(values) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


def _errors(kinds: dict[str, int]) -> str:
    return f" ({', '.join(f'{k} × {v}' for k, v in sorted(kinds.items()))})" if kinds else ""


if __name__ == "__main__":
    main()
