"""Load benchmark (issue 14): the three hot pages, old code against new code in one run.

    .venv/bin/python benchmarks/load.py [--old REV] [--new REV] > benchmarks/LOAD.md

The hot pages are the public event page, the registration flow (GET the form,
POST a registration, POST its cancellation) and an attendee's My tables.
/healthz is measured too, as a reference for what every request pays.

Target:
- p99 under 100 ms with 50 thinking users (each waits 0.5-1.5 s between
  requests), on the new code;
- no hot page costs more than 1.3x the old code's CPU per request, unless
  LOAD.md says what it buys.

How: ``git archive`` exports the two revisions (``--old``, default 20652fd;
``--new``, default the branch ``work``; never the working tree) to temporary
folders. Each is migrated by its own migrations into its own scratch
PostgreSQL database (load_old, load_new), filled with the same data
(load_data.py, seeded), and served by its own gunicorn (this venv, that tree's
``deploy/gunicorn.conf.py``, ``--chdir`` and PYTHONPATH into the tree) on
127.0.0.1:8771 and :8772; a marker file in each tree's static folder proves
which code answers. CPU per request is the server's process group's CPU time
(utime+stime of master and workers, and of reaped workers, from /proc) over a
fixed number of requests at saturation (50 connections, no think time),
divided by the requests the access log counts. Old and new take turns page by
page (old, new, old, new, ...), LOAD_RUNS times each, so the machine's noise
falls on both; medians and the new/old ratio are reported. Latency is wrk's
with 50 users who think, for 3 x LOAD_SECONDS per page, old then new (the
target is the new code's; the old code's p99 shows what the machine allowed).

Needs wrk (apt-get install wrk) and PostgreSQL at 127.0.0.1:5432 (user
postgres, trust). Environment: LOAD_SECONDS (default 8), LOAD_RUNS (3),
LOAD_REQUESTS (requests per CPU measurement, 1200). The run is bounded
(about 8-10 minutes on 2 cores) and drops its databases at the end.
"""

import argparse
import http.client
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load_data import build  # noqa: E402

SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432"
VENV = ROOT / ".venv/bin"
LUA = ROOT / "benchmarks/load.lua"
PASSWORD = "load-benchmark"
CONNECTIONS, THREADS = 50, 2
THINK_MS = 1000  # mean think time of a user, uniform over 0.5x to 1.5x
DURATION = int(os.environ.get("LOAD_SECONDS", "8"))
RUNS = int(os.environ.get("LOAD_RUNS", "3"))
REQUESTS = int(os.environ.get("LOAD_REQUESTS", "1200"))
CPU_RUN_CAP = 30  # seconds: a CPU measurement that has not reached REQUESTS by then stops anyway
PEOPLE = 100  # logged-in people per logged-in page (each log-in is a real scrypt check)
P99_TARGET_MS, CPU_RULE = 100, 1.3
MARKER = "load-benchmark-tree.txt"  # written into each exported tree's static folder
_SECRET = secrets.token_hex(32)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ACCESS_LINE = re.compile(rb'\] "[A-Z]+ \S+ HTTP/[\d.]+" \d{3} ')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# page -> (load.lua mode, data file name, hot page?)
PAGES = {
    "Event page `/events/<id>`": ("paths", "paths", True),
    "Registration flow (form, register, cancel)": ("register", "register", True),
    "My tables `/events/<id>/my-tables`": ("mytables", "mytables", True),
    "`/healthz` (reference)": ("paths", "healthz", False),
}


@dataclass
class Tree:
    """One revision of the code: its exported folder, database and server."""

    label: str  # "old" or "new"
    rev: str
    sha: str
    path: Path
    database: str
    port: int
    server: subprocess.Popen | None = None
    log: "AccessLog | None" = None
    files: dict[str, Path] = field(default_factory=dict)  # wrk data files, by name

    @property
    def url(self) -> str:
        return f"{SERVER_URL}/{self.database}"


