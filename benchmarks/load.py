"""Load benchmark (issue 8): gunicorn against PostgreSQL with a realistic data
set, wrk on loopback, over the public event page, the registration flow and
an attendee's My tables, with /healthz on the same server as the ceiling.

Target: every page at least 40% of the ceiling's throughput and p99 under
100 ms at 50 concurrent users. Throughput is measured at saturation (50
connections, no think time); latency with 50 users who each think 0.5-1.5 s
between requests, as people do, so that p99 shows the server's answer time
under concurrency rather than the queue an unbounded request stream builds.

    .venv/bin/python benchmarks/load.py > benchmarks/LOAD.md

Needs wrk (apt-get install wrk) and a PostgreSQL server: MEETUP_BENCH_DATABASE_URL
names a database on it to connect to (default: postgres on 127.0.0.1); the
script creates the scratch database meetup_load there and drops it at the
end. Traffic goes to 127.0.0.1 only, and every run is bounded (RUNS x pages x
DURATION per server set-up); the script stops by itself.
"""

import http.client
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load_data import build  # noqa: E402

SERVER_URL = os.environ.get("MEETUP_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SCRATCH = "meetup_load"
PORT = 8765
PASSWORD = "load-benchmark"
CONNECTIONS, THREADS = 50, 2
THINK_MS = 1000  # mean think time of a user, uniform over 0.5x to 1.5x
DURATION, RUNS = int(os.environ.get("LOAD_SECONDS", "8")), int(os.environ.get("LOAD_RUNS", "3"))
_SECRET = secrets.token_hex(32)  # one for every server set-up, so log-ins carry over
PEOPLE = 100  # logged-in people per logged-in page (each log-in is a real scrypt check)
# The production set-up of deploy/gunicorn.conf.py (threaded workers, two per core, access log on).
# Sync workers are left out: with no nginx in front to buffer, a user who thinks on an open
# connection holds a sync worker, so the latency run would measure that, not the app.
SERVERS = [
    (
        "gunicorn -c deploy/gunicorn.conf.py (gthread, 2 workers per core × 16 threads)",
        ["-c", "deploy/gunicorn.conf.py"],
    )
]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    admin = sa.create_engine(SERVER_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    url = make_url(SERVER_URL).set(database=SCRATCH).render_as_string(hide_password=False)
    _recreate(admin)
    try:
        data = _populate(url)
        _progress(f"loaded {data.counts}")
        with tempfile.TemporaryDirectory() as work:
            report = _measure_all(url, data, Path(work))
        _progress(f"raw figures: {report}")
        floor = _cpu_per_request(url, data)
        _progress(f"in-process CPU: {floor}")
        print(_markdown(data, report, floor))
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        admin.dispose()


_STARTED = time.monotonic()


def _progress(message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:5.0f} s] {message}", file=sys.stderr)


def _recreate(admin) -> None:
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {SCRATCH}")


def _populate(url: str):
    from flask_migrate import upgrade

    from meetup import create_app
    from meetup.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        with db.engine.begin() as connection:
            # One real hash (the production method) shared by everyone: log-ins cost what they cost.
            data = build(connection, generate_password_hash(PASSWORD, method="scrypt"))
            connection.exec_driver_sql("ANALYZE")
        data.counts["seconds to load"] = round(time.perf_counter() - started, 1)
        db.engine.dispose()
    return data


# --- the server -------------------------------------------------------------


def _start_server(url: str, options: list[str], log: Path) -> subprocess.Popen:
    env = dict(
        os.environ, MEETUP_ENV="production", SECRET_KEY=_SECRET, DATABASE_URL=url, RATELIMIT_STORAGE_URI="memory://"
    )
    with open(log, "ab") as output:  # the access log goes there too, not into the report
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), *options, "--bind", f"127.0.0.1:{PORT}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if _get("/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer /healthz; see {log}")


