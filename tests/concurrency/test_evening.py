"""An ordinary busy evening on one machine: sixty newcomers sign up for the
same evening at the same moment, through four gunicorn workers, follow the
link in the confirmation mail as it arrives, log in and register, while the
worker (``worker --interval 1``, its own process, as deploy/ runs it)
sends what they cause to a real SMTP server.

What people care about: nobody sees an error page, the mail worker keeps
running, and everyone gets the two mails they caused (the confirmation
link, then their registration), each once.
It is the embedded default's test above all (SQLite, where a transaction
that read before writing used to fail with "database is locked"), and it
holds on PostgreSQL too.
"""

import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from meetup.accounts.models import User
from meetup.events.models import CONFIRMED, WAITLISTED, Registration
from meetup.events.services import events as hosting
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from tests.clock import NOW
from tests.concurrency.conftest import Browser, WorkerProcess, add_people, at_once
from tests.conftest import PASSWORD, end_own_transaction, read_afresh
from tests.events.helpers import event_details

CROWD = 60
CAPACITY = 30
DRAIN_TIMEOUT = 120  # seconds for the worker to send everything: a bound, not a measurement
MAIL_TIMEOUT = 60  # seconds a newcomer waits for the confirmation mail: a bound, not a measurement


@pytest.fixture
def mail_worker(committing_app, database_url, smtp_server, tmp_path):
    """A factory: start a mail worker (stopped after the test) sending to ``smtp_server``."""
    workers = []

    def start(locked: bool = True) -> WorkerProcess:
        worker = WorkerProcess(
            database_url,
            tmp_path / f"worker{len(workers)}.log",
            smtp_port=committing_app.config["MAIL_PORT"],
            locked=locked,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def evening(prefix: str) -> int:
    host = add_people(prefix, 1)[0]
    event = hosting.create_event(host, event_details(NOW, capacity=CAPACITY), now=NOW)
    hosting.publish_event(host, event.id, now=NOW)
    return event.id


def confirmation_link(smtp_server, email: str) -> str | None:
    """The path of the link in the confirmation mail to ``email`` once it
    arrives, or None if it does not arrive in time."""
    deadline = time.monotonic() + MAIL_TIMEOUT
    while time.monotonic() < deadline:
        for message in list(smtp_server.messages):
            if message["To"] == email:
                url = urlsplit(re.search(r"https?://\S+", message.get_content()).group(0))
                return f"{url.path}?{url.query}"
        time.sleep(0.2)
    return None


def newcomer(server, smtp_server, event_id: int, email: str):
    """A newcomer's browser with the evening's sign-up page open; the returned
    job signs up, follows the link in the mail, logs in, which leads back to
    the evening's registration form, and registers."""
    tab = Browser(server)
    register_path = f"/events/{event_id}/register"
    token = tab.get(f"/signup?next={register_path}").csrf_token()
    form = {
        "csrf_token": token,
        "email": email,
        "password": PASSWORD,
        "display_name": email.split("@")[0],
        "industry": "design",
        "industry_other": "",
        "introduction": "Posters and shop signs.",
        "language": "",
    }

    def job():
        signed_up = tab.post(f"/signup?next={register_path}", form)
        if signed_up.statuses[0] != 302:
            return signed_up
        link = confirmation_link(smtp_server, email)
        if link is None:  # the mail checks below say why
            return signed_up
        log_in = tab.post(link, {"csrf_token": tab.get(link).csrf_token()})
        register_form = tab.post(
            f"/login?next={register_path}", {"email": email, "password": PASSWORD, "csrf_token": log_in.csrf_token()}
        )
        return tab.post(
            register_path,
            {
                "csrf_token": register_form.csrf_token(),
                "goals": ["learn"],
                "intro": "Here to listen",
                "acknowledge": "y",
            },
        )

    return tab, job


def crowd_arrives(server, smtp_server, event_id: int, prefix: str) -> list[Browser]:
    tabs, jobs = zip(*(newcomer(server, smtp_server, event_id, f"{prefix}{n}@example.com") for n in range(CROWD)))
    at_once(list(jobs), timeout=DRAIN_TIMEOUT + MAIL_TIMEOUT)
    return list(tabs)


def outbox() -> list:
    """(recipient_email, subject, sent_at, last_error) of every queued message,
    as plain rows: the test then holds no transaction, and no lock, while
    the worker carries on."""
    read_afresh()  # what the workers committed
    rows = db.session.execute(
        select(
            OutboxMessage.recipient_email, OutboxMessage.subject, OutboxMessage.sent_at, OutboxMessage.last_error
        ).order_by(OutboxMessage.id)
    ).all()
    end_own_transaction()
    return rows


def drain(worker: WorkerProcess, timeout: float = DRAIN_TIMEOUT, must_finish: bool = True) -> list:
    """The outbox once the worker has sent all of it, or as it was when the
    worker stopped (the caller checks which). Fails if neither happens within
    ``timeout``, unless ``must_finish`` is off (then: the outbox as it is)."""
    deadline = time.monotonic() + timeout
    while True:
        messages = outbox()
        pending = [m for m in messages if m.sent_at is None]
        if not pending or not worker.running():
            return messages
        if time.monotonic() >= deadline:
            assert not must_finish, (
                f"{len(pending)} messages still unsent, e.g. {pending[0].last_error!r}:\n{worker.log()}"
            )
            return messages
        time.sleep(0.5)


def received(smtp_server) -> Counter:
    return Counter((str(m["To"]), str(m["Subject"])) for m in smtp_server.messages)


def test_sixty_newcomers_at_once_see_no_error_page_and_each_get_their_mail_once(
    gunicorn, mail_worker, smtp_server, no_server_errors
):
    event_id = evening("evening-host")
    worker = mail_worker()

    tabs = crowd_arrives(gunicorn, smtp_server, event_id, "newcomer")

    assert [tab.server_errors() for tab in tabs] == [[]] * CROWD
    read_afresh()  # read what the workers committed
    emails = {f"newcomer{n}@example.com" for n in range(CROWD)}
    assert set(db.session.scalars(select(User.email).where(User.email.in_(emails)))) == emails
    statuses = Counter(db.session.scalars(select(Registration.status).where(Registration.event_id == event_id)))
    assert statuses == {CONFIRMED: CAPACITY, WAITLISTED: CROWD - CAPACITY}
    # Every sign-up and registration queued its mail, the worker sent every one and never stopped...
    messages = drain(worker)
    assert worker.running(), f"the mail worker exited:\n{worker.log()}"
    assert all(m.sent_at is not None for m in messages)
    assert sorted(m.recipient_email for m in messages) == sorted([*emails, *emails])
    # ...and each arrived exactly once.
    assert received(smtp_server) == Counter((m.recipient_email, m.subject) for m in messages)
    assert "Traceback" not in worker.log()


@pytest.fixture
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only: BEGIN IMMEDIATE is what this control run switches off")


def test_control_without_the_locks_the_same_evening_fails(sqlite_only, unlocked_gunicorn, mail_worker, smtp_server):
    """Proves the test above can fail: the same evening with every
    transaction deferred (SQLite's default BEGIN), in the app and the worker,
    gives error pages, a worker that dies or doubled mail. SQLite only: on
    PostgreSQL the locks are row locks, which the registration tests' own
    control run covers. A race is a race, so the crowd gets three evenings."""
    worker = mail_worker(locked=False)
    for attempt in range(3):
        event_id = evening(f"control{attempt}-host")
        tabs = crowd_arrives(unlocked_gunicorn, smtp_server, event_id, f"control{attempt}-")
        errors = sum(len(tab.server_errors()) for tab in tabs)
        # The worker survives a locked database (it logs and tries again), so
        # here it may never finish: mail stuck behind "database is locked" is
        # a failure too.
        unsent = sum(m.sent_at is None for m in drain(worker, timeout=30, must_finish=False))
        doubled = sum(count - 1 for count in received(smtp_server).values())
        locked = worker.log().count("database is locked")
        print(
            f"control run without the locks: {errors} error pages, worker running: {worker.running()}, "
            f"{doubled} doubled mails, {unsent} unsent, {locked} 'database is locked' in the worker's log"
        )
        if errors or not worker.running() or doubled or unsent or locked:
            return
    pytest.fail("without the locks the evening went well: the test above proves nothing")