def main() -> None:
    arguments = _arguments()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    admin = sa.create_engine(f"{SERVER_URL}/postgres", isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with tempfile.TemporaryDirectory(prefix="meetup-load-") as scratch:
        scratch = Path(scratch)
        trees = [
            _export(arguments.old, "old", scratch, "load_old", 8771),
            _export(arguments.new, "new", scratch, "load_new", 8772),
        ]
        try:
            data = _prepare_databases(admin, trees)
            for tree in trees:
                _start_server(tree, scratch)
            _log_in_everyone(trees, data, scratch)
            cpu = _measure_cpu(trees)
            latency = _measure_latency(trees)
        finally:
            for tree in trees:
                _stop_server(tree)
            _drop_databases(admin, trees)
            admin.dispose()
    print(_markdown(trees, data, cpu, latency))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", default="20652fd", help="revision of the old code (default: 20652fd)")
    parser.add_argument("--new", default="work", help="revision of the new code (default: the branch work)")
    return parser.parse_args()


_STARTED, _LOAD_AT_START = time.monotonic(), os.getloadavg()[0]


def _progress(message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:5.0f} s] {message}", file=sys.stderr, flush=True)


# --- the two trees ----------------------------------------------------------


def _export(rev: str, label: str, scratch: Path, database: str, port: int) -> Tree:
    """``git archive`` of one revision, its translations compiled as ``make`` does."""
    sha = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    path = scratch / label
    path.mkdir()
    archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", sha], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(path)], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        sys.exit(f"git archive {sha} failed")
    for po in path.glob("meetup/translations/*/LC_MESSAGES/messages.po"):
        subprocess.run(
            [str(VENV / "pybabel"), "compile", "-i", str(po), "-o", str(po.with_suffix(".mo"))],
            check=True,
            capture_output=True,
        )
    (path / "static" / MARKER).write_text(sha)
    tree = Tree(label, rev, sha, path, database, port)
    imported = subprocess.run(
        [str(VENV / "python"), "-c", "import meetup; print(meetup.__file__)"],
        cwd=path,
        env=_environment(tree),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not imported.startswith(str(path) + "/"):
        sys.exit(f"the {label} tree imports meetup from {imported}, not from {path}")
    _progress(f"exported {label} = {rev} ({sha[:10]}) to {path}")
    return tree


def _git(*arguments: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *arguments], capture_output=True, text=True, check=True
    ).stdout.strip()


def _environment(tree: Tree) -> dict[str, str]:
    """The production configuration, importing this tree's ``meetup``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "FLASK_", "MEETUP_"))}
    return dict(
        env,
        PYTHONPATH=str(tree.path),
        MEETUP_ENV="production",
        SECRET_KEY=_SECRET,
        DATABASE_URL=tree.url,
        RATELIMIT_STORAGE_URI="memory://",
        BASE_URL=f"http://127.0.0.1:{tree.port}",
    )


# --- databases --------------------------------------------------------------


def _prepare_databases(admin, trees: list[Tree]):
    """Each tree's database made by its own migrations, then the same data in both."""
    password_hash = generate_password_hash(PASSWORD, method="scrypt")  # one real hash shared by all
    built = []
    for tree in trees:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {tree.database} WITH (FORCE)")
            connection.exec_driver_sql(f"CREATE DATABASE {tree.database}")
        subprocess.run(
            [str(VENV / "flask"), "--app", "meetup", "db", "upgrade"],
            cwd=tree.path,
            env=_environment(tree),
            check=True,
            capture_output=True,
        )
        engine = sa.create_engine(tree.url, poolclass=sa.pool.NullPool)
        with engine.begin() as connection:
            built.append(build(connection, password_hash))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        engine.dispose()
        _progress(f"{tree.database}: migrated by the {tree.label} tree, loaded {built[-1].counts}")
    old, new = built
    if (old.events, old.tonight, old.open, old.emails) != (new.events, new.tonight, new.open, new.emails):
        sys.exit("the two databases did not get the same data")
    return new


def _drop_databases(admin, trees: list[Tree]) -> None:
    with admin.connect() as connection:
        for tree in trees:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {tree.database} WITH (FORCE)")


# --- servers ----------------------------------------------------------------