def _stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def _request(method: str, path: str, cookie: str = "", body: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    payload = None
    if body is not None:
        payload = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    cookies = [c.split(";", 1)[0] for c in response.msg.get_all("Set-Cookie") or []]
    connection.close()
    return response.status, text, next((c for c in cookies if c.startswith("session=")), cookie)


def _get(path: str):
    return _request("GET", path)


def _log_in(email: str, page: str) -> tuple[str, str]:
    """Through the real /login form; then open ``page`` for its CSRF token. (cookie, token)"""
    status, html, cookie = _request("GET", "/login")
    status, _, cookie = _request(
        "POST", "/login", cookie, {"email": email, "password": PASSWORD, "csrf_token": CSRF.search(html).group(1)}
    )
    assert status == 302, f"log-in of {email} answered {status}"
    status, html, cookie = _request("GET", page, cookie)
    assert status == 200, f"{page} answered {status} for {email}"
    match = CSRF.search(html)
    return cookie, match.group(1) if match else ""


# --- measuring --------------------------------------------------------------


def _inputs(data, work: Path) -> dict[str, tuple[str, Path]]:
    """wrk's data files: event paths, and people logged in once each."""
    seated = [(event, person) for event, people in data.tonight.items() for person in people][:PEOPLE]
    joining = [(event, person) for event, people in data.open.items() for person in people][:PEOPLE]
    with ThreadPoolExecutor(4) as pool:
        tables = list(
            pool.map(
                lambda ep: (f"/events/{ep[0]}/my-tables", _log_in(data.emails[ep[1]], f"/events/{ep[0]}/my-tables")[0]),
                seated,
            )
        )
        joins = list(pool.map(lambda ep: (ep[0], *_log_in(data.emails[ep[1]], f"/events/{ep[0]}/register")), joining))
    files = {
        "paths": [f"/events/{event}" for event in data.events],
        "healthz": ["/healthz"],
        "mytables": ["\t".join(row) for row in tables],
        "register": [f"{e}\t{c}\t{t}" for e, c, t in joins],
    }
    for name, lines in files.items():
        (work / f"{name}.txt").write_text("\n".join(lines) + "\n")
    return {
        "Ceiling: /healthz": ("paths", work / "healthz.txt"),
        "Event page /events/<id>": ("paths", work / "paths.txt"),
        "Registration flow (form, register, cancel)": ("register", work / "register.txt"),
        "My tables /events/<id>/my-tables": ("mytables", work / "mytables.txt"),
    }


def _wrk(mode: str, data_file: Path, seconds: int, think_ms: int = 0) -> dict:
    env = dict(
        os.environ, LOAD_MODE=mode, LOAD_DATA=str(data_file), LOAD_THREADS=str(THREADS), LOAD_THINK_MS=str(think_ms)
    )
    connections = CONNECTIONS
    out = subprocess.run(
        [
            "wrk",
            f"-t{THREADS}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "benchmarks/load.lua"),
            f"http://127.0.0.1:{PORT}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    fields = dict(re.findall(r"(\w+)=(\S*)", out.split("RESULT", 1)[1]))
    return {
        "rps": int(fields["requests"]) / (int(fields["duration_us"]) / 1e6),
        "p50": int(fields["p50"]) / 1000,
        "p95": int(fields["p95"]) / 1000,
        "p99": int(fields["p99"]) / 1000,
        "socket_errors": int(fields["socket_errors"]),
        "statuses": fields["statuses"],
    }


def _measure_all(url: str, data, work: Path) -> dict:
    report = {}
    server = _start_server(url, SERVERS[0][1], work / "login.log")
    try:
        pages = _inputs(data, work)
        _progress("logged in")
    finally:
        _stop_server(server)
    for name, options in SERVERS:
        server = _start_server(url, options, work / "server.log")
        try:
            for mode, data_file in pages.values():  # warm-up: connections, caches, compiled templates
                _wrk(mode, data_file, 2)
            runs = {page: [] for page in pages}
            for _ in range(RUNS):
                for page, (mode, data_file) in pages.items():
                    runs[page].append(_wrk(mode, data_file, DURATION))
            users = {
                page: _wrk(mode, data_file, 3 * DURATION, think_ms=THINK_MS)
                for page, (mode, data_file) in pages.items()
            }
        finally:
            _stop_server(server)
        report[name] = {page: (_median(results), users[page]) for page, results in runs.items()}
        _progress(f"measured {name}")
    return report


def _median(results: list[dict]) -> dict:
    merged = {key: statistics.median(r[key] for r in results) for key in ("rps", "p50", "p95", "p99")}
    merged["socket_errors"] = sum(r["socket_errors"] for r in results)
    statuses: dict[str, int] = {}
    for r in results:
        for part in filter(None, r["statuses"].split(",")):
            code, count = part.split(":")
            statuses[code] = statuses.get(code, 0) + int(count)
    merged["statuses"] = statuses
    return merged


# --- where the time goes: CPU per request, in-process -----------------------

CPU_ROUNDS = 200
# Two pages the product does not have, registered on the measuring app only: base.html with an
# empty body, for a visitor and for a logged-in person. What every page pays before its own work.
_BARE = '{% extends "base.html" %}{% block content %}{% endblock %}'


def _cpu_per_request(url: str, data) -> list[tuple[str, float]]:
    """Median CPU time of one request in this process (Flask's test client, the production
    config, the same database), the pages taken in turn so that machine noise hits all alike.
    No server, no load generator, no PostgreSQL time: the application's own share."""
    from flask import render_template
    from flask_login import login_required

    from meetup import create_app
    from meetup.config import ProductionConfig

    config = type(
        "Measuring",
        (ProductionConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": _SECRET,
            "RATELIMIT_STORAGE_URI": "memory://",
            "WTF_CSRF_SSL_STRICT": False,
        },
    )  # the test client speaks https without a Referer
    app = create_app(config)
    bare = app.jinja_env.from_string(_BARE)
    app.add_url_rule("/_bare", "bare", lambda: render_template(bare))
    app.add_url_rule("/_bare-logged-in", "bare_logged_in", login_required(lambda: render_template(bare)))
    ((event_id, people),) = list(data.tonight.items())[:1]
    open_id, joining = next(iter(data.open.items()))
    visitor, seated, joiner = app.test_client(), _client_of(app, data, people[0]), _client_of(app, data, joining[0])
    token = CSRF.search(joiner.get(f"/events/{open_id}/register").get_data(as_text=True)).group(1)
    register = {"csrf_token": token, "goals": ["learn", "peers"], "intro": "", "acknowledge": "y"}
    requests = [  # (label, request); the registration steps in the order a person takes them
        ("/healthz", lambda: visitor.get("/healthz")),
        ("Bare page, visitor (base.html only)", lambda: visitor.get("/_bare")),
        ("Bare page, logged in (base.html only)", lambda: seated.get("/_bare-logged-in")),
        ("Event page", lambda: visitor.get(f"/events/{open_id}")),
        ("Registration form", lambda: joiner.get(f"/events/{open_id}/register")),
        ("Register (POST)", lambda: joiner.post(f"/events/{open_id}/register", data=register)),
        ("Cancel (POST)", lambda: joiner.post(f"/events/{open_id}/cancel-registration", data={"csrf_token": token})),
        ("My tables", lambda: seated.get(f"/events/{event_id}/my-tables")),
    ]
    times: dict[str, list[float]] = {label: [] for label, _ in requests}
    for round_no in range(CPU_ROUNDS + 10):  # the first ten warm caches and prepared statements
        for label, request in requests:
            started = time.process_time()
            status = request().status_code
            if round_no < 10:
                assert status in (200, 302), f"{label} answered {status}"
            else:
                times[label].append(time.process_time() - started)
    with app.app_context():
        from meetup.extensions import db

        db.engine.dispose()
    return [(label, statistics.median(values) * 1000) for label, values in times.items()]


def _client_of(app, data, person: int):
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"email": data.emails[person], "password": PASSWORD, "csrf_token": CSRF.search(html).group(1)}
    )
    assert response.status_code == 302, f"log-in answered {response.status_code}"
    return client


# --- the report -------------------------------------------------------------


def _markdown(data, report: dict, floor: list[tuple[str, float]]) -> str:
    lines = [
        "# Load benchmark",
        "",
        "Generated by `benchmarks/load.py` (issue 8). Target: every page at least 40% of the same server's",
        f"`/healthz` throughput, and p99 under 100 ms at {CONNECTIONS} concurrent users.",
        "",
        f"- Machine: {platform.machine()}, {os.cpu_count()} CPU(s), Python {platform.python_version()}; "
        f"server, PostgreSQL and wrk share it; load average {os.getloadavg()[0]:.1f} when the report was written.",
        f"- Data: {', '.join(f'{v:,} {k}' for k, v in data.counts.items())}.",
        f"- Throughput: wrk, {THREADS} threads, {CONNECTIONS} connections, no think time (saturation), "
        f"{DURATION} s per run, medians of {RUNS} runs; production config, rate limits in memory.",
        f"- Latency: {CONNECTIONS} users at once, each thinking {THINK_MS // 2}–{THINK_MS * 3 // 2} ms "
        f"(uniform) before each request, {3 * DURATION} s per page; the saturated p99 is shown too, and by "
        "Little's law it is queueing: with no think time, p50 ≈ connections / throughput.",
        f"- Logged-in pages: {PEOPLE} people each, logged in once through `/login`; the registration flow "
        "cycles each person through GET form, POST register, POST cancel (figures per request).",
        "",
    ]
    for name, pages in report.items():
        ceiling = pages["Ceiling: /healthz"][0]["rps"]
        lines += [
            f"## {name}",
            "",
            f"| page | req/s | % of ceiling | p50 ms | p95 ms | p99 ms | responses | "
            f"{CONNECTIONS} users thinking: req/s, p50 / p95 / p99 ms | target |",
            "|---|---:|---:|---:|---:|---:|---|---:|---|",
        ]
        for page, (m, users) in pages.items():
            share = m["rps"] / ceiling if ceiling else 0.0
            met = (
                "—"
                if page.startswith("Ceiling")
                else (
                    "met"
                    if share >= 0.4 and users["p99"] < 100
                    else "missed: "
                    + ", ".join(x for x, bad in [("throughput", share < 0.4), ("p99", users["p99"] >= 100)] if bad)
                )
            )
            statuses = " ".join(f"{k}×{v}" for k, v in sorted(m["statuses"].items()))
            if m["socket_errors"]:
                statuses += f" socket errors×{m['socket_errors']}"
            lines.append(
                f"| {page} | {m['rps']:.0f} | {share:.0%} | {m['p50']:.1f} | {m['p95']:.1f} | "
                f"{m['p99']:.1f} | {statuses} | {users['rps']:.0f}, "
                f"{users['p50']:.1f} / {users['p95']:.1f} / {users['p99']:.1f} | {met} |"
            )
        lines.append("")
    ceiling = next(iter(report.values()))["Ceiling: /healthz"][0]["rps"]
    lines += _floor_markdown(floor, ceiling)
    return "\n".join(lines)


def _floor_markdown(floor: list[tuple[str, float]], ceiling: float) -> list[str]:
    """The in-process table, and the share of the ceiling each request could reach at best."""
    machine = os.cpu_count() / ceiling * 1000  # ms of machine CPU one /healthz costs at saturation
    healthz = floor[0][1]
    lines = [
        "## Where the time goes: CPU per request in the application",
        "",
        f"Flask's test client in one process, production config, same database; median of {CPU_ROUNDS} "
        "rounds, the requests taken in turn. Server, load generator and PostgreSQL time are not in it.",
        f"At saturation one `/healthz` cost {machine:.1f} ms of the machine's CPU (cores / ceiling). A request "
        "that costs the application x ms more than `/healthz` can reach at best "
        f"{machine:.1f} / ({machine:.1f} + x) of the ceiling: the best case, before its own database time.",
        "",
        "| request | CPU ms | × /healthz | best share of the ceiling |",
        "|---|---:|---:|---:|",
    ]
    for label, ms in floor:
        best = machine / (machine + max(0.0, ms - healthz))
        lines.append(f"| {label} | {ms:.2f} | {ms / healthz:.1f} | {best:.0%} |")
    return lines + [""]


if __name__ == "__main__":
    main()