def _start_server(tree: Tree, scratch: Path) -> None:
    """gunicorn in its own process group, so that its CPU can be summed; access log to a file."""
    log = scratch / f"{tree.label}-server.log"
    with open(log, "ab") as output:
        tree.server = subprocess.Popen(
            [
                str(VENV / "gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
                "--chdir",
                str(tree.path),
                "--bind",
                f"127.0.0.1:{tree.port}",
                "wsgi:app",
            ],
            cwd=tree.path,
            env=_environment(tree),
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    tree.log = AccessLog(log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and tree.server.poll() is None:
        try:
            if _request(tree.port, "GET", "/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        sys.exit(f"gunicorn for the {tree.label} tree did not answer /healthz:\n{log.read_text()[-3000:]}")
    status, served, _ = _request(tree.port, "GET", f"/static/{MARKER}")
    if (status, served) != (200, tree.sha):
        sys.exit(f"port {tree.port} does not serve the {tree.label} tree ({status}, {served[:40]!r})")
    _progress(f"gunicorn pid {tree.server.pid} serves the {tree.label} tree on :{tree.port}")


def _stop_server(tree: Tree) -> None:
    if tree.server is None or tree.server.poll() is not None:
        return
    tree.server.terminate()
    try:
        tree.server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(tree.server.pid, signal.SIGKILL)
        tree.server.wait()


class AccessLog:
    """Counts the requests gunicorn has logged so far (lines read incrementally)."""

    def __init__(self, path: Path):
        self.path, self.offset, self.rest, self.requests = path, 0, b"", 0

    def count(self) -> int:
        with open(self.path, "rb") as log:
            log.seek(self.offset)
            chunk = log.read()
        self.offset += len(chunk)
        *lines, self.rest = (self.rest + chunk).split(b"\n")
        self.requests += sum(1 for line in lines if ACCESS_LINE.search(line))
        return self.requests


def _group_cpu(pgid: int) -> float:
    """CPU seconds of a process group: every member's utime+stime, plus the cutime+cstime
    of reaped children (gunicorn recycles workers every ~2,000 requests)."""
    ticks = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()  # from the state on: ppid, pgrp, ..., utime at 11
        if int(fields[2]) == pgid:
            ticks += sum(int(value) for value in fields[11:15])
    return ticks / CLOCK_TICKS


# --- HTTP and log-ins -------------------------------------------------------


def _request(port: int, method: str, path: str, cookie: str = "", body: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
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


def _log_in(port: int, email: str, page: str) -> tuple[str, str]:
    """Through the real /login form; then open ``page`` for its CSRF token. (cookie, token)"""
    status, html, cookie = _request(port, "GET", "/login")
    form = {"email": email, "password": PASSWORD, "csrf_token": CSRF.search(html).group(1)}
    status, _, cookie = _request(port, "POST", "/login", cookie, form)
    assert status == 302, f"log-in of {email} on :{port} answered {status}"
    status, html, cookie = _request(port, "GET", page, cookie)
    assert status == 200, f"{page} answered {status} for {email} on :{port}"
    match = CSRF.search(html)
    return cookie, match.group(1) if match else ""


def _log_in_everyone(trees: list[Tree], data, scratch: Path) -> None:
    """wrk's data files for each tree: event paths, and people logged in once each on that server."""
    seated = [(event, person) for event, people in data.tonight.items() for person in people][:PEOPLE]
    joining = [(event, person) for event, people in data.open.items() for person in people][:PEOPLE]
    for tree in trees:

        def my_tables(ep, port=tree.port):
            return f"/events/{ep[0]}/my-tables\t" + _log_in(port, data.emails[ep[1]], f"/events/{ep[0]}/my-tables")[0]

        def registration(ep, port=tree.port):
            return "\t".join((str(ep[0]), *_log_in(port, data.emails[ep[1]], f"/events/{ep[0]}/register")))

        with ThreadPoolExecutor(4) as pool:
            files = {
                "paths": [f"/events/{event}" for event in data.events],
                "healthz": ["/healthz"],
                "mytables": list(pool.map(my_tables, seated)),
                "register": list(pool.map(registration, joining)),
            }
        for name, lines in files.items():
            tree.files[name] = scratch / f"{tree.label}-{name}.txt"
            tree.files[name].write_text("\n".join(lines) + "\n")
        _progress(f"{len(seated) + len(joining)} people logged in on the {tree.label} tree")


# --- measuring --------------------------------------------------------------


def _wrk(tree: Tree, mode: str, data_file: Path, seconds: int, think_ms: int = 0) -> subprocess.Popen:
    env = dict(
        os.environ, LOAD_MODE=mode, LOAD_DATA=str(data_file), LOAD_THREADS=str(THREADS), LOAD_THINK_MS=str(think_ms)
    )
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA)]
    return subprocess.Popen(
        [*command, f"http://127.0.0.1:{tree.port}"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wrk_result(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=CPU_RUN_CAP + 3 * DURATION + 60)
    if "RESULT" not in out:
        raise RuntimeError(f"wrk gave no result: {out} {err}")
    fields = dict(re.findall(r"(\w+)=(\S*)", out.split("RESULT", 1)[1]))
    statuses = {}
    for part in filter(None, fields["statuses"].split(",")):
        code, count = part.split(":")
        statuses[code] = int(count)
    if int(fields["socket_errors"]):
        statuses["socket errors"] = int(fields["socket_errors"])
    return {
        "rps": int(fields["requests"]) / (int(fields["duration_us"]) / 1e6),
        "p50": int(fields["p50"]) / 1000,
        "p95": int(fields["p95"]) / 1000,
        "p99": int(fields["p99"]) / 1000,
        "statuses": statuses,
    }


def _wait_until_idle(tree: Tree) -> int:
    """Until the access log stops growing (the requests wrk left in flight are answered)."""
    last, stable = tree.log.count(), 0
    while stable < 3:
        time.sleep(0.1)
        now = tree.log.count()
        stable = stable + 1 if now == last else 0
        last = now
    return last


def _cpu_run(tree: Tree, page: str, requests: int = REQUESTS) -> dict:
    """``requests`` requests at saturation; the server's CPU over them, per request answered."""
    mode, name, _ = PAGES[page]
    requests_before = _wait_until_idle(tree)
    cpu_before = _group_cpu(tree.server.pid)
    wrk = _wrk(tree, mode, tree.files[name], CPU_RUN_CAP)
    while tree.log.count() - requests_before < requests and wrk.poll() is None:
        time.sleep(0.02)
    wrk.send_signal(signal.SIGINT)  # wrk stops and prints its summary
    result = _wrk_result(wrk)
    served = _wait_until_idle(tree) - requests_before
    result["cpu_ms"] = (_group_cpu(tree.server.pid) - cpu_before) / served * 1000
    result["served"] = served
    return result


def _measure_cpu(trees: list[Tree]) -> dict[str, dict[str, list[dict]]]:
    """page -> tree label -> one result per run; old and new take turns."""
    for page in PAGES:  # warm-up: connections, prepared statements, caches
        for tree in trees:
            _cpu_run(tree, page, REQUESTS // 3)
    _progress("warmed up")
    runs = {page: {tree.label: [] for tree in trees} for page in PAGES}
    for run in range(RUNS):
        for page in PAGES:
            for tree in trees:
                runs[page][tree.label].append(_cpu_run(tree, page))
        summary = ", ".join(
            f"{page.split()[0]} " + "/".join(f"{by_tree[t.label][-1]['cpu_ms']:.2f}" for t in trees)
            for page, by_tree in runs.items()
        )
        _progress(f"CPU run {run + 1}/{RUNS} (ms per request, old/new): {summary}")
    return runs


def _measure_latency(trees: list[Tree]) -> dict[str, dict[str, dict]]:
    """page -> tree label -> wrk's figures with 50 users who think between requests (hot pages only)."""
    latency = {}
    for page, (mode, name, hot) in PAGES.items():
        if not hot:
            continue
        latency[page] = {}
        for tree in trees:
            process = _wrk(tree, mode, tree.files[name], 3 * DURATION, think_ms=THINK_MS)
            latency[page][tree.label] = users = _wrk_result(process)
            _progress(f"latency, {tree.label}, {page}: p50/p95/p99 {users['p50']}/{users['p95']}/{users['p99']} ms")
    return latency


# --- the report -------------------------------------------------------------


def _markdown(trees: list[Tree], data, cpu: dict, latency: dict) -> str:
    old, new = trees
    command = "benchmarks/load.py" + "".join(
        f" --{t.label} {t.rev}" for t, default in ((old, "20652fd"), (new, "work")) if t.rev != default
    )
    cpu_name = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        "",
    )
    lines = [
        "# Load benchmark",
        "",
        f"Generated by `benchmarks/load.py` (issue 14). Targets: p99 under {P99_TARGET_MS} ms with {CONNECTIONS} "
        f"thinking users on every hot page, and no hot page above {CPU_RULE}x the old code's CPU per request "
        "without a line below saying what it buys.",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d}. Command: `LOAD_SECONDS={DURATION} LOAD_RUNS={RUNS} "
        f"LOAD_REQUESTS={REQUESTS} .venv/bin/python {command} > benchmarks/LOAD.md`.",
        f"- Machine: {platform.machine()}, {os.cpu_count()} CPU(s) ({cpu_name}), Python "
        f"{platform.python_version()}; gunicorn, PostgreSQL and wrk share it with other work (load average "
        f"{_LOAD_AT_START:.1f} at the start, {os.getloadavg()[0]:.1f} at the end). Timings are noisy: compare "
        "old and new within this run.",
        f"- Old: `{old.rev}` = {old.sha[:10]}; new: `{new.rev}` = {new.sha[:10]}. Each exported with `git archive`, "
        "migrated by its own migrations into its own PostgreSQL database, served by its own "
        "`gunicorn -c deploy/gunicorn.conf.py` (4 gthread workers × 16 threads, production config, rate limits "
        "in memory).",
        f"- Data (the same in both): {', '.join(f'{v:,} {k}' for k, v in data.counts.items())}. Logged-in pages: "
        f"{PEOPLE} people each; the registration flow cycles each person through GET form, POST register, "
        "POST cancel (figures per request).",
        f"- CPU per request: gunicorn master + workers (utime+stime from /proc) over {REQUESTS:,} requests at "
        f"saturation ({CONNECTIONS} connections, no think time), divided by the requests its access log counts; "
        f"PostgreSQL's CPU is not in it. Old and new take turns page by page, {RUNS} run(s) each after a "
        f"warm-up of {REQUESTS // 3:,} requests; medians.",
        f"- Latency: {CONNECTIONS} users, each thinking {THINK_MS // 2}–{THINK_MS * 3 // 2} ms before "
        f"each request, {3 * DURATION} s per page and tree (old, then new); the target applies to the new code.",
        "",
        "| page | p50 / p95 / p99 ms, new | CPU ms per request, old | new | new/old | "
        f"p99 < {P99_TARGET_MS} ms | ≤ {CPU_RULE}x old CPU |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    over = []
    for page, (_, _, hot) in PAGES.items():
        old_ms, new_ms = (statistics.median(r["cpu_ms"] for r in cpu[page][t.label]) for t in trees)
        ratio = new_ms / old_ms
        if hot:
            users = latency[page][new.label]
            percentiles = f"{users['p50']:.1f} / {users['p95']:.1f} / {users['p99']:.1f}"
            p99 = "met" if users["p99"] < P99_TARGET_MS else "**missed**"
            rule = "met" if ratio <= CPU_RULE else "**over**: see notes"
            if ratio > CPU_RULE:
                over.append(f"- {page}: new/old CPU {ratio:.2f} — TODO: what it buys")
        else:
            percentiles, p99, rule = "—", "—", "— (reference)"
        lines.append(f"| {page} | {percentiles} | {old_ms:.2f} | {new_ms:.2f} | {ratio:.3f} | {p99} | {rule} |")
    lines.append("")
    for page in PAGES:
        lines += _page_section(page, trees, cpu[page], latency.get(page))
    lines += ["## Notes", ""]
    lines += over or [f"- No hot page is above {CPU_RULE}x its old CPU per request."]
    return "\n".join(lines) + "\n"


def _page_section(page: str, trees: list[Tree], runs: dict[str, list[dict]], users: dict | None) -> list[str]:
    lines = [
        f"### {page}",
        "",
        "| | " + " | ".join(f"{t.label} (`{t.rev}`)" for t in trees) + " |",
        "|---|---:|---:|",
    ]

    def row(label, values):
        lines.append(f"| {label} | " + " | ".join(values) + " |")

    row("CPU ms per request, median", [f"{statistics.median(r['cpu_ms'] for r in runs[t.label]):.2f}" for t in trees])
    row("CPU ms per request, each run", [", ".join(f"{r['cpu_ms']:.2f}" for r in runs[t.label]) for t in trees])
    row("saturated req/s, median", [f"{statistics.median(r['rps'] for r in runs[t.label]):.0f}" for t in trees])
    row("responses (all runs)", [_statuses(runs[t.label]) for t in trees])
    if users is not None:
        row(
            f"{CONNECTIONS} thinking users: req/s, p50 / p95 / p99 ms",
            [
                f"{u['rps']:.0f}, {u['p50']:.1f} / {u['p95']:.1f} / {u['p99']:.1f}"
                for u in (users[t.label] for t in trees)
            ],
        )
        row(f"{CONNECTIONS} thinking users: responses", [_statuses([users[t.label]]) for t in trees])
    return lines + [""]


def _statuses(results: list[dict]) -> str:
    merged: dict[str, int] = {}
    for result in results:
        for code, count in result["statuses"].items():
            merged[code] = merged.get(code, 0) + count
    return " ".join(f"{code}×{count}" for code, count in sorted(merged.items()))


if __name__ == "__main__":
    main()
